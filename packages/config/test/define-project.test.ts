import t, { type Test } from 'tap';
import { defineProject, ProjectConfigError, projectProblems, type ProjectSettings } from '../src/define-project.ts';

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
  problemFor(t, domain({ zoneName: 'Example..com', hostedZoneId: 'Z1' }), 'stages.prod.domain.zoneName', 'example.com');
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
