// Renders the host's env file from the service's runtime contract, so a value the service would
// reject at boot fails the deployment in AfterInstall, before the old process is replaced.
import { STAGE_NAMES } from '@hello/config/define-project';
import { loadServiceEnv } from '@hello/config/load-service-env';
import { renderServiceEnvFile } from '@hello/config/render-service-env-file';

export interface RenderEnvOptions {
  /** CodeDeploy's DEPLOYMENT_GROUP_NAME, which is the stage. */
  readonly stage: string;
  readonly version: string;
  readonly port: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** @default the contract's default (all interfaces) */
  readonly host?: string;
}

export function renderEnv(o: RenderEnvOptions): string {
  if (!(STAGE_NAMES as readonly string[]).includes(o.stage)) {
    throw new Error(
      `deployment group ${JSON.stringify(o.stage)} is not a stage; expected one of ${STAGE_NAMES.join(', ')} (deployment groups are named after their stage)`,
    );
  }
  const env = loadServiceEnv({
    STAGE: o.stage,
    RELEASE_VERSION: o.version,
    PORT: o.port,
    TLS_CERT_FILE: o.certFile,
    TLS_KEY_FILE: o.keyFile,
    HOST: o.host,
  });
  return renderServiceEnvFile(env);
}
