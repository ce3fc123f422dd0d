// The stage's settings and secrets for the hosts' AfterInstall, when project.ts names any:
// moto_server (moto, an AWS API emulator) as SSM on 127.0.0.1 inside the rehearsal's namespaces,
// reached through AWS_ENDPOINT_URL as the host tool allows, with every parameter the hosts must
// read put: a setting with its contract default, a secret with a placeholder (the host tool
// checks it against the contract as it would a real one).
import { spawn } from 'node:child_process';
import { DeleteParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { StageName } from '@hello/config/define-project';
import { project } from '@hello/config/project';
import { SERVICE_ENV, type EnvContract } from '@hello/config/service-env';
import { stageParameters, type StageParameter } from '@hello/config/stage-parameters';

/** What a secret holds in the rehearsal: never a real value. */
export const PLACEHOLDER_SECRET = 'rehearsal-placeholder';
const CREDENTIALS = { accessKeyId: 'rehearsal', secretAccessKey: 'rehearsal' };

export interface SsmStandIn {
  /** What the hooks' environment adds, so the host tool calls the stand-in. */
  readonly env: Readonly<Record<string, string>>;
  readonly parameters: readonly StageParameter[];
  /** Deletes a parameter, as a person might in the middle of a rollout. */
  remove(name: string): Promise<void>;
  /** Puts a parameter (back). */
  put(parameter: StageParameter): Promise<void>;
  stop(): Promise<void>;
}

/** The parameters a stage's hosts read, with the value the rehearsal puts for each. */
export function rehearsalValues(
  stage: StageName,
  contract: EnvContract = SERVICE_ENV,
  settings: Parameters<typeof stageParameters>[1] = project,
): { parameter: StageParameter; value: string }[] {
  return stageParameters(contract, settings, stage).map((parameter) => {
    const byDefault = contract[parameter.variable]!.default;
    const value = typeof byDefault === 'string' ? byDefault : JSON.stringify(byDefault);
    return { parameter, value: byDefault === undefined ? PLACEHOLDER_SECRET : value };
  });
}

/** moto 5.2.1's server, as pip installs it. */
export const MOTO_SERVER = 'moto_server';

/** `command` (moto_server) on a port of its own pick, ready when it prints its address, with `values` put. */
export async function startSsmStandIn(
  values: ReturnType<typeof rehearsalValues>,
  command: string,
): Promise<SsmStandIn> {
  const child = spawn(command, ['-H', '127.0.0.1', '-p', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let log = '';
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.on('error', (e) =>
      reject(
        new Error(
          `${command} could not start: ${e.message}; the project names settings or secrets in SSM, and the rehearsal needs moto 5.2.1's server to stand in for it (pip install 'moto[server]==5.2.1')`,
        ),
      ),
    );
    child.stderr.on('data', (d: Buffer) => {
      log += d.toString();
      const address = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(log)?.[1];
      if (address !== undefined) resolve(address);
    });
    // 'close', not 'exit': it comes once stderr has ended, so the log holds everything it printed.
    child.on('close', (code) =>
      reject(new Error(`${command} exited with ${String(code)} before it listened:\n${log}`)),
    );
  });
  const client = new SSMClient({ region: project.aws.region, endpoint, credentials: CREDENTIALS });
  const put = async (p: StageParameter, value: string): Promise<void> => {
    await client.send(
      new PutParameterCommand({
        Name: p.name,
        Value: value,
        Type: p.secret ? 'SecureString' : 'String',
        Overwrite: true,
      }),
    );
  };
  for (const { parameter, value } of values) await put(parameter, value);
  return {
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_REGION: project.aws.region,
    },
    parameters: values.map((v) => v.parameter),
    remove: async (name) => void (await client.send(new DeleteParameterCommand({ Name: name }))),
    put: (parameter) => put(parameter, values.find((v) => v.parameter === parameter)!.value),
    stop: async () => {
      client.destroy();
      child.kill('SIGTERM');
      await exited;
    },
  };
}
