#!/usr/bin/env bash
# AfterInstall: turn the copied revision into a verified release directory, make sure the host
# has a certificate, render the env file from the service's contract and the stage's settings and
# secrets in SSM, install the units (socket and service) and the logrotate config, switch the `current` link atomically,
# warm Node's compile cache for the release and prune old releases. Idempotent.
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/common.sh"

STAGE=${DEPLOYMENT_GROUP_NAME:-}
[[ -n $STAGE ]] || fail "DEPLOYMENT_GROUP_NAME is not set: CodeDeploy sets it to the deployment group, which is the stage (staging or prod); set it yourself when you run this hook by hand"
VERSION=$(host_tool version "$BUNDLE_DIR/release.json")
GROUP=$(service_group)
WORK=$(mktemp -d)
trap 'rm -rf -- "$WORK"' EXIT

# 1. Verified copy of exactly the files release.json lists (or the existing copy, if intact).
RELEASE_DIR=$(host_tool install "$INCOMING_DIR" "$RELEASES_DIR" "$VERSION")
log "release $VERSION in $RELEASE_DIR"

# 2. Self-signed certificate: the load balancer encrypts to the host but does not verify it.
if [[ -s $TLS_CERT && -s $TLS_KEY ]] && openssl x509 -checkend $((30 * 86400)) -noout -in "$TLS_CERT" >/dev/null; then
  log "certificate $TLS_CERT is valid for 30 days or more"
else
  log "creating a self-signed certificate in $TLS_DIR"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 365 \
    -subj "/CN=$SERVICE_NAME" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
  install -m 0640 -o "$ADMIN_USER" -g "$GROUP" "$WORK/key.pem" "$TLS_DIR/.key.new"
  install -m 0644 -o "$ADMIN_USER" -g "$ADMIN_GROUP" "$WORK/cert.pem" "$TLS_DIR/.cert.new"
  mv -f -- "$TLS_DIR/.key.new" "$TLS_KEY"
  mv -f -- "$TLS_DIR/.cert.new" "$TLS_CERT"
fi

# 3. The env file, validated against the contract the service checks at boot. host-tool reads the
# stage's settings and secrets from SSM (the instance role, or AWS_ENDPOINT_URL's stand-in) and
# writes the file itself: values never pass through this script's output, which the agent logs.
# A missing or unreadable parameter fails here, named, before anything is switched.
render_args=(render-env --stage "$STAGE" --version "$VERSION" --port "$PORT" --cert "$TLS_CERT" --key "$TLS_KEY")
[[ -z $BIND_HOST ]] || render_args+=(--host "$BIND_HOST")
host_tool "${render_args[@]}" --out "$WORK/service.env"
(umask 077 && install -m 0640 -o "$ADMIN_USER" -g "$GROUP" "$WORK/service.env" "$ENV_FILE.new")
mv -f -- "$ENV_FILE.new" "$ENV_FILE"
log "rendered $ENV_FILE (stage $STAGE, version $VERSION)"

# 4. Units and logrotate config; the packaged files name the default paths, overrides move them.
localize() {
  local text
  text=$(<"$1")
  text=${text//"$DEFAULT_ENV_FILE"/"$ENV_FILE"}
  text=${text//"$DEFAULT_ROOT/"/"$ROOT/"}
  text=${text//"$DEFAULT_LOG_DIR/"/"$LOG_DIR/"}
  text=${text//"$DEFAULT_NODE_BIN "/"$NODE_BIN "}
  text=${text//"User=$SERVICE_NAME"/"User=$SERVICE_USER"}
  text=${text//"Group=$SERVICE_NAME"/"Group=$GROUP"}
  printf '%s\n' "$text" >"$2"
}
localize "$RELEASE_DIR/deploy/$UNIT_NAME" "$WORK/unit"
install -m 0644 -o "$ADMIN_USER" -g "$ADMIN_GROUP" "$WORK/unit" "$UNIT_DIR/$UNIT_NAME"
# The socket unit listens where the env file tells the service to (an IPv6 address in brackets).
listen_host=${BIND_HOST:-$DEFAULT_BIND_HOST}
[[ $listen_host != *:* ]] || listen_host="[$listen_host]"
sed "s|^ListenStream=.*|ListenStream=$listen_host:$PORT|" "$RELEASE_DIR/deploy/$SOCKET_UNIT_NAME" >"$WORK/socket"
install -m 0644 -o "$ADMIN_USER" -g "$ADMIN_GROUP" "$WORK/socket" "$UNIT_DIR/$SOCKET_UNIT_NAME"
localize "$RELEASE_DIR/deploy/$SERVICE_NAME.logrotate" "$WORK/logrotate"
install -m 0644 -o "$ADMIN_USER" -g "$ADMIN_GROUP" "$WORK/logrotate" "$LOGROTATE_DIR/$SERVICE_NAME"
ctl daemon-reload
ctl enable "$SOCKET_UNIT_NAME"
ctl enable "$UNIT_NAME"
log "installed $UNIT_DIR/$SOCKET_UNIT_NAME (ListenStream=$listen_host:$PORT) and $UNIT_DIR/$UNIT_NAME"

# 5. Atomic switch: a rename replaces the link in one step, so it never points nowhere.
ln -sfn -- "$RELEASES_SUBDIR/$VERSION" "$CURRENT_LINK.new"
mv -Tf -- "$CURRENT_LINK.new" "$CURRENT_LINK"
log "$CURRENT_LINK -> $RELEASES_SUBDIR/$VERSION"

# 6. Node's compile cache, read-only to the service (see the unit's NODE_COMPILE_CACHE): the
# installed unit's own ExecStart, run as its user with the bundle's guard variable set, compiles
# the server and exits; host-tool (as root) copies what Node wrote into the release. Optional: a
# service without it starts all the same, only slower, so a failure does not fail the deployment.
if warmed=$(host_tool warm-compile-cache "$UNIT_DIR/$UNIT_NAME" --uid "$(id -u "$SERVICE_USER")" --gid "$(id -g "$SERVICE_USER")"); then
  log "$warmed"
else
  log "warning: no compile cache for $VERSION (error above); the service starts without one, only slower"
fi

# 7. Keep the newest few releases for a fast rollback; never the one `current` points to.
host_tool prune "$RELEASES_DIR" "$KEEP_RELEASES" "$VERSION"
