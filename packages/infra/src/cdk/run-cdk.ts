// Runs the CDK CLI of this package as a child process, its output going straight to the terminal.
import { spawn } from 'node:child_process';

/** Resolves with the child's exit code (1 when it died of a signal or could not start). */
export function runCdk(command: string, args: readonly string[], cwd: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, [...args], { cwd, stdio: 'inherit' });
    child.on('error', (error) => {
      process.stderr.write(`error: cannot run ${command}: ${error.message}\n`);
      resolve(1);
    });
    child.on('close', (code) => resolve(code ?? 1));
  });
}
