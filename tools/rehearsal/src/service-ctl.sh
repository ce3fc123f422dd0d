#!/usr/bin/env bash
# Stands in for systemctl in the rehearsal, where systemd is not PID 1: supervises the unit the
# hooks installed. Each start goes through unit-exec.py, which applies the unit's User/Group,
# UMask, environment, WorkingDirectory and sandbox (NoNewPrivileges, capabilities,
# RestrictAddressFamilies). Here, as systemd does (systemd.service(5), systemd.unit(5)):
# StandardOutput/StandardError=append: opened as root; Restart= (always, on-failure, no) after
# RestartSec; StartLimitIntervalSec/StartLimitBurst, past which the unit is "failed" with
# result start-limit-hit; stop sends KillSignal and SIGKILLs the whole group after TimeoutStopSec.
# Only the verbs the hooks use; `enable` links the unit into its WantedBy= targets as systemctl
# does. Socket units (systemd.socket(5), Accept=no): `start` binds ListenStream= and holds the
# socket (socket-unit.py) until `stop`, across every restart of the service; each start of the
# service gets it as fd 3 with LISTEN_FDS/LISTEN_PID (sd_listen_fds(3), through unit-exec.py). The
# service's socket unit is its Sockets=, else the one of the same name (systemd.service(5)), and
# starting the service starts a Sockets= unit first (it implies Wants= and After=).
# Needs HELLO_UNIT_DIR (where the hooks install units) and HELLO_SUPERVISOR_DIR (state).
set -euo pipefail
: "${HELLO_UNIT_DIR:?set HELLO_UNIT_DIR to the directory the hooks install units into}"
: "${HELLO_SUPERVISOR_DIR:?set HELLO_SUPERVISOR_DIR to a directory for the supervisor state}"

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
verb=${1:-}
unit=${2:-}
[[ $unit != --quiet ]] || unit=${3:-}
unit_file=$HELLO_UNIT_DIR/$unit
state=$HELLO_SUPERVISOR_DIR/$unit

usage() {
  echo "usage: $0 {start|stop|restart|is-active|is-failed|enable|daemon-reload|reset-failed} [--quiet] <unit>" >&2
  exit 2
}
prop() { sed -n "s/^$1=//p" "$unit_file" | tail -n 1; }
alive() { [[ -f $1 ]] && kill -0 "$(<"$1")" 2>/dev/null; }
loaded() {
  [[ -f $unit_file ]] || { echo "Unit $unit not loaded." >&2; exit 5; }
}
note() { echo "[service-ctl] $unit: $*" >>"$out"; }

supervise() {
  local restart restart_sec interval burst kill_signal child='' stopping=0 status starts=() now kept hand_over
  out=$(prop StandardOutput)
  out=${out#append:}
  restart=$(prop Restart)
  restart_sec=$(prop RestartSec)
  interval=$(prop StartLimitIntervalSec)
  burst=$(prop StartLimitBurst)
  echo $$ >"$state/supervisor.pid"
  rm -f "$state/failed"
  kill_signal=$(prop KillSignal)
  kill_signal=${kill_signal#SIG}
  # KillSignal= defaults to SIGTERM (systemd.kill(5)).
  trap 'stopping=1; [[ -z $child ]] || kill -"${kill_signal:-TERM}" "$child" 2>/dev/null || true' TERM
  while ((stopping == 0)); do
    # Start rate limit: at most $burst starts within $interval seconds (systemd: 5 in 10 s).
    now=${EPOCHREALTIME/./}
    kept=()
    for t in "${starts[@]}"; do ((now - t < ${interval:-10} * 1000000)) && kept+=("$t"); done
    starts=("${kept[@]}")
    if ((${#starts[@]} >= ${burst:-5})); then
      note "Start request repeated too quickly."
      note "Failed with result 'start-limit-hit'."
      echo start-limit-hit >"$state/failed"
      break
    fi
    starts+=("$now")
    # The socket unit's listening socket, when it is running (systemd passes the sockets of its
    # socket units that are listening).
    hand_over=()
    if alive "$HELLO_SUPERVISOR_DIR/$socket_unit/supervisor.pid"; then
      hand_over=("$HELLO_SUPERVISOR_DIR/$socket_unit/listen.sock")
    fi
    # -B: Python writes no bytecode next to the scripts, so the checkout stays as git has it.
    python3 -B "$here/unit-exec.py" "$unit_file" "${hand_over[@]}" >>"$out" 2>&1 &
    child=$!
    echo "$child" >"$state/main.pid"
    # A trapped TERM interrupts wait; keep waiting until the process has really exited.
    while :; do
      status=0
      wait "$child" 2>/dev/null || status=$?
      kill -0 "$child" 2>/dev/null || break
    done
    child=''
    ((stopping == 0)) || break
    if [[ $restart == always || ($restart == on-failure && $status != 0) ]]; then
      note "main process exited, status=$status; restarting in ${restart_sec:-0.1}s (Restart=$restart)"
      sleep "${restart_sec:-0.1}"
    else
      note "main process exited, status=$status"
      ((status == 0)) || echo exit-code >"$state/failed"
      break
    fi
  done
  rm -f "$state/main.pid" "$state/supervisor.pid"
}

# A socket unit: socket-unit.py binds and holds the socket; the unit is active while it runs.
start_socket() {
  rm -f "$state/listen.sock" "$state/failed"
  setsid python3 -B "$here/socket-unit.py" "$unit_file" "$state/listen.sock" </dev/null >"$state/log" 2>&1 &
  echo $! >"$state/supervisor.pid"
  for _ in $(seq 50); do
    [[ -S $state/listen.sock ]] && return 0
    if ! alive "$state/supervisor.pid"; then
      cat "$state/log" >&2
      echo failed >"$state/failed"
      echo "Job for $unit failed." >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "[service-ctl] $unit did not start" >&2
  exit 1
}

start() {
  loaded
  mkdir -p "$state"
  alive "$state/supervisor.pid" && return 0
  [[ $unit != *.socket ]] || { start_socket; return 0; }
  # A Sockets= unit first, when installed: Wants= and After=.
  [[ -z $wanted_socket || ! -f $HELLO_UNIT_DIR/$wanted_socket ]] || "$0" start "$wanted_socket" || true
  if [[ -f $state/failed ]]; then
    # systemctl refuses too until reset-failed once the start limit was hit.
    [[ $(<"$state/failed") != start-limit-hit ]] || { echo "Job for $unit failed: start-limit-hit (run reset-failed first)" >&2; exit 1; }
  fi
  rm -f "$state/supervisor.pid" "$state/main.pid" "$state/failed"
  # A new session, detached from the hook's pipes, like a service started by PID 1.
  setsid "$0" __supervise "$unit" </dev/null >/dev/null 2>&1 &
  for _ in $(seq 50); do
    [[ -f $state/main.pid || -f $state/failed ]] && return 0
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

active_state() {
  if alive "$state/supervisor.pid"; then echo active
  elif [[ -f $state/failed ]]; then echo failed
  else echo inactive; fi
}

[[ -n $verb && ( -n $unit || $verb == daemon-reload ) ]] || usage
# The service's socket unit: Sockets= names it, else it bears the service's name (one is passed).
wanted_socket=''
if [[ $unit == *.service && -f $unit_file ]]; then wanted_socket=$(prop Sockets); fi
wanted_socket=${wanted_socket%% *}
socket_unit=${wanted_socket:-${unit%.service}.socket}
case $verb in
  __supervise) supervise ;;
  start) start ;;
  stop) loaded; stop ;;
  restart) loaded; stop; start ;;
  is-active)
    s=$(active_state)
    [[ ${2:-} == --quiet ]] || echo "$s"
    [[ $s == active ]] || exit 3 ;;
  is-failed)
    s=$(active_state)
    [[ ${2:-} == --quiet ]] || echo "$s"
    [[ $s == failed ]] || exit 1 ;;
  reset-failed) loaded; rm -f "$state/failed" ;;
  enable)
    # As systemctl enable: a link in each WantedBy= target's .wants directory; a reboot starts
    # what these links name.
    loaded
    for target in $(prop WantedBy); do
      mkdir -p "$HELLO_UNIT_DIR/$target.wants"
      ln -sfn "../$unit" "$HELLO_UNIT_DIR/$target.wants/$unit"
    done ;;
  daemon-reload) ;;
  *) usage ;;
esac
