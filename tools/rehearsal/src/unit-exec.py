#!/usr/bin/env python3
"""Starts a unit's ExecStart the way systemd's service manager would (systemd.exec(5)), for the
rehearsal's supervisor (service-ctl.sh), which has already opened StandardOutput as root.

Read from the unit file itself, so a change to the unit is rehearsed:
  EnvironmentFile=, Environment=   the process environment (files override Environment=)
  WorkingDirectory=                chdir, exit 200 (EXIT_CHDIR) when it fails
  UMask=                           the process umask (default 0022)
  User=, Group=                    real/effective ids and the user's groups; a user or group that
                                   does not exist fails like systemd: exit 217 (EXIT_USER) / 216
  NoNewPrivileges=yes              prctl(PR_SET_NO_NEW_PRIVS)
  CapabilityBoundingSet=, AmbientCapabilities=   empty: every capability dropped
  RestrictAddressFamilies=         a seccomp filter on socket(2): other families fail with
                                   EAFNOSUPPORT, as systemd's filter does
Privileges are dropped by util-linux's setpriv(1); the seccomp filter is loaded through
libseccomp (Debian: libseccomp2) with ctypes. Anything else in the unit is not rehearsed here.

With a socket unit's hand-over socket (socket-unit.py, which holds its listening socket), the
service gets that socket as systemd passes it (sd_listen_fds(3)): at fd 3 (SD_LISTEN_FDS_START),
with LISTEN_FDS=1, LISTEN_FDNAMES=<the socket unit's name> (FileDescriptorName= defaults to it,
systemd.socket(5)) and LISTEN_PID set just before exec, so it is the service's own pid (setpriv
execs the service in the same process).
Usage: unit-exec.py <unit file> [<hand-over socket of its socket unit>]
"""
import ctypes
import ctypes.util
import errno
import os
import pwd
import grp
import shlex
import socket
import sys

from unit_file import read_section

MULTI = {'Environment', 'EnvironmentFile', 'RestrictAddressFamilies', 'CapabilityBoundingSet', 'AmbientCapabilities'}
# systemd's default PATH for services (systemd.exec(5), "Environment variables in spawned processes").
DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin'
AF_MAX = 46  # linux/socket.h on current kernels; families at or above it are refused too


def die(status, message):
    sys.stderr.write(f'[unit-exec] {message}\n')
    sys.exit(status)


def read_unit(path):
    return read_section(path, '[Service]', MULTI)


def read_env_file(path):
    env = {}
    optional = path.startswith('-')
    try:
        with open(path.lstrip('-'), encoding='utf-8') as f:
            for raw in f:
                line = raw.strip()
                if not line or line[0] in '#;' or '=' not in line:
                    continue
                key, value = line.split('=', 1)
                if len(value) >= 2 and value[0] == value[-1] and value[0] in '"\'':
                    value = value[1:-1]
                env[key.strip()] = value
    except OSError as e:
        if not optional:
            die(1, f'Failed to load environment files: {e.strerror}')
    return env


def families(values):
    names = ' '.join(values).split()
    deny = bool(names) and names[0].startswith('~')
    numbers = set()
    for name in names:
        name = name.lstrip('~')
        number = getattr(socket, name, None)
        if number is None:
            die(1, f'RestrictAddressFamilies: unknown address family {name}')
        numbers.add(int(number))
    return deny, numbers


class ArgCmp(ctypes.Structure):
    _fields_ = [('arg', ctypes.c_uint), ('op', ctypes.c_int), ('datum_a', ctypes.c_uint64), ('datum_b', ctypes.c_uint64)]


def restrict_address_families(values):
    deny, numbers = families(values)
    try:
        lib = ctypes.CDLL(ctypes.util.find_library('seccomp') or 'libseccomp.so.2', use_errno=True)
    except OSError:
        die(1, 'RestrictAddressFamilies needs libseccomp (apt-get install -y libseccomp2)')
    lib.seccomp_init.restype = ctypes.c_void_p
    lib.seccomp_init.argtypes = [ctypes.c_uint32]
    lib.seccomp_rule_add_array.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint, ctypes.POINTER(ArgCmp)]
    lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    lib.seccomp_load.argtypes = [ctypes.c_void_p]
    lib.seccomp_attr_set.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_uint32]
    allow, refuse = 0x7FFF0000, 0x00050000 | errno.EAFNOSUPPORT  # SCMP_ACT_ALLOW, SCMP_ACT_ERRNO(EAFNOSUPPORT)
    eq, ge = 4, 5  # SCMP_CMP_EQ, SCMP_CMP_GE
    ctx = lib.seccomp_init(allow)
    # Leave no_new_privs to NoNewPrivileges= (libseccomp would set it by default: SCMP_FLTATR_CTL_NNP).
    lib.seccomp_attr_set(ctx, 3, 0)
    nr = lib.seccomp_syscall_resolve_name(b'socket')
    blocked = numbers if deny else [f for f in range(AF_MAX) if f not in numbers]
    for family in sorted(blocked):
        cmp = ArgCmp(0, eq, family, 0)
        if lib.seccomp_rule_add_array(ctx, refuse, nr, 1, ctypes.byref(cmp)) != 0:
            die(1, f'seccomp_rule_add failed for family {family}')
    if not deny:
        cmp = ArgCmp(0, ge, AF_MAX, 0)
        lib.seccomp_rule_add_array(ctx, refuse, nr, 1, ctypes.byref(cmp))
    if lib.seccomp_load(ctx) != 0:
        die(1, 'seccomp_load failed')


def take_listening_socket(hand_over_path):
    """The socket unit's listening socket, at fd 3 and inherited across exec."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.connect(hand_over_path)
        _, fds, _, _ = socket.recv_fds(conn, 16, 1)
    if len(fds) != 1:
        die(1, f'{hand_over_path}: no listening socket handed over')
    os.dup2(fds[0], 3)
    os.set_inheritable(3, True)
    if fds[0] != 3:
        os.close(fds[0])


def main():
    if len(sys.argv) not in (2, 3):
        die(2, 'usage: unit-exec.py <unit file> [<hand-over socket of its socket unit>]')
    s = read_unit(sys.argv[1])
    if 'ExecStart' not in s:
        die(1, 'the unit has no ExecStart=')
    argv = shlex.split(s['ExecStart'])
    if argv[0][0] in '-@+!:':
        die(1, f'ExecStart prefix {argv[0][0]} is not supported by the rehearsal')
    env = {'PATH': DEFAULT_PATH}
    setpriv = ['setpriv']
    user, group = s.get('User'), s.get('Group')
    if user:
        try:
            pw = pwd.getpwnam(user)
        except KeyError:
            die(217, f'Failed to determine user credentials: No such process (User={user})')
        gid = pw.pw_gid
        if group:
            try:
                gid = grp.getgrnam(group).gr_gid
            except KeyError:
                die(216, f'Failed to determine group credentials: No such process (Group={group})')
        env.update(HOME=pw.pw_dir, LOGNAME=user, USER=user, SHELL=pw.pw_shell)
        if os.geteuid() == 0:
            setpriv += [f'--reuid={pw.pw_uid}', f'--regid={gid}', '--init-groups']
        elif pw.pw_uid != os.geteuid():
            die(217, f'User={user}: only root can start a process as another user')
    for assignment in s.get('Environment', []):
        for pair in shlex.split(assignment):
            key, _, value = pair.partition('=')
            env[key] = value
    for path in s.get('EnvironmentFile', []):
        env.update(read_env_file(path))
    os.umask(int(s.get('UMask', '0022'), 8))
    if s.get('WorkingDirectory'):
        try:
            os.chdir(s['WorkingDirectory'].lstrip('-'))
        except OSError as e:
            die(200, f'Changing to the requested working directory failed: {e.strerror}')
    if s.get('NoNewPrivileges') in ('yes', 'true', '1', 'on'):
        setpriv.append('--no-new-privs')
    if 'CapabilityBoundingSet' in s and s['CapabilityBoundingSet'] == [] and os.geteuid() == 0:
        setpriv += ['--bounding-set=-all', '--inh-caps=-all']
    if 'AmbientCapabilities' in s and s['AmbientCapabilities'] == []:
        setpriv.append('--ambient-caps=-all')
    if len(sys.argv) == 3:
        take_listening_socket(sys.argv[2])
        socket_unit = os.path.basename(os.path.dirname(sys.argv[2]))
        env.update(LISTEN_FDS='1', LISTEN_FDNAMES=socket_unit, LISTEN_PID=str(os.getpid()))
    if s.get('RestrictAddressFamilies'):
        restrict_address_families(s['RestrictAddressFamilies'])
    os.execvpe('setpriv', setpriv + ['--', *argv], env)


main()
