// Runs one lifecycle hook the way the CodeDeploy agent does: the script itself (made executable
// first), cwd=/, a minimal environment plus the agent's variables, killed at its timeout.
import { spawn } from 'node:child_process';
import { chmodSync, statSync } from 'node:fs';

export interface HookRun {
  readonly ok: boolean;
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly output: string;
  readonly ms: number;
}

export function runHook(script: string, env: Readonly<Record<string, string>>, timeoutSeconds: number): Promise<HookRun> {
  const mode = statSync(script).mode;
  if ((mode & 0o100) === 0) chmodSync(script, mode | 0o111); // the agent does this too, and says so
  const started = performance.now();
  return new Promise((resolve) => {
    // Own process group, so a timeout kills the hook and everything it started.
    const child = spawn(script, [], { cwd: '/', env: { PATH: '/usr/bin:/bin', ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      process.kill(-child.pid!, 'SIGKILL');
    }, timeoutSeconds * 1000);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, exitCode: null, timedOut, output: `${output}${error.message}\n`, ms: performance.now() - started });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ ok: code === 0 && !timedOut, exitCode: code, timedOut, output, ms: performance.now() - started });
    });
  });
}
