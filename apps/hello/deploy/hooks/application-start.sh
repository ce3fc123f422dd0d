#!/usr/bin/env bash
# ApplicationStart: (re)start the service from the `current` release. restart, not start: a
# process that ApplicationStop never saw (first deployment, hand-started) is replaced too; and
# reset-failed clears systemd's start limit left by a crash-looping revision before a rollback.
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/common.sh"

ctl reset-failed "$UNIT_NAME" >/dev/null 2>&1 || true
ctl restart "$UNIT_NAME"
log "started $UNIT_NAME"
