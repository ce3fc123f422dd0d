// Fake world for release command tests: captured output, a manual clock, mocked AWS clients.
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CodeDeployClient, GetDeploymentGroupCommand } from '@aws-sdk/client-codedeploy';
import { S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { project } from '@hello/config/project';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsClients } from '../src/aws/aws-clients.ts';
import type { Env, ReleaseDeps } from '../src/release-deps.ts';

export const CALLER_ARN = `arn:aws:sts::${project.aws.account}:assumed-role/hello-github-deploy-staging/GitHubActions`;

export interface TestDeps extends ReleaseDeps {
  out(): string;
  err(): string;
  readonly files: Map<string, string>;
  readonly sleeps: number[];
}

/** A deployment group that has had successful deployments (so its alarms are not overridden). */
export const ESTABLISHED_GROUP = {
  deploymentGroupInfo: { lastSuccessfulDeployment: { deploymentId: 'd-EARLIER01', status: 'Succeeded' as const } },
};

/**
 * Mocks every SDK client (all instances) and answers STS with the configured account; every
 * deployment group is an established one unless a test says otherwise.
 */
export function mockAws() {
  const sts = mockClient(STSClient);
  const s3 = mockClient(S3Client);
  const codeDeploy = mockClient(CodeDeployClient);
  const cloudFormation = mockClient(CloudFormationClient);
  sts.on(GetCallerIdentityCommand).resolves({ Account: project.aws.account, Arn: CALLER_ARN });
  codeDeploy.on(GetDeploymentGroupCommand).resolves(ESTABLISHED_GROUP);
  return {
    sts,
    s3,
    codeDeploy,
    cloudFormation,
    restore: (): void => {
      for (const m of [sts, s3, codeDeploy, cloudFormation]) m.restore();
    },
  };
}

function clients(): AwsClients {
  const config = { region: project.aws.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  return {
    sts: new STSClient(config),
    s3: new S3Client(config),
    codeDeploy: new CodeDeployClient(config),
    cloudFormation: new CloudFormationClient(config),
  };
}

export function testDeps(
  options: { env?: Env; isTTY?: boolean; files?: Record<string, string | Buffer>; fetch?: typeof fetch } = {},
): TestDeps {
  let stdout = '';
  let stderr = '';
  let clock = 1_000_000;
  const files = new Map<string, string>();
  const sleeps: number[] = [];
  const inputs = new Map(Object.entries(options.files ?? {}));
  return {
    aws: clients,
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: options.env ?? {},
    isTTY: options.isTTY ?? false,
    cwd: '/work',
    now: () => clock,
    sleep: (ms) => {
      sleeps.push(ms);
      clock += ms;
      return Promise.resolve();
    },
    fetch: options.fetch ?? (() => Promise.reject(new Error('no network in this test'))),
    readFile: (path) => {
      const content = inputs.get(path);
      if (content === undefined) return Promise.reject(Object.assign(new Error(`ENOENT ${path}`), { code: 'ENOENT' }));
      return Promise.resolve(Buffer.from(content));
    },
    appendFile: (path, text) => {
      files.set(path, (files.get(path) ?? '') + text);
      return Promise.resolve();
    },
    out: () => stdout,
    err: () => stderr,
    files,
    sleeps,
  };
}

/** An SDK-style service error, as the clients throw them. */
export function awsError(name: string, status = 400, message = `${name} happened`): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: 'client',
    $metadata: { httpStatusCode: status, attempts: 1 },
  });
}
