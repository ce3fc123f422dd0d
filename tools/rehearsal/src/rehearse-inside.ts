// The rehearsal as root of its namespaces (started by rehearse.ts through namespace-runner.ts):
// argv[2] is the checked request, the work folder comes from the runner.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeDeployApplicationName } from '@hello/config/naming';
import { project } from '@hello/config/project';
import type { StageName } from '@hello/config/define-project';
import { WORK_ENV } from './namespace-runner.ts';
import type { RehearsalRequest } from './rehearse-cli.ts';
import { rehearse } from './rehearsal.ts';

const request = JSON.parse(process.argv[2]!) as RehearsalRequest;
const result = await rehearse({
  ...request,
  workDir: process.env[WORK_ENV]!,
  toolDir: dirname(fileURLToPath(import.meta.url)),
  applicationName: codeDeployApplicationName(project, request.stage as StageName),
  log: (line) => process.stdout.write(`${line}\n`),
});
for (const problem of result.problems) process.stderr.write(`rehearsal FAILED: ${problem}\n`);
if (result.ok)
  process.stdout.write('rehearsal passed: 0 failed requests, the broken revision was stopped and rolled back\n');
process.exitCode = result.ok ? 0 : 1;
