// moto_server (moto 5.2.1, an AWS API emulator: docs.getmoto.org/en/latest/docs/server_mode.html)
// on 127.0.0.1, standing in for SSM in the hosts' calls: the port is its own pick (`-p 0`), it is
// ready when werkzeug prints the address, and it is ended by its pid.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { PutParameterCommand, SSMClient, type ParameterType } from '@aws-sdk/client-ssm';

const COMMAND = 'moto_server';

/** tap's `skip` option for the SSM tests: false when moto_server is on PATH, else why not. */
export function skipWithoutMoto(): string | false {
  const found = (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, COMMAND), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  return found
    ? false
    : `${COMMAND} is not on PATH: install moto 5.2.1 with its server (pip install 'moto[server]==5.2.1') to run the SSM tests`;
}

/** Credentials moto accepts (any); set so the SDK never looks for real ones. */
export const MOTO_ENV = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' } as const;

export interface MotoServer {
  readonly endpoint: string;
  /** Puts a parameter as `aws ssm put-parameter --overwrite` would. */
  put(region: string, name: string, value: string, type: ParameterType): Promise<void>;
  stop(): Promise<void>;
}

export async function startMotoServer(): Promise<MotoServer> {
  const child = spawn(COMMAND, ['-H', '127.0.0.1', '-p', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = once(child, 'exit');
  let log = '';
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${COMMAND} did not start within 30 s:\n${log}`)), 30_000);
    child.stderr.on('data', (d: Buffer) => {
      log += d.toString();
      const address = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(log)?.[1];
      if (address !== undefined) {
        clearTimeout(timer);
        resolve(address);
      }
    });
    // 'close', not 'exit': it comes once stderr has ended, so the log holds everything it printed.
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`${COMMAND} exited with ${String(code)} before it listened:\n${log}`));
    });
  });
  const clients = new Map<string, SSMClient>();
  const client = (region: string): SSMClient => {
    let c = clients.get(region);
    if (c === undefined) {
      c = new SSMClient({
        region,
        endpoint,
        credentials: { accessKeyId: MOTO_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: MOTO_ENV.AWS_SECRET_ACCESS_KEY },
      });
      clients.set(region, c);
    }
    return c;
  };
  return {
    endpoint,
    async put(region, name, value, type) {
      await client(region).send(new PutParameterCommand({ Name: name, Value: value, Type: type, Overwrite: true }));
    },
    async stop() {
      for (const c of clients.values()) c.destroy();
      process.kill(child.pid!, 'SIGTERM');
      await exited;
    },
  };
}
