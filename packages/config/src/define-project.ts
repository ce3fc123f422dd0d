// Types and validation of the project settings (the values themselves live in project.ts).
// Every rule names the field, shows the value and says what is allowed, and all problems are
// reported at once, before anything is synthesized or deployed.
import type { ServiceParameterVariable } from './service-env.ts';

/** The deployed stages: config keys, stack ids, deployment groups, GitHub environments. */
export const STAGE_NAMES = ['staging', 'prod'] as const;
export type StageName = (typeof STAGE_NAMES)[number];

export const DEPLOYMENT_CONFIGS = [
  'CodeDeployDefault.AllAtOnce',
  'CodeDeployDefault.HalfAtATime',
  'CodeDeployDefault.OneAtATime',
] as const;
export type DeploymentConfigName = (typeof DEPLOYMENT_CONFIGS)[number];

/** Retention periods CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export interface DomainSettings {
  /** The hosted zone's domain, e.g. `example.com`. */
  readonly zoneName: string;
  /** The record under zoneName, e.g. `staging`; `''` for the zone apex. */
  readonly subdomain: string;
  /**
   * Route 53 hosted zone id. With it, the stage gets a DNS-validated certificate and an alias record.
   * @default none: then certificateArn is required and you point DNS at the load balancer yourself
   */
  readonly hostedZoneId?: string;
  /**
   * An existing ACM certificate in the project's region.
   * @default a new certificate, DNS-validated in hostedZoneId
   */
  readonly certificateArn?: string;
}

export interface StageSettings {
  /** EC2 instance type, e.g. `t4g.small` (Graviton) or `t3.small`. */
  readonly instanceType: string;
  /**
   * Auto Scaling group bounds, 1 <= min <= max: the group starts at min and the scaling targets
   * move it between the two. The template sets no desired capacity, so a deployment never resets
   * a group that scaled out.
   */
  readonly capacity: { readonly min: number; readonly max: number };
  /** How CodeDeploy rolls a release over the hosts. */
  readonly deploymentConfig: DeploymentConfigName;
  /** NAT gateways for the private subnets: 1 saves cost, 2 (one per AZ) survives an AZ outage. */
  readonly natGateways: number;
  /** Seconds the load balancer drains a host before CodeDeploy stops it. */
  readonly deregistrationDelaySeconds: number;
  /**
   * The CDK bootstrap qualifier of this stage (`cdk bootstrap --qualifier`): each stage deploys
   * through its own bootstrap roles, so one stage's credentials cannot assume the other's.
   * 1-10 lowercase letters or digits, different for every stage, not CDK's default `hnb659fds`.
   */
  readonly bootstrapQualifier: string;
  /** Retention of the service and CodeDeploy agent log groups. */
  readonly logRetentionDays: (typeof LOG_RETENTION_DAYS)[number];
  /**
   * HTTPS on a domain name.
   * @default none: the load balancer serves plain HTTP on its own DNS name (experiments only)
   */
  readonly domain?: DomainSettings;

  // Operations: how the group scales and who hears about problems.
  /** Target tracking between capacity.min and capacity.max; at least one target. */
  readonly scaling: ScalingSettings;
  /** Where the stage's alarms and failure events go. */
  readonly alarms: AlarmSettings;
}

/** Target tracking: the group adds hosts above a target and removes them well below it. */
export interface ScalingSettings {
  /**
   * Average CPU utilization of the hosts, in percent. Burstable types (t3, t4g) earn CPU credits
   * only below their baseline; a target above it spends credits while the group is busy.
   * @default none: CPU does not scale the group
   */
  readonly cpuPercent?: number;
  /**
   * Requests per host per minute at the load balancer (ALBRequestCountPerTarget).
   * @default none: request count does not scale the group
   */
  readonly requestsPerHostPerMinute?: number;
}

/** Who is told when an alarm changes state, a deployment fails or a host cannot be launched. */
export interface AlarmSettings {
  /**
   * Addresses subscribed by e-mail to the stage's alarm topic; each confirms once from the mail
   * AWS sends. Not allowed with topicArn: subscribe them on your own topic.
   */
  readonly emails: readonly string[];
  /**
   * An existing SNS topic in the project's region to send everything to (it must allow CloudWatch
   * alarms and EventBridge to publish; docs/architecture.md).
   * @default none: the stage creates its own topic `<name>-<stage>-alarms`
   */
  readonly topicArn?: string;
}

// Operations: the Amazon Linux image the hosts boot, pinned in the repository by `pnpm ami:update`.
/** CPU architectures of the images (an instance type's architecture picks one). */
export const MACHINE_ARCHITECTURES = ['arm64', 'x86_64'] as const;
export type MachineArchitecture = (typeof MACHINE_ARCHITECTURES)[number];

/** One Amazon Linux 2023 image as DescribeImages reports it. */
export interface PinnedImage {
  /** e.g. `ami-0abcdef1234567890`; AMI ids are regional. */
  readonly id: string;
  /** e.g. `al2023-ami-2023.9.20251208.0-kernel-6.1-arm64`: the release, the kernel, the architecture. */
  readonly name: string;
  /** When Amazon published it (ISO 8601). */
  readonly created: string;
}

/** One image per architecture, all of the same Amazon Linux release, in one region. */
export interface MachineImageSettings {
  readonly region: string;
  readonly images: { readonly [A in MachineArchitecture]: PinnedImage };
}

/** The release part of an image name: the name without its `-<architecture>` suffix. */
export const imageRelease = (name: string): string => name.replace(/-(?:arm64|x86_64)$/, '');

export interface ProjectSettings {
  /** Lowercase name that prefixes stacks, buckets, roles and log groups. */
  readonly name: string;
  readonly github: {
    readonly owner: string;
    readonly repo: string;
    /**
     * The start of the OIDC `sub` claim GitHub issues for this repository, before
     * `:environment:<stage>` or `:pull_request`. No default: read it with
     * `gh api repos/OWNER/REPO/actions/oidc/customization/sub` (or the repository's settings).
     * Legacy form `repo:OWNER/REPO`; immutable form (repositories created or renamed since
     * 2026-07-15) `repo:OWNER@OWNER_ID/REPO@REPO_ID`.
     */
    readonly subjectPrefix: string;
    /**
     * The account's existing GitHub OIDC provider (an account holds only one).
     * @default none: the foundation stack creates the provider
     */
    readonly oidcProviderArn?: string;
  };
  readonly aws: {
    /** 12-digit account id every stack and release command is bound to. */
    readonly account: string;
    readonly region: string;
    /** Two AZs of the region, named so synth needs no AWS credentials. */
    readonly availabilityZones: readonly [string, string];
  };
  readonly stages: { readonly [S in StageName]: StageSettings };
  /**
   * The service's settings and secrets, by SSM parameter name, never by value: each variable the
   * contract (service-env.ts) marks `setting` or `secret` -> the parameter the hosts of every stage
   * read on each deployment, `/<name>/<stage>/<parameter>`. Put each stage's value with
   * `aws ssm put-parameter` (docs/service.md#settings-and-secrets).
   * @default {}: settings keep the contract's defaults (a secret must be named here)
   */
  readonly parameters?: ServiceParameterNames;
  /**
   * The Amazon Linux 2023 image every stage boots, per architecture (machine-images.json, written
   * by `pnpm ami:update`). A stage takes the image of its instance type's architecture from the
   * commit it deploys, so a new image reaches prod only after staging ran it, like the release.
   * @default none: the stage stacks synthesize, but CloudFormation refuses to deploy them
   */
  readonly machineImages?: MachineImageSettings | undefined;
}

/** A contract variable -> the SSM parameter that holds it in each stage. */
export type ServiceParameterNames = { readonly [V in ServiceParameterVariable]?: string };

export class ProjectConfigError extends Error {
  override readonly name = 'ProjectConfigError';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid project settings (packages/config/src/project.ts):\n  - ${problems.join('\n  - ')}`);
    this.problems = problems;
  }
}

const NAME = /^[a-z][a-z0-9-]{0,19}$/;
const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const GITHUB_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const GITHUB_REPO = /^(?!\.\.?$)[A-Za-z0-9._-]{1,100}$/;
const QUALIFIER = /^[a-z0-9]{1,10}$/;
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const SUBDOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,32}$/;
const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;
// One level below the stage's path (SSM allows letters, digits, '_', '.', '-' and '/').
const PARAMETER = /^[A-Za-z0-9_.-]{1,200}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const AMI_ID = /^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const AL2023_NAME = /^al2023-ami-2023\.\d+\.\d{8}\.\d+-kernel-\d+(?:\.\d+)*-(arm64|x86_64)$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;

type Check = (ok: boolean, field: string, value: unknown, allowed: string) => void;

function checkDomain(d: DomainSettings, at: string, s: ProjectSettings, check: Check): void {
  check(DOMAIN.test(d.zoneName), `${at}.zoneName`, d.zoneName, 'a lowercase domain name such as example.com');
  check(
    d.subdomain === '' || SUBDOMAIN.test(d.subdomain),
    `${at}.subdomain`,
    d.subdomain,
    "lowercase DNS labels such as 'staging', or '' for the zone apex",
  );
  if (d.hostedZoneId !== undefined) {
    check(
      HOSTED_ZONE_ID.test(d.hostedZoneId),
      `${at}.hostedZoneId`,
      d.hostedZoneId,
      'a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ',
    );
  }
  if (d.certificateArn !== undefined) {
    const prefix = `arn:aws:acm:${s.aws.region}:${s.aws.account}:certificate/`;
    check(
      d.certificateArn.startsWith(prefix) && /^[0-9a-f-]{36}$/.test(d.certificateArn.slice(prefix.length)),
      `${at}.certificateArn`,
      d.certificateArn,
      `an ACM certificate ARN in the project's account and region (${prefix}<uuid>)`,
    );
  }
  check(
    d.hostedZoneId !== undefined || d.certificateArn !== undefined,
    at,
    d,
    'hostedZoneId (to create a DNS-validated certificate) or certificateArn (an existing one)',
  );
}

function checkStage(stage: StageName, st: StageSettings, s: ProjectSettings, check: Check): void {
  const at = `stages.${stage}`;
  check(
    INSTANCE_TYPE.test(st.instanceType),
    `${at}.instanceType`,
    st.instanceType,
    'an EC2 instance type such as t4g.small',
  );
  const { min, max } = st.capacity;
  const whole = [min, max].every((n) => Number.isInteger(n));
  check(whole && min >= 1 && max <= 100, `${at}.capacity`, st.capacity, 'whole numbers with 1 <= min and max <= 100');
  check(min <= max, `${at}.capacity`, st.capacity, 'min <= max');
  check(
    (DEPLOYMENT_CONFIGS as readonly string[]).includes(st.deploymentConfig),
    `${at}.deploymentConfig`,
    st.deploymentConfig,
    DEPLOYMENT_CONFIGS.join(', '),
  );
  check(
    Number.isInteger(st.natGateways) && st.natGateways >= 1 && st.natGateways <= s.aws.availabilityZones.length,
    `${at}.natGateways`,
    st.natGateways,
    `1 to ${s.aws.availabilityZones.length} (private subnets need egress for CodeDeploy and S3)`,
  );
  check(
    Number.isInteger(st.deregistrationDelaySeconds) &&
      st.deregistrationDelaySeconds >= 0 &&
      st.deregistrationDelaySeconds <= 3600,
    `${at}.deregistrationDelaySeconds`,
    st.deregistrationDelaySeconds,
    'a whole number of seconds from 0 to 3600',
  );
  check(
    QUALIFIER.test(st.bootstrapQualifier) && st.bootstrapQualifier !== 'hnb659fds',
    `${at}.bootstrapQualifier`,
    st.bootstrapQualifier,
    "1-10 lowercase letters or digits, not CDK's shared default 'hnb659fds' (each stage bootstraps its own roles)",
  );
  check(
    (LOG_RETENTION_DAYS as readonly number[]).includes(st.logRetentionDays),
    `${at}.logRetentionDays`,
    st.logRetentionDays,
    `one of ${LOG_RETENTION_DAYS.join(', ')}`,
  );
  if (st.domain !== undefined) checkDomain(st.domain, `${at}.domain`, s, check);
  checkScaling(st.scaling, `${at}.scaling`, check);
  checkAlarms(st.alarms, `${at}.alarms`, s, check);
}

function checkScaling(sc: ScalingSettings, at: string, check: Check): void {
  const { cpuPercent: cpu, requestsPerHostPerMinute: requests } = sc;
  check(
    cpu !== undefined || requests !== undefined,
    at,
    sc,
    'at least one target: cpuPercent and/or requestsPerHostPerMinute',
  );
  if (cpu !== undefined) {
    check(Number.isInteger(cpu) && cpu >= 10 && cpu <= 90, `${at}.cpuPercent`, cpu, 'a whole percentage from 10 to 90');
  }
  if (requests !== undefined) {
    check(
      Number.isInteger(requests) && requests >= 1,
      `${at}.requestsPerHostPerMinute`,
      requests,
      'a whole number of requests per host per minute, 1 or more',
    );
  }
}

function checkAlarms(a: AlarmSettings, at: string, s: ProjectSettings, check: Check): void {
  for (const [i, email] of a.emails.entries()) {
    check(EMAIL.test(email), `${at}.emails[${i}]`, email, 'an e-mail address such as ops@example.com');
  }
  check(new Set(a.emails).size === a.emails.length, `${at}.emails`, a.emails, 'each address once');
  if (a.topicArn !== undefined) {
    const prefix = `arn:aws:sns:${s.aws.region}:`;
    check(
      new RegExp(`^${escape(prefix)}\\d{12}:[A-Za-z0-9_-]{1,256}$`).test(a.topicArn),
      `${at}.topicArn`,
      a.topicArn,
      `an SNS topic ARN in the project's region (${prefix}<account>:<topic>)`,
    );
    check(
      a.emails.length === 0,
      `${at}.emails`,
      a.emails,
      'no addresses with topicArn (subscribe them on that topic; the stage only creates subscriptions on its own topic)',
    );
  }
}

/** Problems with pinned images: the project's region, AL2023 names of each architecture, one release. */
export function machineImageProblems(m: MachineImageSettings, region: string): string[] {
  const problems: string[] = [];
  const check: Check = (ok, field, value, allowed) => {
    if (!ok) problems.push(`${field}: ${JSON.stringify(value)} is not allowed; expected ${allowed}`);
  };
  check(
    m.region === region,
    'machineImages.region',
    m.region,
    `${region}, the project's region (AMI ids are regional): run \`pnpm ami:update\``,
  );
  for (const arch of MACHINE_ARCHITECTURES) {
    const image = m.images[arch];
    const at = `machineImages.images.${arch}`;
    check(AMI_ID.test(image.id), `${at}.id`, image.id, 'an AMI id such as ami-0abcdef1234567890');
    check(
      AL2023_NAME.exec(image.name)?.[1] === arch,
      `${at}.name`,
      image.name,
      `an Amazon Linux 2023 image name for ${arch}, such as al2023-ami-2023.9.20251208.0-kernel-6.1-${arch}`,
    );
    check(
      ISO_TIME.test(image.created),
      `${at}.created`,
      image.created,
      'an ISO 8601 time such as 2025-12-08T21:09:32.000Z',
    );
  }
  const releases = MACHINE_ARCHITECTURES.map((arch) => imageRelease(m.images[arch].name));
  check(
    new Set(releases).size === 1,
    'machineImages.images',
    releases,
    'one Amazon Linux release for every architecture (pnpm ami:update resolves them together)',
  );
  return problems;
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The OIDC subject prefix must be the one GitHub issues for the configured repository, in either
 * form, because a wrong one makes every AssumeRoleWithWebIdentity fail with AccessDenied.
 */
function checkSubjectPrefix(s: ProjectSettings, check: Check): void {
  const owner = escape(s.github.owner);
  const repo = escape(s.github.repo);
  const forms = new RegExp(`^repo:(?:${owner}/${repo}|${owner}@\\d+/${repo}@\\d+)$`, 'i');
  check(
    forms.test(s.github.subjectPrefix),
    'github.subjectPrefix',
    s.github.subjectPrefix,
    `the prefix GitHub puts in this repository's OIDC subject: 'repo:${s.github.owner}/${s.github.repo}' (legacy) or ` +
      `'repo:${s.github.owner}@<owner id>/${s.github.repo}@<repo id>' (immutable, the default for repositories created or renamed since 2026-07-15); ` +
      `read it with \`gh api repos/${s.github.owner}/${s.github.repo}/actions/oidc/customization/sub\` or in the repository's settings (Actions > OIDC)`,
  );
}

/** The parameter names' own rules; whether they match the contract is stage-parameters.ts's check. */
function checkParameters(s: ProjectSettings, check: Check): void {
  const named = Object.entries((s.parameters ?? {}) as Readonly<Record<string, unknown>>);
  for (const [variable, parameter] of named) {
    check(
      ENV_NAME.test(variable),
      'parameters',
      variable,
      'the name of a variable of the service (upper case letters, digits and _)',
    );
    check(
      typeof parameter === 'string' && PARAMETER.test(parameter),
      `parameters.${variable}`,
      parameter,
      `an SSM parameter name below /${s.name}/<stage>/: 1-200 letters, digits, '_', '.' or '-'`,
    );
  }
  const parameters = named.map(([, parameter]) => parameter);
  check(
    new Set(parameters).size === parameters.length,
    'parameters',
    parameters,
    'a different parameter for every variable',
  );
  // SSM refuses parameter names that begin with "aws" or "ssm", in any case.
  check(
    named.length === 0 || !/^(aws|ssm)/i.test(s.name),
    'name',
    s.name,
    "a name that does not begin with 'aws' or 'ssm' while `parameters` names any (SSM reserves those prefixes)",
  );
}

/** All problems with the settings, as readable lines; empty when they are valid. */
export function projectProblems(s: ProjectSettings): string[] {
  const problems: string[] = [];
  const check: Check = (ok, field, value, allowed) => {
    if (!ok) problems.push(`${field}: ${JSON.stringify(value)} is not allowed; expected ${allowed}`);
  };
  check(NAME.test(s.name), 'name', s.name, 'a lowercase letter then up to 19 lowercase letters, digits or hyphens');
  check(GITHUB_OWNER.test(s.github.owner), 'github.owner', s.github.owner, 'a GitHub user or organization name');
  check(
    GITHUB_REPO.test(s.github.repo),
    'github.repo',
    s.github.repo,
    'a GitHub repository name (letters, digits, . _ -)',
  );
  checkSubjectPrefix(s, check);
  check(ACCOUNT.test(s.aws.account), 'aws.account', s.aws.account, 'a 12-digit AWS account id as a string');
  check(REGION.test(s.aws.region), 'aws.region', s.aws.region, 'an AWS region such as us-east-1');
  if (s.github.oidcProviderArn !== undefined) {
    const arn = `arn:aws:iam::${s.aws.account}:oidc-provider/token.actions.githubusercontent.com`;
    check(s.github.oidcProviderArn === arn, 'github.oidcProviderArn', s.github.oidcProviderArn, arn);
  }
  const azs = s.aws.availabilityZones;
  check(
    azs.length === 2 &&
      new Set(azs).size === 2 &&
      azs.every((az) => az.length === s.aws.region.length + 1 && az.startsWith(s.aws.region) && /[a-z]$/.test(az)),
    'aws.availabilityZones',
    azs,
    `two different AZs of ${s.aws.region}, such as ${s.aws.region}a and ${s.aws.region}b`,
  );
  const names = Object.keys(s.stages).sort();
  check(
    names.join() === [...STAGE_NAMES].sort().join(),
    'stages',
    names,
    `exactly the stages ${STAGE_NAMES.join(', ')}`,
  );
  for (const stage of STAGE_NAMES) {
    const st = s.stages[stage];
    if (st !== undefined) checkStage(stage, st, s, check);
  }
  if (s.machineImages !== undefined) problems.push(...machineImageProblems(s.machineImages, s.aws.region));
  const qualifiers = STAGE_NAMES.map((stage) => s.stages[stage]?.bootstrapQualifier);
  check(
    new Set(qualifiers).size === qualifiers.length,
    'stages.*.bootstrapQualifier',
    qualifiers,
    "a different qualifier for every stage (a shared one would let each stage assume the other's deploy roles)",
  );
  checkParameters(s, check);
  return problems;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Validates the settings and returns them deeply frozen. Throws a ProjectConfigError listing every problem. */
export function defineProject(settings: ProjectSettings): ProjectSettings {
  const copy = structuredClone(settings);
  const problems = projectProblems(copy);
  if (problems.length > 0) throw new ProjectConfigError(problems);
  return deepFreeze(copy);
}
