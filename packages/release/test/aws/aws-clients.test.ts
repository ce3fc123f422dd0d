import type { AddressInfo } from 'node:net';
import { project } from '@hello/config/project';
import t, { type Test } from 'tap';
import { createAwsClients, regionNote, usesCustomS3Endpoint } from '../../src/aws/aws-clients.ts';
import { awsPartition, deploymentConsoleUrl } from '../../src/aws/aws-partition.ts';
import { listenOnLoopback } from '../local-https.ts';

t.test('aws/aws-clients.ts', async (t) => {
  t.test('path-style S3 only with a custom endpoint', (t) => {
    t.equal(usesCustomS3Endpoint({}), false);
    t.equal(usesCustomS3Endpoint({ AWS_ENDPOINT_URL: 'http://minio:9000' }), true);
    t.equal(usesCustomS3Endpoint({ AWS_ENDPOINT_URL_S3: 'http://minio:9000' }), true);
    t.end();
  });

  t.test('the clients use the project region whatever the shell says', async (t) => {
    const clients = createAwsClients({ AWS_REGION: 'eu-west-1' });
    t.equal(await clients.sts.config.region(), project.aws.region);
    t.equal(await clients.s3.config.region(), project.aws.region);
    t.equal(await clients.codeDeploy.config.region(), project.aws.region);
    t.equal(await clients.cloudFormation.config.region(), project.aws.region);
    t.equal(await clients.sts.config.maxAttempts(), 8);
    t.equal(clients.s3.config.forcePathStyle, false);
    t.equal(regionNote({}), undefined);
    t.equal(regionNote({ AWS_DEFAULT_REGION: project.aws.region }), undefined);
    t.match(regionNote({ AWS_DEFAULT_REGION: 'ap-south-1' }), 'not AWS_REGION=ap-south-1');
  });

  /**
   * A loopback stand-in for STS (query protocol) and CodeDeploy (JSON protocol), reached through the
   * SDK's standard AWS_ENDPOINT_URL: proves that standard configuration works unchanged and that a
   * throttled call is retried by the SDK's retry strategy (aws-sdk-client-mock would bypass it).
   */
  async function fakeAws(t: Test, throttleFirst: number): Promise<{ url: string; calls: string[] }> {
    const { createServer } = await import('node:http');
    const calls: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const target = req.headers['x-amz-target'];
        if (typeof target !== 'string' && body.includes('AssumeRoleWithWebIdentity')) {
          // What GitHub OIDC sign-in costs: one STS call per credential resolution.
          calls.push('AssumeRoleWithWebIdentity');
          res
            .writeHead(200, { 'content-type': 'text/xml' })
            .end(
              `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::${project.aws.account}:assumed-role/deploy/GitHubActions</Arn><AssumedRoleId>AROAEXAMPLE:GitHubActions</AssumedRoleId></AssumedRoleUser></AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>r0</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>`,
            );
          return;
        }
        if (typeof target !== 'string') {
          calls.push(body.includes('GetCallerIdentity') ? 'GetCallerIdentity' : body);
          res
            .writeHead(200, { 'content-type': 'text/xml' })
            .end(
              `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::${project.aws.account}:user/ci</Arn><UserId>AIDA</UserId><Account>${project.aws.account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
            );
          return;
        }
        const op = target.split('.')[1] ?? '';
        calls.push(op);
        const json = (status: number, value: unknown) =>
          res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(value));
        if (op === 'GetDeployment' && calls.filter((c) => c === op).length <= throttleFirst) {
          json(400, { __type: 'ThrottlingException', message: 'Rate exceeded' });
        } else if (op === 'GetDeployment') {
          json(200, { deploymentInfo: { deploymentId: 'd-THROTTLE1', status: 'Succeeded' } });
        } else {
          json(200, { targetIds: [] });
        }
      });
    });
    await listenOnLoopback(t, server);
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, calls };
  }

  function withEnv(t: Test, values: Record<string, string>): void {
    const saved = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
    Object.assign(process.env, values);
    t.teardown(() => {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    });
  }

  const standardEnv = (url: string) => ({
    AWS_ENDPOINT_URL: url,
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
  });

  t.test('a throttled call is retried with backoff by the SDK and then succeeds', async (t) => {
    const { runRelease } = await import('../../src/run-release.ts');
    const { testDeps } = await import('../release-test-deps.ts');
    const server = await fakeAws(t, 1);
    withEnv(t, standardEnv(server.url));
    const deps = { ...testDeps(), aws: () => createAwsClients({}) };
    t.equal(await runRelease(['watch', 'd-THROTTLE1'], deps), 0, deps.err());
    t.same(server.calls, ['GetCallerIdentity', 'GetDeployment', 'GetDeployment', 'ListDeploymentTargets']);
  });

  t.test('when the retries run out, the throttling is explained', async (t) => {
    const { runRelease } = await import('../../src/run-release.ts');
    const { testDeps } = await import('../release-test-deps.ts');
    const server = await fakeAws(t, 100);
    withEnv(t, { ...standardEnv(server.url), AWS_MAX_ATTEMPTS: '2' });
    const deps = { ...testDeps(), aws: () => createAwsClients(process.env) };
    t.equal(await runRelease(['watch', 'd-THROTTLE1'], deps), 1);
    t.match(deps.err(), 'AWS throttled codedeploy:GetDeployment on d-THROTTLE1 2 time(s) despite retries with backoff');
    t.equal(server.calls.filter((c) => c === 'GetDeployment').length, 2);
  });

  /** GitHub OIDC as configure-aws-credentials leaves it for a step that signs in by itself. */
  async function webIdentityEnv(t: Test, url: string): Promise<Record<string, string>> {
    const fs = await import('node:fs/promises');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'release-oidc-'));
    t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
    const tokenFile = path.join(dir, 'token');
    await fs.writeFile(tokenFile, 'header.payload.signature');
    return {
      AWS_ENDPOINT_URL: url,
      AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
      AWS_ROLE_ARN: `arn:aws:iam::${project.aws.account}:role/deploy`,
      AWS_ROLE_SESSION_NAME: 'GitHubActions',
      AWS_CONFIG_FILE: '/nonexistent/aws-config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    };
  }

  function withoutKeys(t: Test): void {
    const saved = {
      id: process.env.AWS_ACCESS_KEY_ID,
      secret: process.env.AWS_SECRET_ACCESS_KEY,
      profile: process.env.AWS_PROFILE,
    };
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    delete process.env.AWS_PROFILE;
    t.teardown(() => {
      for (const [k, v] of [
        ['AWS_ACCESS_KEY_ID', saved.id],
        ['AWS_SECRET_ACCESS_KEY', saved.secret],
        ['AWS_PROFILE', saved.profile],
      ] as const) {
        if (v !== undefined) process.env[k] = v;
      }
    });
  }

  t.test('one sign-in per run: with OIDC web identity every client shares one AssumeRoleWithWebIdentity', async (t) => {
    const { runRelease } = await import('../../src/run-release.ts');
    const { testDeps } = await import('../release-test-deps.ts');
    const server = await fakeAws(t, 0);
    withoutKeys(t);
    withEnv(t, await webIdentityEnv(t, server.url));
    const deps = { ...testDeps(), aws: () => createAwsClients({}) };
    t.equal(await runRelease(['watch', 'd-THROTTLE1'], deps), 0, deps.err());
    t.same(
      server.calls,
      ['AssumeRoleWithWebIdentity', 'GetCallerIdentity', 'GetDeployment', 'ListDeploymentTargets'],
      'STS and CodeDeploy clients signed with one set of credentials',
    );
  });

  t.test('control: clients with their own default credential chains sign in once each', async (t) => {
    const { GetCallerIdentityCommand, STSClient } = await import('@aws-sdk/client-sts');
    const { CodeDeployClient, GetDeploymentCommand } = await import('@aws-sdk/client-codedeploy');
    const server = await fakeAws(t, 0);
    withoutKeys(t);
    withEnv(t, await webIdentityEnv(t, server.url));
    await new STSClient({ region: project.aws.region }).send(new GetCallerIdentityCommand({}));
    await new CodeDeployClient({ region: project.aws.region }).send(
      new GetDeploymentCommand({ deploymentId: 'd-THROTTLE1' }),
    );
    t.equal(server.calls.filter((c) => c === 'AssumeRoleWithWebIdentity').length, 2, 'what createAwsClients avoids');
  });
});

t.test('aws/aws-partition.ts', async (t) => {
  t.test('partitions and console links follow the region', (t) => {
    t.equal(awsPartition('eu-west-1'), 'aws');
    t.equal(awsPartition('cn-north-1'), 'aws-cn');
    t.equal(awsPartition('us-gov-west-1'), 'aws-us-gov');
    t.equal(
      deploymentConsoleUrl('eu-west-1', 'd-1'),
      'https://eu-west-1.console.aws.amazon.com/codesuite/codedeploy/deployments/d-1?region=eu-west-1',
    );
    t.match(deploymentConsoleUrl('cn-north-1', 'd-1'), 'https://cn-north-1.console.amazonaws.cn/');
    t.match(deploymentConsoleUrl('us-gov-west-1', 'd-1'), 'https://us-gov-west-1.console.amazonaws-us-gov.com/');
    t.end();
  });
});
