import t from 'tap';
import { unitCommand } from '../../host/unit-command.ts';

t.test('ExecStart and every Environment= assignment, as systemd would see plain words', async (t) => {
  const unit =
    '[Service]\nEnvironment=A=1 B=two\nExecStart=/usr/bin/node  --flag /opt/x/server.mjs \n# Environment=C=commented\nEnvironment=A=3\n';
  t.same(unitCommand(unit), { bin: '/usr/bin/node', args: ['--flag', '/opt/x/server.mjs'], env: { A: '3', B: 'two' } });
  t.same(
    unitCommand('ExecStart=/bin/true\nEnvironment=\n'),
    { bin: '/bin/true', args: [], env: {} },
    'an empty Environment= adds nothing',
  );
});

t.test('refuses what it would misread', async (t) => {
  t.throws(() => unitCommand('[Service]\nUser=x\n'), /the unit has no ExecStart= command/);
  t.throws(() => unitCommand('ExecStart=  \n'), /the unit has no ExecStart= command/);
  t.throws(
    () => unitCommand('ExecStart=/bin/sh -c "echo hi"\n'),
    /ExecStart uses quoting or specifiers that are not interpreted here: \/bin\/sh -c "echo hi"/,
  );
  t.throws(() => unitCommand('ExecStart=/bin/x %h\n'), /ExecStart uses quoting or specifiers/);
  t.throws(() => unitCommand('ExecStart=/bin/x\nEnvironment="A=1 2"\n'), /Environment= uses quoting or specifiers/);
  t.throws(() => unitCommand('ExecStart=/bin/x\nEnvironment=A\n'), /Environment= assignment "A" is not NAME=value/);
  t.throws(() => unitCommand('ExecStart=/bin/x\nEnvironment==1\n'), /Environment= assignment "=1" is not NAME=value/);
});
