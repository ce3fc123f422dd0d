import t, { type Test } from 'tap';
import * as c from '../src/constants.ts';
import {
  defineProject,
  ProjectConfigError,
  projectProblems,
  type ProjectSettings,
  STAGE_NAMES,
} from '../src/define-project.ts';
import {
  artifactBucketName,
  bootstrapExecutionPolicyName,
  bootstrapStackName,
  diffRoleName,
  stageBoundaryPolicyName,
  codeDeployApplicationName,
  deploymentGroupName,
  deployRoleName,
  environmentSubject,
  foundationStackName,
  logGroupNames,
  machineImagesRoleName,
  mainBranchSubject,
  logGroupPrefix,
  parameterPath,
  pullRequestRoleName,
  pullRequestSubject,
  releaseKey,
  stageStackName,
} from '../src/naming.ts';
import { project } from '../src/project.ts';
import { latestAl2023Parameter, machineImagesFrom } from '../src/machine-images.ts';
import { SERVICE_ENV } from '../src/service-env.ts';
import { stageParameters } from '../src/stage-parameters.ts';

t.test('constants.ts', async (t) => {
  // These relations are what keeps the ALB, the service and systemd from fighting each other.
  t.test('the service keeps connections open longer than the ALB', async (t) => {
    t.ok(
      c.KEEP_ALIVE_TIMEOUT_MS > c.ALB_IDLE_TIMEOUT_SECONDS * 1000,
      'else the ALB reuses sockets the service closed: 502s',
    );
  });

  // Node's http server (lib/_http_server.js, storeHTTPOptions) throws ERR_OUT_OF_RANGE
  // "headersTimeout ... <= requestTimeout" when both are given; set apart, it enforces the larger.
  t.test("Node's rule: headersTimeout <= requestTimeout", async (t) => {
    t.ok(c.HEADERS_TIMEOUT_MS <= c.REQUEST_TIMEOUT_MS);
  });

  t.test('Node checks the request bounds often enough to keep them', async (t) => {
    // connectionsCheckingInterval: a timeout fires up to one interval late.
    t.ok(c.CONNECTIONS_CHECK_INTERVAL_MS * 5 <= c.HEADERS_TIMEOUT_MS, 'headers timeout late by at most 20 %');
    t.ok(c.CONNECTIONS_CHECK_INTERVAL_MS > 0);
  });

  t.test('a silent connection is dropped in seconds, not minutes', async (t) => {
    t.ok(c.TLS_HANDSHAKE_TIMEOUT_MS > 0 && c.TLS_HANDSHAKE_TIMEOUT_MS <= c.HEADERS_TIMEOUT_MS);
    t.ok(c.HEADERS_TIMEOUT_MS < c.ALB_IDLE_TIMEOUT_SECONDS * 1000);
  });

  t.test("the process always exits inside systemd's stop timeout", async (t) => {
    t.ok(c.DEFAULT_SHUTDOWN_GRACE_MS <= c.MAX_SHUTDOWN_GRACE_MS);
    t.ok(c.MAX_SHUTDOWN_GRACE_MS < c.SYSTEMD_STOP_TIMEOUT_SECONDS * 1000);
  });

  t.test('a host is healthy again within a few health check intervals', async (t) => {
    t.ok(c.HEALTH_CHECK.timeoutSeconds < c.HEALTH_CHECK.intervalSeconds, 'ALB requires timeout < interval');
    t.equal(c.HEALTH_CHECK.healthyThreshold, 2);
    t.equal(c.HEALTH_CHECK.intervalSeconds, 10);
  });

  t.test("host paths live under the service's own directories", async (t) => {
    for (const [key, path] of Object.entries(c.HOST_PATHS)) t.match(path, new RegExp(`/${c.SERVICE_NAME}(/|$)`), key);
    t.ok(c.HOST_PATHS.current.startsWith(c.HOST_PATHS.root));
    t.ok(c.HOST_PATHS.releases.startsWith(c.HOST_PATHS.root));
    // Inside a release (through `current`): pruning a release removes its compile cache with it.
    t.ok(c.HOST_PATHS.compileCache.startsWith(`${c.HOST_PATHS.current}/`));
  });

  t.test('the compile-cache-only switch is a plain environment variable name', async (t) => {
    t.match(c.COMPILE_CACHE_ONLY_ENV, /^[A-Z][A-Z0-9_]*$/);
  });

  t.test('a deploy job fits in one STS session', async (t) => {
    // IAM accepts maxSessionDuration of 1 to 12 hours; the workflow asks for minutes * 60 seconds.
    t.ok(c.DEPLOY_JOB_TIMEOUT_MINUTES >= 60 && c.DEPLOY_JOB_TIMEOUT_MINUTES <= 720);
    t.ok(Number.isInteger(c.DEPLOY_JOB_TIMEOUT_MINUTES));
  });
});

t.test('define-project.ts', async (t) => {
  // A valid baseline, so each test breaks exactly one rule.
  const valid: ProjectSettings = {
    name: 'hello',
    github: { owner: 'acme', repo: 'hello-aws', subjectPrefix: 'repo:acme/hello-aws' },
    aws: { account: '111122223333', region: 'eu-west-1', availabilityZones: ['eu-west-1a', 'eu-west-1b'] },
    stages: {
      staging: {
        instanceType: 't4g.small',
        capacity: { min: 1, max: 2 },
        deploymentConfig: 'CodeDeployDefault.AllAtOnce',
        natGateways: 1,
        bootstrapQualifier: 'hellostg',
        deregistrationDelaySeconds: 30,
        logRetentionDays: 30,
        scaling: { cpuPercent: 60 },
        alarms: { emails: [] },
      },
      prod: {
        instanceType: 'm7i-flex.large',
        capacity: { min: 2, max: 6 },
        deploymentConfig: 'CodeDeployDefault.OneAtATime',
        natGateways: 2,
        bootstrapQualifier: 'helloprod',
        deregistrationDelaySeconds: 30,
        logRetentionDays: 365,
        scaling: { cpuPercent: 50, requestsPerHostPerMinute: 6000 },
        alarms: { emails: ['ops@example.com', 'oncall@example.org'] },
        domain: { zoneName: 'example.com', subdomain: 'www', hostedZoneId: 'Z0123456789ABCDEFGHIJ' },
      },
    },
  };

  type Mutable<T> = { -readonly [K in keyof T]: Mutable<T[K]> };
  function variant(change: (s: Mutable<ProjectSettings>) => void): ProjectSettings {
    const copy = structuredClone(valid) as Mutable<ProjectSettings>;
    change(copy);
    return copy;
  }

  function problemFor(t: Test, settings: ProjectSettings, field: string, ...fragments: string[]): void {
    t.throws(() => defineProject(settings), ProjectConfigError, `${field} is rejected`);
    const problems = projectProblems(settings).filter((p) => p.startsWith(`${field}:`));
    t.equal(problems.length, 1, `one problem names ${field}: ${projectProblems(settings).join(' | ')}`);
    for (const f of fragments) t.match(problems[0], f, `the message says ${f}`);
  }

  t.test('valid settings are returned frozen', async (t) => {
    const project = defineProject(valid);
    t.equal(project.github.subjectPrefix, 'repo:acme/hello-aws');
    t.ok(Object.isFrozen(project.stages.prod.capacity), 'nested values are frozen');
    t.not(project, valid, 'the input is copied, not frozen in place');
    t.notOk(Object.isFrozen(valid.stages), 'the input stays as it was');
    t.same(projectProblems(valid), []);
  });

  t.test('the OIDC subject prefix is accepted in the legacy and the immutable form, as written', async (t) => {
    // Legacy: what GitHub issues for repositories created before 2026-07-15 and never renamed.
    t.equal(defineProject(valid).github.subjectPrefix, 'repo:acme/hello-aws');
    // Immutable: owner and repository carry their numeric ids.
    const project = defineProject(
      variant((s) => {
        s.github.subjectPrefix = 'repo:acme@123/hello-aws@456';
      }),
    );
    t.equal(project.github.subjectPrefix, 'repo:acme@123/hello-aws@456');
  });

  t.test(
    'an OIDC subject prefix of another repository, a template or a partial id is rejected with how to read it',
    async (t) => {
      for (const wrong of [
        'repo:{owner}/{repo}',
        'repo:acme/other',
        'repo:acme@123/hello-aws',
        'repo:acme@x/hello-aws@456',
        'repo:acme/hello-aws:ref:refs/heads/main',
        'acme/hello-aws',
      ]) {
        problemFor(
          t,
          variant((s) => {
            s.github.subjectPrefix = wrong;
          }),
          'github.subjectPrefix',
          "'repo:acme/hello-aws' (legacy)",
          "'repo:acme@<owner id>/hello-aws@<repo id>' (immutable",
          'gh api repos/acme/hello-aws/actions/oidc/customization/sub',
        );
      }
    },
  );

  t.test('each stage has its own bootstrap qualifier', async (t) => {
    problemFor(
      t,
      variant((s) => {
        s.stages.prod.bootstrapQualifier = 'Prod_1';
      }),
      'stages.prod.bootstrapQualifier',
      '"Prod_1"',
      '1-10 lowercase',
    );
    problemFor(
      t,
      variant((s) => {
        s.stages.prod.bootstrapQualifier = 'hnb659fds';
      }),
      'stages.prod.bootstrapQualifier',
      "not CDK's shared default",
    );
    problemFor(
      t,
      variant((s) => {
        s.stages.prod.bootstrapQualifier = 'hellostg';
      }),
      'stages.*.bootstrapQualifier',
      'a different qualifier for every stage',
    );
  });

  t.test('each rule names the field, the value and what is allowed', async (t) => {
    problemFor(
      t,
      variant((s) => {
        s.name = 'Hello_World';
      }),
      'name',
      '"Hello_World"',
      'lowercase',
    );
    problemFor(
      t,
      variant((s) => {
        s.aws.account = '12345';
      }),
      'aws.account',
      '"12345"',
      '12-digit',
    );
    problemFor(
      t,
      variant((s) => {
        s.aws.region = 'europe';
      }),
      'aws.region',
      '"europe"',
      'us-east-1',
    );
    problemFor(
      t,
      variant((s) => {
        s.aws.availabilityZones = ['eu-west-1a', 'eu-west-1a'];
      }),
      'aws.availabilityZones',
      'two different AZs',
    );
    problemFor(
      t,
      variant((s) => {
        s.aws.availabilityZones = ['us-east-1a', 'us-east-1b'];
      }),
      'aws.availabilityZones',
      'eu-west-1a',
    );
    problemFor(
      t,
      variant((s) => {
        s.github.owner = '-acme';
      }),
      'github.owner',
      '"-acme"',
    );
    problemFor(
      t,
      variant((s) => {
        s.github.repo = 'hello aws';
      }),
      'github.repo',
      '"hello aws"',
    );
    problemFor(
      t,
      variant((s) => {
        s.github.subjectPrefix = 'repo:acme/*';
      }),
      'github.subjectPrefix',
      'repo:acme/hello-aws',
    );
    problemFor(
      t,
      variant((s) => {
        s.github.oidcProviderArn = 'arn:aws:iam::999999999999:oidc-provider/token.actions.githubusercontent.com';
      }),
      'github.oidcProviderArn',
      'arn:aws:iam::111122223333:oidc-provider',
    );
    problemFor(
      t,
      variant((s) => {
        s.stages.prod.instanceType = 'large';
      }),
      'stages.prod.instanceType',
      '"large"',
      't4g.small',
    );
    problemFor(
      t,
      variant((s) => {
        s.stages.prod.deploymentConfig = 'Fast' as never;
      }),
      'stages.prod.deploymentConfig',
      'OneAtATime',
    );
    problemFor(
      t,
      variant((s) => {
        s.stages.staging.natGateways = 0;
      }),
      'stages.staging.natGateways',
      '1 to 2',
    );
    problemFor(
      t,
      variant((s) => {
        s.stages.staging.deregistrationDelaySeconds = 4000;
      }),
      'stages.staging.deregistrationDelaySeconds',
      '0 to 3600',
    );
    problemFor(
      t,
      variant((s) => {
        s.stages.staging.logRetentionDays = 10 as never;
      }),
      'stages.staging.logRetentionDays',
      '14',
    );
  });

  t.test('capacity must be whole numbers with 1 <= min <= max <= 100', async (t) => {
    problemFor(
      t,
      variant((s) => {
        s.stages.prod.capacity = { min: 3, max: 2 };
      }),
      'stages.prod.capacity',
      'min <= max',
      '"min":3',
    );
    problemFor(
      t,
      variant((s) => {
        s.stages.prod.capacity = { min: 0, max: 2 };
      }),
      'stages.prod.capacity',
      '1 <= min',
    );
    problemFor(
      t,
      variant((s) => {
        s.stages.prod.capacity = { min: 1.5, max: 2 };
      }),
      'stages.prod.capacity',
      'whole numbers',
    );
    problemFor(
      t,
      variant((s) => {
        s.stages.prod.capacity = { min: 1, max: 101 };
      }),
      'stages.prod.capacity',
      'max <= 100',
    );
  });

  t.test('scaling needs a target, each within its range', async (t) => {
    problemFor(
      t,
      variant((s) => {
        s.stages.staging.scaling = {};
      }),
      'stages.staging.scaling',
      'at least one target',
    );
    problemFor(
      t,
      variant((s) => {
        s.stages.staging.scaling = { cpuPercent: 95 };
      }),
      'stages.staging.scaling.cpuPercent',
      '95',
      '10 to 90',
    );
    problemFor(
      t,
      variant((s) => {
        s.stages.prod.scaling = { requestsPerHostPerMinute: 0.5 };
      }),
      'stages.prod.scaling.requestsPerHostPerMinute',
      '1 or more',
    );
  });

  t.test('alarm e-mails and an existing topic', async (t) => {
    problemFor(
      t,
      variant((s) => {
        s.stages.prod.alarms = { emails: ['ops.example.com'] };
      }),
      'stages.prod.alarms.emails[0]',
      '"ops.example.com"',
      'e-mail address',
    );
    problemFor(
      t,
      variant((s) => {
        s.stages.prod.alarms = { emails: ['ops@example.com', 'ops@example.com'] };
      }),
      'stages.prod.alarms.emails',
      'each address once',
    );
    problemFor(
      t,
      variant((s) => {
        s.stages.prod.alarms = { emails: [], topicArn: 'arn:aws:sns:us-east-1:111122223333:pager' };
      }),
      'stages.prod.alarms.topicArn',
      "project's region (arn:aws:sns:eu-west-1:<account>:<topic>)",
    );
    problemFor(
      t,
      variant((s) => {
        s.stages.prod.alarms = { emails: ['ops@example.com'], topicArn: 'arn:aws:sns:eu-west-1:111122223333:pager' };
      }),
      'stages.prod.alarms.emails',
      'no addresses with topicArn',
    );
    const existing = variant((s) => {
      s.stages.prod.alarms = { emails: [], topicArn: 'arn:aws:sns:eu-west-1:444455556666:pager' };
    });
    t.same(projectProblems(existing), [], 'a topic of another account in the same region is accepted');
  });

  t.test('domains: names, zone ids, certificates and how the certificate is obtained', async (t) => {
    const domain = (d: object) =>
      variant((s) => {
        s.stages.prod.domain = { zoneName: 'example.com', subdomain: 'www', ...d };
      });
    problemFor(
      t,
      domain({ zoneName: 'Example..com', hostedZoneId: 'Z1' }),
      'stages.prod.domain.zoneName',
      'example.com',
    );
    problemFor(t, domain({ subdomain: '-www', hostedZoneId: 'Z1' }), 'stages.prod.domain.subdomain', "''");
    problemFor(t, domain({ hostedZoneId: 'abc' }), 'stages.prod.domain.hostedZoneId', 'Z0123456789');
    problemFor(t, domain({}), 'stages.prod.domain', 'hostedZoneId', 'certificateArn');
    problemFor(
      t,
      domain({ certificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/0b5f1d3c-8a8e-4c57-9b1f-2f1c0e9d7a11' }),
      'stages.prod.domain.certificateArn',
      'arn:aws:acm:eu-west-1:111122223333:certificate/',
    );
    t.same(
      projectProblems(
        domain({
          subdomain: '',
          certificateArn: 'arn:aws:acm:eu-west-1:111122223333:certificate/0b5f1d3c-8a8e-4c57-9b1f-2f1c0e9d7a11',
        }),
      ),
      [],
      'the zone apex with an imported certificate is valid',
    );
  });

  t.test('exactly the stages staging and prod', async (t) => {
    const extra = variant((s) => {
      (s.stages as Record<string, unknown>).qa = s.stages.staging;
    });
    problemFor(t, extra, 'stages', '"qa"', 'staging, prod');
    const missing = variant((s) => {
      delete (s.stages as Partial<typeof s.stages>).prod;
    });
    problemFor(t, missing, 'stages', 'exactly the stages');
  });

  // Placeholder ids in the style of AWS's documentation, dated 2099: no real image.
  const pinned = (region: string) => ({
    region,
    images: {
      arm64: {
        id: 'ami-0abcdef1234567890',
        name: 'al2023-ami-2023.0.20990101.0-kernel-6.1-arm64',
        created: '2099-01-01T00:00:00.000Z',
      },
      x86_64: {
        id: 'ami-0fedcba0987654321',
        name: 'al2023-ami-2023.0.20990101.0-kernel-6.1-x86_64',
        created: '2099-01-01T00:00:00.000Z',
      },
    },
  });

  t.test('pinned images: the project region, an AL2023 image per architecture, one release', async (t) => {
    t.same(projectProblems(variant((s) => void (s.machineImages = pinned('eu-west-1')))), []);
    t.same(projectProblems(variant((s) => void (s.machineImages = undefined))), [], 'nothing pinned is valid');
    problemFor(
      t,
      variant((s) => void (s.machineImages = pinned('us-east-1'))),
      'machineImages.region',
      '"us-east-1"',
      'eu-west-1',
      'pnpm ami:update',
    );
    const broken = pinned('eu-west-1');
    broken.images.arm64 = { id: 'ami-123', name: broken.images.x86_64.name, created: 'yesterday' };
    const settings = variant((s) => void (s.machineImages = broken));
    problemFor(t, settings, 'machineImages.images.arm64.id', '"ami-123"');
    problemFor(t, settings, 'machineImages.images.arm64.name', 'for arm64');
    problemFor(t, settings, 'machineImages.images.arm64.created', 'ISO 8601');
    const mixed = pinned('eu-west-1');
    mixed.images.x86_64.name = 'al2023-ami-2023.0.20990202.0-kernel-6.1-x86_64';
    problemFor(
      t,
      variant((s) => void (s.machineImages = mixed)),
      'machineImages.images',
      'one Amazon Linux release',
    );
  });

  t.test('every problem is reported at once, in one error', async (t) => {
    const bad = variant((s) => {
      s.name = 'X';
      s.aws.account = '1';
    });
    const error = t.throws(() => defineProject(bad)) as ProjectConfigError;
    t.equal(error.problems.length, 2);
    t.match(error.message, /packages\/config\/src\/project\.ts/, 'the message says where to fix it');
    t.equal(error.name, 'ProjectConfigError');
  });

  t.test('parameters: a variable name -> a parameter name below the stage path, each its own', async (t) => {
    const withParameters = (parameters: Record<string, unknown>, name = 'hello') =>
      variant((s) => {
        s.name = name;
        (s as { parameters?: unknown }).parameters = parameters;
      });
    t.same(projectProblems(withParameters({ LOG_LEVEL: 'log-level', API_KEY: 'api.key_2' })), []);
    problemFor(t, withParameters({ 'log-level': 'x' }), 'parameters', '"log-level"', 'upper case');
    problemFor(t, withParameters({ LOG_LEVEL: 'a/b' }), 'parameters.LOG_LEVEL', '"a/b"', 'below /hello/<stage>/');
    problemFor(t, withParameters({ LOG_LEVEL: '' }), 'parameters.LOG_LEVEL', '""');
    problemFor(t, withParameters({ LOG_LEVEL: 'same', API_KEY: 'same' }), 'parameters', 'a different parameter');
    problemFor(t, withParameters({ LOG_LEVEL: 'level' }, 'ssm-demo'), 'name', '"ssm-demo"', 'SSM reserves');
    t.same(projectProblems(withParameters({}, 'aws-demo')), [], 'the prefix matters only with parameters');
  });
});

t.test('naming.ts', async (t) => {
  const p = defineProject({
    ...project,
    name: 'shop',
    github: { owner: 'acme', repo: 'shop', subjectPrefix: 'repo:acme/shop' },
    aws: { account: '111122223333', region: 'eu-west-1', availabilityZones: ['eu-west-1a', 'eu-west-1b'] },
    // Pinned images are regional: the shipped ones (if any) are not for this region.
    machineImages: undefined,
  });

  t.test('names derive from the project so no name is typed twice', async (t) => {
    t.equal(foundationStackName(p), 'shop-foundation');
    t.equal(stageStackName(p, 'prod'), 'shop-prod');
    t.equal(codeDeployApplicationName(p, 'staging'), 'shop-staging');
    t.equal(deployRoleName(p, 'prod'), 'shop-github-deploy-prod');
    t.equal(pullRequestRoleName(p), 'shop-github-pull-request');
    t.equal(machineImagesRoleName(p), 'shop-github-machine-images');
    t.same(logGroupNames(p, 'prod').service, '/shop/prod/hello');
    // Every log group of a stage starts with its prefix, which no other stage's shares.
    for (const name of Object.values(logGroupNames(p, 'prod'))) t.ok(name.startsWith(logGroupPrefix(p, 'prod')), name);
    t.notOk(logGroupPrefix(p, 'prod').startsWith(logGroupPrefix(p, 'staging')));
    // Hosts may read below their own stage's parameter path only: no stage's path contains the other's.
    t.equal(parameterPath(p, 'prod'), '/shop/prod/');
    t.notOk(parameterPath(p, 'staging').startsWith(parameterPath(p, 'prod')));
    // `cdk bootstrap` and the foundation stack meet on these names (docs/aws-setup.md).
    t.equal(bootstrapStackName(p, 'staging'), 'shop-cdk-bootstrap-staging');
    t.equal(bootstrapExecutionPolicyName(p, 'prod'), 'shop-cdk-execution-prod');
    t.equal(stageBoundaryPolicyName(p, 'prod'), 'shop-boundary-prod');
    t.equal(diffRoleName(p), 'shop-cdk-diff');
  });

  t.test('the bucket name is globally unique and a valid S3 name even at the longest project name', async (t) => {
    t.equal(artifactBucketName(p), 'shop-artifacts-111122223333-eu-west-1');
    const longest = defineProject({
      ...p,
      name: 'a'.repeat(20),
      aws: { ...p.aws, region: 'ap-southeast-1', availabilityZones: ['ap-southeast-1a', 'ap-southeast-1b'] },
    });
    const name = artifactBucketName(longest);
    t.ok(name.length <= 63, `${name} fits S3's 63 characters`);
    t.match(name, /^[a-z0-9][a-z0-9-]*[a-z0-9]$/);
  });

  t.test('the deployment group is the stage: the hooks read the stage from it', async (t) => {
    t.equal(deploymentGroupName('staging'), 'staging');
    t.equal(deploymentGroupName('prod'), 'prod');
  });

  t.test('OIDC subjects bind a role to one GitHub environment, or to pull requests', async (t) => {
    t.equal(environmentSubject(p, 'prod'), 'repo:acme/shop:environment:prod');
    t.equal(pullRequestSubject(p), 'repo:acme/shop:pull_request');
    // The machine-image workflow runs on main without an environment.
    t.equal(mainBranchSubject(p), 'repo:acme/shop:ref:refs/heads/main');
  });

  t.test('release keys stay under the release prefix', async (t) => {
    t.equal(releaseKey('0123abcd'), 'releases/0123abcd.zip');
    t.throws(() => releaseKey('../../etc/passwd'), /release version "..\/..\/etc\/passwd" is not allowed; expected/);
    t.throws(() => releaseKey(''), /not allowed/);
  });
});

t.test('machine-images.ts', async (t) => {
  t.test('{} means nothing is pinned yet; anything else must have the shape pnpm ami:update writes', async (t) => {
    t.equal(machineImagesFrom({}), undefined);
    const image = { id: 'ami-0abcdef1234567890', name: 'n', created: 'c' };
    const written = { region: 'eu-west-1', images: { arm64: image, x86_64: image } };
    t.equal(machineImagesFrom(written), written);
    for (const bad of [[], { region: 'eu-west-1' }, { region: 'eu-west-1', images: { arm64: image } }]) {
      t.throws(() => machineImagesFrom(bad), {
        message:
          /^packages\/config\/src\/machine-images\.json: .* is not allowed; expected \{\} \(nothing pinned yet\) or what `pnpm ami:update` writes/,
      });
    }
  });

  t.test("the public parameter of each architecture's latest Amazon Linux 2023", async (t) => {
    // AWS's documented names (Amazon Linux 2023 user guide, "Launch AL2023 using the SSM parameter").
    t.equal(latestAl2023Parameter('arm64'), '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64');
    t.equal(latestAl2023Parameter('x86_64'), '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64');
  });
});

t.test('project.ts', async (t) => {
  // The shipped settings must load: every command and the synth start from them.
  t.test('the shipped project settings are valid and cover every stage', async (t) => {
    t.same(Object.keys(project.stages).sort(), [...STAGE_NAMES].sort());
    t.ok(Object.isFrozen(project), 'settings cannot be changed at run time');
    // prod keeps serving while one host is replaced, as the seed guide's OneAtATime does.
    t.equal(project.stages.prod.deploymentConfig, 'CodeDeployDefault.OneAtATime');
    t.ok(project.stages.prod.capacity.min >= 2, 'prod keeps two hosts across two AZs');
  });

  // What project.ts names must fit the contract, or every deployment would fail at AfterInstall.
  t.test("the shipped settings and secrets match the service's contract in every stage", async (t) => {
    for (const stage of STAGE_NAMES) t.doesNotThrow(() => stageParameters(SERVICE_ENV, project, stage), stage);
  });
});
