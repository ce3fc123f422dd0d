#!/usr/bin/env bash
# Stands in for systemctl in the rehearsal, where systemd is not PID 1: supervises the unit the
# hooks installed, reading its ExecStart, EnvironmentFile, WorkingDirectory, StandardOutput,
# RestartSec and TimeoutStopSec. Restarts the process when it exits (Restart=always); stop sends
# SIGTERM and waits up to TimeoutStopSec before SIGKILL, as systemd does. Only the verbs the
# hooks use. Needs HELLO_UNIT_DIR (where the hooks install units) and HELLO_SUPERVISOR_DIR (state).
set -euo pipefail
: "${HELLO_UNIT_DIR:?set HELLO_UNIT_DIR to the directory the hooks install units into}"
: "${HELLO_SUPERVISOR_DIR:?set HELLO_SUPERVISOR_DIR to a directory for the supervisor state}"

verb=${1:-}
unit=${2:-}
unit_file=$HELLO_UNIT_DIR/$unit
state=$HELLO_SUPERVISOR_DIR/$unit

usage() {
  echo "usage: $0 {start|stop|restart|is-active|enable|daemon-reload|reset-failed} <unit>" >&2
  exit 2
}
prop() { sed -n "s/^$1=//p" "$unit_file" | tail -n 1; }
alive() { [[ -f $1 ]] && kill -0 "$(<"$1")" 2>/dev/null; }
loaded() {
  [[ -f $unit_file ]] || { echo "Unit $unit not loaded." >&2; exit 5; }
}

supervise() {
  local exec_start env_file work_dir out restart_sec child='' stopping=0 vars
  read -r -a exec_start <<<"$(prop ExecStart)"
  env_file=$(prop EnvironmentFile)
  work_dir=$(prop WorkingDirectory)
  out=$(prop StandardOutput)
  out=${out#append:}
  restart_sec=$(prop RestartSec)
  echo $$ >"$state/supervisor.pid"
  trap 'stopping=1; [[ -z $child ]] || kill -TERM "$child" 2>/dev/null || true' TERM
  while ((stopping == 0)); do
    mapfile -t vars < <(grep -E '^[A-Z_][A-Z0-9_]*=' "$env_file")
    (cd "$work_dir" && exec env -i PATH=/usr/bin:/bin "${vars[@]}" "${exec_start[@]}") >>"$out" 2>&1 &
    child=$!
    echo "$child" >"$state/main.pid"
    # A trapped TERM interrupts wait; keep waiting until the process has really exited.
    while kill -0 "$child" 2>/dev/null; do wait "$child" 2>/dev/null || true; done
    ((stopping == 0)) || break
    echo "[service-ctl] $unit exited; restarting in ${restart_sec:-1}s (Restart=always)" >>"$out"
    sleep "${restart_sec:-1}"
  done
  rm -f "$state/main.pid" "$state/supervisor.pid"
}

start() {
  loaded
  mkdir -p "$state"
  alive "$state/supervisor.pid" && return 0
  rm -f "$state/supervisor.pid"
  # A new session, detached from the hook's pipes, like a service started by PID 1.
  setsid "$0" __supervise "$unit" </dev/null >/dev/null 2>&1 &
  for _ in $(seq 50); do
    [[ -f $state/main.pid ]] && return 0
    sleep 0.1
  done
  echo "[service-ctl] $unit did not start" >&2
  exit 1
}

stop() {
  alive "$state/supervisor.pid" || return 0
  local timeout deadline
  timeout=$(prop TimeoutStopSec)
  deadline=$((SECONDS + ${timeout:-90}))
  kill -TERM "$(<"$state/supervisor.pid")"
  while alive "$state/supervisor.pid"; do
    if ((SECONDS >= deadline)); then
      echo "[service-ctl] $unit did not stop within ${timeout}s: SIGKILL" >&2
      # The supervisor leads its own session: killing its group takes every leftover child
      # too, like systemd's KillMode=control-group.
      kill -KILL -- "-$(<"$state/supervisor.pid")" 2>/dev/null || true
      rm -f "$state/main.pid" "$state/supervisor.pid"
      break
    fi
    sleep 0.05
  done
}

[[ -n $verb && ( -n $unit || $verb == daemon-reload ) ]] || usage
case $verb in
  __supervise) supervise ;;
  start) start ;;
  stop) loaded; stop ;;
  restart) loaded; stop; start ;;
  is-active)
    if alive "$state/supervisor.pid"; then echo active; else echo inactive; exit 3; fi ;;
  enable | reset-failed) loaded ;;
  daemon-reload) ;;
  *) usage ;;
esac
