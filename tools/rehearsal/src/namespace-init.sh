#!/usr/bin/env bash
# PID 1 of the rehearsal's namespaces (namespace-runner.ts starts it through unshare): brings the
# private loopback up, gives the namespace its own /etc and /var/log built in the work folder, runs
# the command and stays PID 1 while it runs, reaping what the stand-in supervisor leaves to init.
# When it exits, the kernel ends every process left in the namespace.
#
# The private /etc: a directory of links to the machine's own /etc entries (kept reachable through
# a recursive bind inside this mount namespace) plus an account database of its own (root and
# nobody, as on a fresh host), bound over /etc. The hooks' `useradd` then writes that copy with
# their real paths, and no file of the machine changes. /var/log is an empty directory, so tools
# that log per user (lastlog, faillog) write there too.
# Usage: namespace-init.sh <work folder> <command> [args...]
set -euo pipefail
export PATH=$PATH:/usr/sbin:/sbin
work=$1
shift
system=$work/system
etc=$system/etc
host_etc=$system/host-etc

ip link set lo up
mkdir -p "$etc" "$host_etc" "$system/var-log"
mount --rbind /etc "$host_etc"
shopt -s dotglob nullglob
# Every entry as a link into the machine's /etc; its relative links as they are, so they resolve
# inside /etc as on the machine (mtab -> ../proc/self/mounts).
ln -s -t "$etc" -- "$host_etc"/*
find "$host_etc" -mindepth 1 -maxdepth 1 -type l -lname '[!/]*' -exec cp -P -f -t "$etc" -- {} +
rm -f -- "$etc"/{passwd,group,shadow,gshadow}{,-} "$etc/.pwd.lock"
printf '%s\n' 'root:x:0:0:root:/root:/bin/bash' 'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin' >"$etc/passwd"
printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' >"$etc/group"
printf '%s\n' 'root:*:20000:0:99999:7:::' >"$etc/shadow"
printf '%s\n' 'root:*::' >"$etc/gshadow"
chmod 0600 "$etc/shadow" "$etc/gshadow"
mount --bind "$etc" /etc
mount --bind "$system/var-log" /var/log

status=0
"$@" || status=$?
exit "$status"
