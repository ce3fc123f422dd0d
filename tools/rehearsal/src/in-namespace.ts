// `tsx src/in-namespace.ts [--fallback] -- <command...>`: runs the command as root of fresh
// namespaces, as the rehearsal runs (the package's tests use it: the stand-in agent runs hooks as
// root and the supervisor switches users). With --fallback, a machine that cannot give namespaces
// runs the command as it is, after saying why and how to fix it; REHEARSAL_NO_NAMESPACE carries
// the reason, and the tests that need root skip with it.
import { spawnSync } from 'node:child_process';
import { NO_NAMESPACE_ENV, runInNamespace } from './namespace-runner.ts';
import { currentCaller, formatProblems, machine, planNamespaces } from './user-namespace.ts';

const TIME_LIMIT_MS = 15 * 60_000;

const args = process.argv.slice(2);
const fallback = args[0] === '--fallback';
const command = args.slice(args.indexOf('--') + 1);
const caller = currentCaller();
const planned = planNamespaces(caller, machine);
if ('problems' in planned) {
  const reason = formatProblems(planned.problems);
  process.stderr.write(`in-namespace: no namespaces on this machine:\n${reason}`);
  if (!fallback) process.exit(1);
  process.stderr.write('in-namespace: running without them; what needs them is skipped\n');
  const r = spawnSync(command[0]!, command.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, [NO_NAMESPACE_ENV]: reason.trim() },
  });
  process.exit(r.status ?? 1);
}
process.exitCode = await runInNamespace({
  plan: planned.plan,
  command,
  env: process.env,
  timeLimitMs: TIME_LIMIT_MS,
  keepOnFailure: false,
  uid: caller.uid,
  log: (line) => process.stderr.write(`in-namespace: ${line}\n`),
});
