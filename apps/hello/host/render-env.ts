// Renders the host's env file from the service's runtime contract: the deployment's own values
// and the stage's settings and secrets, read from SSM on every deployment. A value the service
// would reject at boot, or a parameter that is missing or unreadable, fails the deployment in
// AfterInstall, before the old process is replaced, naming the parameter and never a value.
import type { SSMClient } from '@aws-sdk/client-ssm';
import { STAGE_NAMES, type ProjectSettings, type StageName } from '@hello/config/define-project';
import { parseEnv } from '@hello/config/load-service-env';
import { renderEnvFile } from '@hello/config/render-service-env-file';
import type { EnvContract } from '@hello/config/service-env';
import { stageParameters } from '@hello/config/stage-parameters';
import { readStageParameters } from './read-stage-parameters.ts';

export interface RenderEnvOptions {
  /** CodeDeploy's DEPLOYMENT_GROUP_NAME, which is the stage. */
  readonly stage: string;
  readonly version: string;
  readonly port: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** @default the contract's default (all interfaces) */
  readonly host?: string | undefined;
}

/** What the env file is rendered against: the shipped contract and project, or a test's. */
export interface RenderEnvConfig {
  readonly contract: EnvContract;
  readonly project: Pick<ProjectSettings, 'name' | 'parameters'>;
  /** Region of the SSM calls (see ssm-client.ts). */
  readonly region: string;
  /** Created only for a stage that has parameters to read. */
  readonly ssm: () => SSMClient;
}

export interface RenderedEnv {
  /** The EnvironmentFile, secrets included: write it, never print it. */
  readonly text: string;
  /** Where each setting and secret came from, for the hook's log (names, no values). */
  readonly sources: readonly string[];
}

export async function renderEnv(o: RenderEnvOptions, config: RenderEnvConfig): Promise<RenderedEnv> {
  if (!(STAGE_NAMES as readonly string[]).includes(o.stage)) {
    throw new Error(
      `deployment group ${JSON.stringify(o.stage)} is not a stage; expected one of ${STAGE_NAMES.join(', ')} (deployment groups are named after their stage)`,
    );
  }
  const parameters = stageParameters(config.contract, config.project, o.stage as StageName);
  const read =
    parameters.length === 0
      ? { values: {}, absent: [] }
      : await readStageParameters(config.ssm(), parameters, config.region);
  const origin = (name: string): string | undefined => {
    const parameter = parameters.find((p) => p.variable === name);
    return parameter === undefined ? undefined : `SSM parameter ${parameter.name}`;
  };
  const env = parseEnv(
    config.contract,
    {
      ...read.values,
      STAGE: o.stage,
      RELEASE_VERSION: o.version,
      PORT: o.port,
      TLS_CERT_FILE: o.certFile,
      TLS_KEY_FILE: o.keyFile,
      HOST: o.host,
    },
    origin,
  );
  return {
    text: renderEnvFile(config.contract, env),
    sources: parameters.map((p) =>
      read.absent.includes(p)
        ? `${p.variable}: ${p.name} does not exist; the contract's default applies`
        : `${p.variable} from ${p.name}${p.secret ? ' (secret)' : ''}`,
    ),
  };
}
