#!/usr/bin/env bash
# ApplicationStop: runs from the previously installed revision (never on a group's first
# deployment). Stopping sends SIGTERM: /healthz turns 503, in-flight requests finish, the process
# exits inside TimeoutStopSec. It must succeed when nothing is installed or running, or every
# later deployment to this host would fail here.
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/common.sh"

if [[ ! -f $UNIT_DIR/$UNIT_NAME ]]; then
  log "no $UNIT_NAME installed yet: nothing to stop"
  exit 0
fi
# The socket first: systemd closes its copy, so once the service closes its own on SIGTERM new
# connections are refused instead of queued behind a service that is stopping (the load balancer
# has stopped sending them by now). A revision without the socket unit has none to stop.
if [[ -f $UNIT_DIR/$SOCKET_UNIT_NAME ]]; then
  ctl stop "$SOCKET_UNIT_NAME"
fi
log "stopping $UNIT_NAME (graceful, at most ${STOP_TIMEOUT_SECONDS}s)"
ctl stop "$UNIT_NAME"
log "stopped"
