#!/usr/bin/env bash
# ApplicationStart: start the listening socket and (re)start the service from the `current`
# release. restart, not start: a process that ApplicationStop never saw (first deployment,
# hand-started) is replaced too; and reset-failed clears systemd's start limit left by a
# crash-looping revision before a rollback.
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/common.sh"

ctl reset-failed "$SOCKET_UNIT_NAME" >/dev/null 2>&1 || true
ctl reset-failed "$UNIT_NAME" >/dev/null 2>&1 || true
# The socket before the service, which takes it as fd 3 (start is a no-op when it listens already).
ctl start "$SOCKET_UNIT_NAME"
ctl restart "$UNIT_NAME"
log "started $SOCKET_UNIT_NAME and $UNIT_NAME"
