// Reads a stage's settings and secrets from SSM for AfterInstall. Values go only into the result;
// every message names the variable and the parameter, never a value.
import { GetParameterCommand, GetParametersCommand, type Parameter, type SSMClient } from '@aws-sdk/client-ssm';
import { putParameterCommand, type StageParameter } from '@hello/config/stage-parameters';

/** GetParameters takes at most 10 names per call. */
const BATCH = 10;

export class ParameterReadError extends Error {
  override readonly name = 'ParameterReadError';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`the stage's settings and secrets could not all be read from SSM:\n  - ${problems.join('\n  - ')}`);
    this.problems = problems;
  }
}

export interface StageParameterValues {
  /** Variable -> value, for every parameter that exists. */
  readonly values: Readonly<Record<string, string>>;
  /** Settings with a default whose parameter does not exist: the default applies. */
  readonly absent: readonly StageParameter[];
}

const NOT_FOUND = Symbol('not found');
type Outcome = { readonly value: string } | { readonly problem: string } | typeof NOT_FOUND;

const label = (p: StageParameter): string => `${p.variable}: ${p.secret ? 'secret' : 'setting'} ${p.name}`;

/** The SDK's error in one line: its name (the AWS error code) and message, which carry no value. */
function describeError(error: unknown): string {
  const e = error as { name?: unknown; message?: unknown };
  return `${String(e.name)}: ${String(e.message)}`;
}

/** An error SSM answered (HTTP status known), as opposed to no answer (network, credentials). */
const answeredBySsm = (error: unknown): boolean =>
  typeof (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode === 'number';

function accept(p: StageParameter, found: Parameter): Outcome {
  if (p.secret && found.Type !== 'SecureString') {
    return {
      problem: `${label(p)} is a ${String(found.Type)} parameter; a secret must be a SecureString: delete it and put it again with --type SecureString`,
    };
  }
  return { value: found.Value ?? '' };
}

async function readOne(client: SSMClient, p: StageParameter): Promise<Outcome> {
  try {
    const out = await client.send(new GetParameterCommand({ Name: p.name, WithDecryption: true }));
    return out.Parameter === undefined ? NOT_FOUND : accept(p, out.Parameter);
  } catch (error) {
    if ((error as { name?: unknown }).name === 'ParameterNotFound') return NOT_FOUND;
    return { problem: `${label(p)} cannot be read: ${describeError(error)}` };
  }
}

/**
 * Reads the parameters (GetParameters, ten names per call, decrypted). When SSM refuses a whole
 * call (a SecureString whose KMS key this host may not use fails it for all ten), each parameter
 * of it is read alone, so the message names the one that failed. Throws a ParameterReadError that
 * lists every missing, unreadable or mistyped parameter.
 */
export async function readStageParameters(
  client: SSMClient,
  parameters: readonly StageParameter[],
  region: string,
): Promise<StageParameterValues> {
  const values: Record<string, string> = {};
  const absent: StageParameter[] = [];
  const problems: string[] = [];
  const record = (p: StageParameter, outcome: Outcome): void => {
    if (outcome === NOT_FOUND) {
      if (p.required) problems.push(`${label(p)} does not exist; put it with: ${putParameterCommand(p, region)}`);
      else absent.push(p);
    } else if ('problem' in outcome) problems.push(outcome.problem);
    else values[p.variable] = outcome.value;
  };
  for (let i = 0; i < parameters.length; i += BATCH) {
    const batch = parameters.slice(i, i + BATCH);
    let found: readonly Parameter[];
    try {
      const out = await client.send(
        new GetParametersCommand({ Names: batch.map((p) => p.name), WithDecryption: true }),
      );
      found = out.Parameters ?? [];
    } catch (error) {
      if (!answeredBySsm(error)) {
        throw new ParameterReadError([
          `no answer from SSM in ${region} for ${batch.map((p) => p.name).join(', ')}: ${describeError(error)}`,
        ]);
      }
      for (const p of batch) record(p, await readOne(client, p));
      continue;
    }
    for (const p of batch) {
      const parameter = found.find((f) => f.Name === p.name);
      record(p, parameter === undefined ? NOT_FOUND : accept(p, parameter));
    }
  }
  if (problems.length > 0) throw new ParameterReadError(problems);
  return { values, absent };
}
