// The rehearsal as root of its namespaces (started by rehearse.ts through namespace-runner.ts):
// argv[2] is the checked request, the work folder comes from the runner.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeDeployApplicationName } from '@hello/config/naming';
import { project } from '@hello/config/project';
import type { StageName } from '@hello/config/define-project';
import { rehearseFaults } from './faults/rehearse-faults.ts';
import { WORK_ENV } from './namespace-runner.ts';
import type { RehearsalRequest } from './rehearse-cli.ts';
import { rehearse } from './rehearsal.ts';

const request = JSON.parse(process.argv[2]!) as RehearsalRequest;
const toolDir = dirname(fileURLToPath(import.meta.url));
const workDir = process.env[WORK_ENV]!;
const applicationName = codeDeployApplicationName(project, request.stage as StageName);
const log = (line: string): void => void process.stdout.write(`${line}\n`);
let problems: readonly string[];
try {
  if (request.faults === undefined) {
    const result = await rehearse({ ...request, workDir, toolDir, applicationName, log });
    problems = result.problems;
    if (result.ok) log('rehearsal passed: 0 failed requests, the broken revision was stopped and rolled back');
  } else {
    const result = await rehearseFaults({
      ...request,
      ...request.faults,
      workDir,
      serviceCtl: join(toolDir, 'service-ctl.sh'),
      applicationName,
      log,
    });
    log(`\n${result.table}`);
    // What the person watching the pipeline reads for each watched deployment.
    for (const row of result.rows.filter((r) => r.cli !== undefined && r.cli.code !== 0))
      log(
        `${row.scenario.id}: pnpm release watch exited ${row.cli!.code}\n${row.cli!.stderr.trimEnd().replace(/^/gm, '  | ')}`,
      );
    problems = result.problems;
    if (problems.length === 0) log(`fault matrix passed: ${result.rows.length} scenarios, every goal met`);
  }
} catch (error) {
  // A rehearsal that could not run says what stopped it (its stack with DEBUG=1).
  problems = [process.env.DEBUG === '1' ? String((error as Error).stack) : (error as Error).message];
}
for (const problem of problems) process.stderr.write(`rehearsal FAILED: ${problem}\n`);
process.exitCode = problems.length === 0 ? 0 : 1;
