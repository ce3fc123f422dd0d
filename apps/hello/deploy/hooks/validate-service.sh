#!/usr/bin/env bash
# ValidateService: the deployment succeeds only once the local service answers healthy with the
# new version. Bounded well under the hook's timeout, and over at once when systemd has given up
# on the unit (crash loop past its start limit: `is-failed`). Either way the service's last log
# lines go into the deployment's log, where the person watching the deploy looks first.
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/common.sh"

VERSION=$(host_tool version "$BUNDLE_DIR/release.json")
# Node itself in the background (not the host_tool function, whose subshell would outlive a kill
# and hold the hook's stdout open: the agent waits for a hook's stdout to close).
"$NODE_BIN" "$BUNDLE_DIR/bin/host-tool.mjs" probe --port "$PORT" --version "$VERSION" --health-path "$HEALTH_PATH" \
  --version-path "$VERSION_PATH" --timeout "$VALIDATE_SECONDS" &
probe=$!
trap 'kill "$probe" 2>/dev/null || true' EXIT
result=failed
while kill -0 "$probe" 2>/dev/null; do
  if ctl is-failed --quiet "$UNIT_NAME"; then
    result=unit-failed
    kill "$probe" 2>/dev/null || true
    break
  fi
  sleep 0.5
done
if [[ $result != unit-failed ]] && wait "$probe"; then
  log "version $VERSION is serving on port $PORT; last lines of $LOG_FILE:"
  tail -n 10 -- "$LOG_FILE" 2>/dev/null || log "(no log file)"
  exit 0
fi
if [[ $result == unit-failed ]]; then
  log "$UNIT_NAME has failed (systemd stopped restarting it); last lines of $LOG_FILE:"
else
  log "version $VERSION did not become healthy within ${VALIDATE_SECONDS}s; last lines of $LOG_FILE:"
fi
tail -n 40 -- "$LOG_FILE" 2>/dev/null || log "(no log file)"
exit 1
