#!/usr/bin/env python3
"""Holds a socket unit's listening socket for the rehearsal's supervisor (service-ctl.sh), as
systemd's service manager does for a .socket unit with Accept=no (systemd.socket(5)):

  ListenStream=      one TCP address: "v.w.x.y:z" (IPv4), "[x]:y" (IPv6) or a port alone (IPv6,
                     and IPv4 too: BindIPv6Only=default); bound and listening when the unit starts,
                     so connections queue in the kernel's backlog whether a service runs or not
  Backlog=           listen(2)'s backlog; unset: SOMAXCONN, which the kernel caps anyway
                     (systemd's default is the largest value, capped by net.core.somaxconn)
  stop               the socket is closed: connections still queued are reset, new ones refused

The socket stays open across every start and restart of the service; unit-exec.py receives it over
a unix socket (SCM_RIGHTS) for each start and passes it on as fd 3 (sd_listen_fds(3)). systemd
keeps the descriptor in PID 1 and passes it at fork instead: the hand-over socket is the stand-in's
own. Not rehearsed: starting the service on incoming traffic (the hooks start it themselves),
AF_UNIX paths, datagram sockets, Accept=yes.
Usage: socket-unit.py <unit file> <hand-over socket path>
"""
import os
import signal
import socket
import sys

from unit_file import read_section

MULTI = {'ListenStream'}


def die(message):
    sys.stderr.write(f'[socket-unit] {message}\n')
    sys.exit(1)


def read_unit(path):
    return read_section(path, '[Socket]', MULTI)


def address(value):
    """systemd.socket(5)'s forms of a TCP address, as (family, sockaddr)."""
    host, sep, port = value.rpartition(':')
    if not sep:
        host, port = '::', value
    if not port.isdigit() or not 0 < int(port) < 65536:
        die(f'ListenStream={value}: expected "v.w.x.y:port", "[x]:port" or a port (1-65535)')
    if host.startswith('[') and host.endswith(']'):
        return socket.AF_INET6, (host[1:-1], int(port))
    if host == '::':
        return socket.AF_INET6, (host, int(port))
    return socket.AF_INET, (host, int(port))


def main():
    if len(sys.argv) != 3:
        die('usage: socket-unit.py <unit file> <hand-over socket path>')
    unit, hand_over_path = sys.argv[1], sys.argv[2]
    s = read_unit(unit)
    streams = s.get('ListenStream', [])
    if len(streams) != 1:
        die(f'{unit}: the rehearsal passes exactly one ListenStream= socket (found {len(streams)})')
    family, sockaddr = address(streams[0])
    listener = socket.socket(family, socket.SOCK_STREAM)
    # systemd sets SO_REUSEADDR on every socket before it binds it (src/shared/socket-label.c,
    # socket_address_listen()).
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(sockaddr)
    except OSError as e:
        # systemd's own words (src/core/socket.c), and the unit fails.
        die(f'Failed to create listening socket ({streams[0]}): {e.strerror}')
    listener.listen(int(s.get('Backlog', socket.SOMAXCONN)))
    hand_over = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    hand_over.bind(hand_over_path)
    hand_over.listen()

    def stop(_signum, _frame):
        listener.close()
        os.unlink(hand_over_path)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    while True:
        conn, _ = hand_over.accept()
        with conn:
            socket.send_fds(conn, [b'fd'], [listener.fileno()])


main()
