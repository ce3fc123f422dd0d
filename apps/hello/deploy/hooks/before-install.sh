#!/usr/bin/env bash
# BeforeInstall: the service user and the host directories exist before the agent copies files.
# The instance's user data does the same; doing it here too keeps hosts from older images and
# hand-built ones deployable. Idempotent.
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/common.sh"

if id -u "$SERVICE_USER" >/dev/null 2>&1; then
  log "user $SERVICE_USER exists"
else
  log "creating system user $SERVICE_USER"
  useradd --system --user-group --no-create-home --home-dir "$ROOT" --shell /sbin/nologin "$SERVICE_USER"
fi
GROUP=$(service_group)

install -d -m 0755 -o "$ADMIN_USER" -g "$ADMIN_GROUP" \
  "$ROOT" "$RELEASES_DIR" "$INCOMING_DIR" "$(dirname -- "$ENV_FILE")" "$UNIT_DIR" "$LOGROTATE_DIR"
# The same owners and modes as the instance's user data, so neither undoes the other. The private
# key is readable by the service's group only.
install -d -m 0750 -o "$ADMIN_USER" -g "$GROUP" "$TLS_DIR"
install -d -m 0750 -o "$SERVICE_USER" -g "$GROUP" "$LOG_DIR"
log "directories ready under $ROOT, $TLS_DIR, $LOG_DIR"
