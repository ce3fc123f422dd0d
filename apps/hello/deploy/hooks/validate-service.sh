#!/usr/bin/env bash
# ValidateService: the deployment succeeds only once the local service answers healthy with the
# new version. Bounded well under the hook's timeout; on failure the service's last log lines
# go into the deployment's log, where the person watching the deploy looks first.
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/common.sh"

VERSION=$(host_tool version "$BUNDLE_DIR/release.json")
if host_tool probe --port "$PORT" --version "$VERSION" --health-path "$HEALTH_PATH" \
  --version-path "$VERSION_PATH" --timeout "$VALIDATE_SECONDS"; then
  log "version $VERSION is serving on port $PORT"
  exit 0
fi
log "version $VERSION did not become healthy within ${VALIDATE_SECONDS}s; last lines of $LOG_FILE:"
tail -n 40 -- "$LOG_FILE" 2>/dev/null || log "(no log file)"
exit 1
