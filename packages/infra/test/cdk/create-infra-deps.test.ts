import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { project } from '@hello/config/project';
import t from 'tap';
import { createInfraDeps } from '../../src/cdk/create-infra-deps.ts';

t.test('wires STS, the CDK binary in the package directory and file reading', async (t) => {
  const dir = t.testdir({});
  writeFileSync(join(dir, 'outputs.json'), '{"a":{}}');
  const stdout = { write: () => true };
  // Node stands in for the cdk binary.
  const deps = createInfraDeps({ env: {}, stdout, stderr: stdout }, dir, process.execPath);
  t.equal(await deps.sts().config.region(), project.aws.region);
  t.equal(await deps.runCdk(['-e', `process.exit(process.cwd() === ${JSON.stringify(dir)} ? 0 : 5)`]), 0);
  t.equal(await deps.readFile(join(dir, 'outputs.json')), '{"a":{}}');
  t.equal(deps.packageDir, dir);
  t.equal(deps.stdout, stdout);
});
