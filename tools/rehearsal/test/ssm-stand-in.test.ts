// The SSM stand-in: what it puts for a stage, and its life as a process. A recording SSM endpoint
// behind a stand-in command covers the code on any machine; moto_server itself, where it is on
// PATH, proves the calls against the emulator the hosts' tests use.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { integer, secret, setting, text } from '@hello/config/env-variable';
import { project } from '@hello/config/project';
import { SERVICE_ENV } from '@hello/config/service-env';
import { stageParameters } from '@hello/config/stage-parameters';
import { MOTO_SERVER, PLACEHOLDER_SECRET, rehearsalValues, startSsmStandIn } from '../src/ssm-stand-in.ts';

t.setTimeout(60_000);

const contract = {
  LOG_LEVEL: setting(text({ about: 'level', pattern: /^[a-z]+$/u, default: 'info' })),
  WORKERS: setting(integer({ about: 'workers', min: 1, max: 9, default: 2 })),
  API_KEY: secret({ about: 'key' }),
  PLAIN: text({ about: 'not in SSM', pattern: /^.*$/u, default: 'x' }),
};
const fixture = { name: 'app', parameters: { LOG_LEVEL: 'log-level', WORKERS: 'workers', API_KEY: 'api-key' } };

t.test('what the rehearsal puts: a setting its default, a secret a placeholder', async (t) => {
  t.same(
    rehearsalValues('staging', contract, fixture).map((v) => [v.parameter.name, v.parameter.required, v.value]),
    [
      ['/app/staging/log-level', false, 'info'],
      ['/app/staging/workers', false, '2'],
      ['/app/staging/api-key', true, PLACEHOLDER_SECRET],
    ],
  );
  t.same(
    rehearsalValues('staging').map((v) => v.parameter),
    stageParameters(SERVICE_ENV, project, 'staging'),
    "by default the service's own contract and project.ts",
  );
});

t.test('a stand-in command that prints its address, and the calls it gets', async (t) => {
  const calls: string[] = [];
  const api = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      calls.push(`${String(req.headers['x-amz-target'])} ${body}`);
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end('{}');
    });
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  t.teardown(() => api.close());
  const port = (api.address() as { port: number }).port;
  const command = join(t.testdir({}), 'moto');
  writeFileSync(command, `#!/bin/sh\necho " * Running on http://127.0.0.1:${port}" >&2\nexec sleep 60\n`, {
    mode: 0o755,
  });
  const values = rehearsalValues('staging', contract, fixture);
  const ssm = await startSsmStandIn(values, command);
  t.same(ssm.env.AWS_ENDPOINT_URL, `http://127.0.0.1:${port}`);
  t.same(
    ssm.parameters,
    values.map((v) => v.parameter),
  );
  await ssm.remove('/app/staging/api-key');
  await ssm.put(values[2]!.parameter);
  await ssm.stop();
  t.same(
    calls.map((c) => c.split(' ')[0]),
    [
      'AmazonSSM.PutParameter',
      'AmazonSSM.PutParameter',
      'AmazonSSM.PutParameter',
      'AmazonSSM.DeleteParameter',
      'AmazonSSM.PutParameter',
    ],
  );
  t.match(calls[2], /"Name":"\/app\/staging\/api-key".*"Type":"SecureString"/);
  t.match(calls[0], /"Value":"info".*"Type":"String"/);
});

t.test('a command that does not start, or ends before it listens, says why', async (t) => {
  await t.rejects(
    startSsmStandIn([], '/nonexistent/moto_server'),
    /could not start: spawn \/nonexistent\/moto_server ENOENT; .*\(pip install 'moto\[server\]==5\.2\.1'\)/,
  );
  const quits = join(t.testdir({}), 'quits');
  writeFileSync(quits, '#!/bin/sh\necho no >&2\nexit 3\n', { mode: 0o755 });
  await t.rejects(startSsmStandIn([], quits), /exited with 3 before it listened:\nno/);
});

const moto = spawnSync('sh', ['-c', 'command -v moto_server']).status === 0;

t.test(
  'moto_server itself keeps what the hosts read',
  { skip: moto ? false : 'moto_server is not on PATH' },
  async (t) => {
    const values = rehearsalValues('staging', contract, fixture);
    const ssm = await startSsmStandIn(values, MOTO_SERVER);
    t.teardown(() => ssm.stop());
    const client = new SSMClient({
      region: ssm.env.AWS_REGION!,
      endpoint: ssm.env.AWS_ENDPOINT_URL!,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    t.teardown(() => client.destroy());
    const read = await client.send(new GetParameterCommand({ Name: '/app/staging/api-key', WithDecryption: true }));
    t.same([read.Parameter?.Type, read.Parameter?.Value], ['SecureString', PLACEHOLDER_SECRET]);
    await ssm.remove('/app/staging/api-key');
    await t.rejects(client.send(new GetParameterCommand({ Name: '/app/staging/api-key' })), {
      name: 'ParameterNotFound',
    });
  },
);
