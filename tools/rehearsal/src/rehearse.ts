// Entry of `pnpm rehearse`: checks outside (rehearse-cli.ts), then the rehearsal itself
// (rehearsal.ts) as root of its own namespaces (rehearse-inside.ts, namespace-runner.ts).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInNamespace } from './namespace-runner.ts';
import { FAULTS_TIME_LIMIT_MS, missingTools, rehearseCli, TIME_LIMIT_MS } from './rehearse-cli.ts';
import { currentCaller, machine, planNamespaces } from './user-namespace.ts';

const toolDir = dirname(fileURLToPath(import.meta.url));
const caller = currentCaller();
process.exitCode = await rehearseCli({
  argv: process.argv.slice(2),
  artifactsDir: join(toolDir, '../../../apps/hello/artifacts'),
  toolDir,
  missingTools,
  namespaces: () => planNamespaces(caller, machine),
  runInside: (plan, request) =>
    runInNamespace({
      plan,
      // The same Node and loader (tsx) as this process.
      command: [process.execPath, ...process.execArgv, join(toolDir, 'rehearse-inside.ts'), JSON.stringify(request)],
      env: process.env,
      timeLimitMs: request.faults === undefined ? TIME_LIMIT_MS : FAULTS_TIME_LIMIT_MS,
      keepOnFailure: true,
      uid: caller.uid,
      log: (line) => process.stderr.write(`rehearse: ${line}\n`),
    }),
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
});
