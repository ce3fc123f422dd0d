# shellcheck shell=bash disable=SC2034 # the variables set here are used by the hooks that source it
# Sourced by every hook: strict mode, system PATH, the host values generated from @hello/config
# (host.env) and the overrides that let the very same hooks run on a laptop or in CI.
set -euo pipefail
# CodeDeploy runs hooks with a minimal PATH and cwd=/; never rely on a login shell or profile.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
umask 022

HOOK_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
BUNDLE_DIR=$(dirname -- "$HOOK_DIR")
HOOK_NAME=$(basename -- "$0" .sh)

# shellcheck source=/dev/null # generated at package time
. "$HOOK_DIR/host.env"

log() { printf '[%s] %s\n' "$HOOK_NAME" "$*"; }
fail() { printf '[%s] error: %s\n' "$HOOK_NAME" "$*" >&2; exit 1; }

# Overrides (the rehearsal and laptops set them; on EC2 none is set and the defaults apply).
ROOT=${HELLO_ROOT:-$DEFAULT_ROOT}
ENV_FILE=${HELLO_ENV_FILE:-$DEFAULT_ENV_FILE}
TLS_DIR=${HELLO_TLS_DIR:-$DEFAULT_TLS_DIR}
LOG_DIR=${HELLO_LOG_DIR:-$DEFAULT_LOG_DIR}
UNIT_DIR=${HELLO_UNIT_DIR:-$DEFAULT_UNIT_DIR}
LOGROTATE_DIR=${HELLO_LOGROTATE_DIR:-$DEFAULT_LOGROTATE_DIR}
NODE_BIN=${HELLO_NODE_BIN:-$DEFAULT_NODE_BIN}
PORT=${HELLO_PORT:-$SERVICE_PORT}
BIND_HOST=${HELLO_BIND_HOST:-}
SERVICE_USER=${HELLO_USER:-$SERVICE_NAME}
VALIDATE_SECONDS=${HELLO_VALIDATE_TIMEOUT_SECONDS:-$VALIDATE_TIMEOUT_SECONDS}
read -r -a SERVICE_CTL <<<"${HELLO_SERVICE_CTL:-systemctl}"

for path in "$ROOT" "$ENV_FILE" "$TLS_DIR" "$LOG_DIR" "$UNIT_DIR" "$LOGROTATE_DIR" "$NODE_BIN"; do
  [[ $path =~ ^/[A-Za-z0-9._/@+-]*$ ]] ||
    fail "path '$path' is not allowed; expected an absolute path of letters, digits and . _ / @ + -"
done
if ! [[ $PORT =~ ^[1-9][0-9]{0,4}$ ]] || ((PORT > 65535)); then
  fail "HELLO_PORT='$PORT' is not allowed; expected a port number from 1 to 65535"
fi
if ! [[ $VALIDATE_SECONDS =~ ^[1-9][0-9]{0,3}$ ]]; then
  fail "HELLO_VALIDATE_TIMEOUT_SECONDS='$VALIDATE_SECONDS' is not allowed; expected whole seconds from 1 to 9999"
fi

RELEASES_DIR=$ROOT/$RELEASES_SUBDIR
CURRENT_LINK=$ROOT/$CURRENT_SUBDIR
INCOMING_DIR=$ROOT/$INCOMING_SUBDIR
TLS_CERT=$TLS_DIR/$TLS_CERT_NAME
TLS_KEY=$TLS_DIR/$TLS_KEY_NAME
LOG_FILE=$LOG_DIR/$LOG_NAME
# Whoever runs the hooks owns what they create: root on EC2, the developer in a rehearsal.
ADMIN_USER=$(id -un)
ADMIN_GROUP=$(id -gn)

ctl() { "${SERVICE_CTL[@]}" "$@"; }
host_tool() { "$NODE_BIN" "$BUNDLE_DIR/bin/host-tool.mjs" "$@"; }
service_group() { id -gn "$SERVICE_USER"; }
