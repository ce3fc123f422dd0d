// Every AWS call the release CLI, `cdk deploy`/`cdk diff` and the hosts make, simulated against the
// synthesized policies with the exact action and ARN (AWS's evaluation logic and service reference
// data), plus the calls each principal must never be able to make.
import { fileURLToPath } from 'node:url';
import t from 'tap';
import type { StageName } from '@hello/config/define-project';
import {
  artifactBucketName,
  bootstrapExecutionPolicyName,
  codeDeployApplicationName,
  deployRoleName,
  deploymentGroupName,
  diffRoleName,
  foundationStackName,
  machineImagesRoleName,
  logGroupNames,
  parameterPath,
  pullRequestRoleName,
  releaseKey,
  stageBoundaryPolicyName,
  stageStackName,
} from '@hello/config/naming';
import {
  allowedParameterRequests,
  deniedParameterRequests,
  withManagedInstanceCore,
} from '../helpers/host-parameter-requests.ts';
import { hostMetricsNamespace } from '../../src/stacks/stage-stack.ts';
import { findSdkCalls } from '../helpers/sdk-calls.ts';
import { fixtureProject as project } from '../helpers/fixture-project.ts';
import {
  describeRequest,
  simulate,
  type SimulatedPrincipal,
  type SimulatedRequest,
} from '../helpers/iam-simulation.ts';
import { templatePolicies, type PolicyDocument } from '../helpers/template-policies.ts';
import { buildTestApp } from '../helpers/test-app.ts';
import {
  PLANNED_OPERATIONS,
  WATCHED_OPERATIONS,
  cliPermissions,
  type Arns,
} from '../helpers/release-cli-permissions.ts';

/** Where the release CLI's source lives (@hello/release, and @hello/cli-kit for the account check). */
const RELEASE_CLI_SOURCE_DIRS = ['release', 'cli-kit'].map((p) =>
  fileURLToPath(new URL(`../../../${p}/src/`, import.meta.url)),
);

const built = buildTestApp(project);
const { account, region } = project.aws;
const foundationName = foundationStackName(project);
const foundation = templatePolicies(built.template(built.foundation), { account, region, stackName: foundationName });
const stageTemplate = (stage: StageName) =>
  templatePolicies(built.template(built.stages[stage]), { account, region, stackName: stageStackName(project, stage) });
const other = (stage: StageName): StageName => (stage === 'staging' ? 'prod' : 'staging');
const q = (stage: StageName): string => project.stages[stage].bootstrapQualifier;

const roleArn = (name: string): string => `arn:aws:iam::${account}:role/${name}`;
const bootstrapRole = (qualifier: string, kind: string): string =>
  roleArn(`cdk-${qualifier}-${kind}-role-${account}-${region}`);
const stackArn = (name: string): string =>
  `arn:aws:cloudformation:${region}:${account}:stack/${name}/0d5e2c10-8a5b-11ef-9f7c-0a1b2c3d4e5f`;
const arns = (stage: StageName): Arns => ({
  application: `arn:aws:codedeploy:${region}:${account}:application:${codeDeployApplicationName(project, stage)}`,
  deploymentGroup: `arn:aws:codedeploy:${region}:${account}:deploymentgroup:${codeDeployApplicationName(project, stage)}/${deploymentGroupName(stage)}`,
  deploymentConfig: `arn:aws:codedeploy:${region}:${account}:deploymentconfig:${project.stages[stage].deploymentConfig}`,
  bucket: `arn:aws:s3:::${artifactBucketName(project)}`,
  release: `arn:aws:s3:::${artifactBucketName(project)}/${releaseKey('4f1c0de')}`,
  stageStack: stackArn(stageStackName(project, stage)),
});
// The bootstrap roles trust the account (bootstrap-template.yaml: `Principal: AWS: Ref AWS::AccountId`),
// so the caller's own policy decides; the same trust is given to the simulator.
const accountTrust: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${account}:root` },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
    },
  ],
};

function role(label: string, name: string, stack = foundation, boundaryFrom = foundation): SimulatedPrincipal {
  const boundaryArn = stack.boundaryArn(name);
  return {
    label,
    account,
    arn: roleArn(name),
    identityPolicies: stack.identityPolicies(name),
    ...(boundaryArn === undefined ? {} : { boundary: boundaryFrom.managedPolicy(boundaryArn.split('/').pop()!) }),
  };
}
const deployRole = (stage: StageName) => role(`deploy-${stage}`, deployRoleName(project, stage));
const pullRequestRole = role('pull-request', pullRequestRoleName(project));
const diffRole = role('cdk-diff', diffRoleName(project));
const machineImagesRole = role('machine-images', machineImagesRoleName(project));
const hostRole = (stage: StageName) =>
  role(`host-${stage}`, stageTemplate(stage).roleNameOfService('ec2.amazonaws.com'), stageTemplate(stage));
// The CloudFormation execution role `cdk bootstrap` creates with our policy and boundary.
const executionRole = (stage: StageName): SimulatedPrincipal => ({
  label: `cfn-exec-${stage}`,
  account,
  arn: bootstrapRole(q(stage), 'cfn-exec'),
  identityPolicies: [
    { name: 'execution', policy: foundation.managedPolicy(bootstrapExecutionPolicyName(project, stage)) },
  ],
  boundary: foundation.managedPolicy(stageBoundaryPolicyName(project, stage)),
});

const foundCalls = findSdkCalls(RELEASE_CLI_SOURCE_DIRS, fileURLToPath(new URL('../../../', import.meta.url)));
// Plus the calls the CLI makes after this push, so the roles already grant them.
const sdkCalls = [
  ...foundCalls,
  ...PLANNED_OPERATIONS.filter((op) => !foundCalls.some((c) => c.operation === op)).map((operation) => ({
    operation,
    files: ['planned'],
  })),
];

function allowedRequests(): SimulatedRequest[] {
  const requests: SimulatedRequest[] = [];
  (['staging', 'prod'] as const).forEach((stage, index) => {
    const deploy = deployRole(stage);
    // Release CLI: each call found in its source, on this stage's own resources.
    for (const call of sdkCalls) {
      for (const p of cliPermissions(call.operation, arns(stage), { publishes: index === 0 })) {
        requests.push({ principal: deploy, ...p, why: `release CLI ${call.operation} (${call.files.join(', ')})` });
      }
    }
    // Promotion reads what the earlier stage ran.
    if (index > 0) {
      for (const call of sdkCalls.filter((c) => WATCHED_OPERATIONS.includes(c.operation))) {
        for (const p of cliPermissions(call.operation, arns(other(stage)), { publishes: false })) {
          requests.push({ principal: deploy, ...p, why: `release promote reads ${other(stage)}: ${call.operation}` });
        }
      }
    }
    // cdk deploy: the stage's own deploy and file-publishing roles, and the diff role as lookup role.
    for (const kind of ['deploy', 'file-publishing']) {
      for (const action of ['sts:AssumeRole', 'sts:TagSession']) {
        requests.push({
          principal: deploy,
          action,
          resource: bootstrapRole(q(stage), kind),
          resourcePolicy: accountTrust,
          why: `cdk deploy assumes the ${kind} role`,
        });
      }
    }
    requests.push({
      principal: deploy,
      action: 'sts:AssumeRole',
      resource: roleArn(diffRoleName(project)),
      resourcePolicy: foundation.trustPolicy(diffRoleName(project)),
      why: 'cdk deploy reads the deployed template (lookup role)',
    });
    // CloudFormation, as the stage's execution role, creates what the stage stack declares.
    const exec = executionRole(stage);
    const stackName = stageStackName(project, stage);
    const boundaryArn = `arn:aws:iam::${account}:policy/${stageBoundaryPolicyName(project, stage)}`;
    for (const [action, resource, context] of [
      ['ec2:CreateVpc', `arn:aws:ec2:${region}:${account}:vpc/*`, {}],
      [
        'elasticloadbalancing:CreateLoadBalancer',
        `arn:aws:elasticloadbalancing:${region}:${account}:loadbalancer/app/${stackName}-alb/0123456789abcdef`,
        {},
      ],
      [
        'autoscaling:CreateAutoScalingGroup',
        `arn:aws:autoscaling:${region}:${account}:autoScalingGroup:*:autoScalingGroupName/${stackName}-FleetAsg-1`,
        {},
      ],
      [
        'autoscaling:UpdateAutoScalingGroup',
        `arn:aws:autoscaling:${region}:${account}:autoScalingGroup:*:autoScalingGroupName/${stackName}-FleetAsg-1`,
        { 'aws:ResourceTag/aws:cloudformation:stack-name': stackName },
      ],
      ['iam:CreateRole', roleArn(`${stackName}-FleetRole-1A2B3C`), { 'iam:PermissionsBoundary': boundaryArn }],
      ['iam:PassRole', roleArn(`${stackName}-FleetRole-1A2B3C`), {}],
      ['codedeploy:CreateDeploymentGroup', arns(stage).deploymentGroup, {}],
      [
        'logs:CreateLogGroup',
        `arn:aws:logs:${region}:${account}:log-group:${logGroupNames(project, stage).service}`,
        {},
      ],
      [
        'lambda:CreateFunction',
        `arn:aws:lambda:${region}:${account}:function:${stackName}-CustomVpcRestrictDefault-1`,
        {},
      ],
      // Scaling, alarms, the alarm topic and its e-mail subscriptions, the failure rules, the dashboard.
      [
        'autoscaling:PutScalingPolicy',
        `arn:aws:autoscaling:${region}:${account}:autoScalingGroup:*:autoScalingGroupName/${stackName}-FleetAsg-1`,
        { 'aws:ResourceTag/aws:cloudformation:stack-name': stackName },
      ],
      ['cloudwatch:PutMetricAlarm', `arn:aws:cloudwatch:${region}:${account}:alarm:${stackName}-5xx-rate`, {}],
      ['cloudwatch:PutDashboard', `arn:aws:cloudwatch::${account}:dashboard/${stackName}`, {}],
      ['sns:CreateTopic', `arn:aws:sns:${region}:${account}:${stackName}-alarms`, {}],
      ['sns:Subscribe', `arn:aws:sns:${region}:${account}:${stackName}-alarms`, {}],
      ['events:PutRule', `arn:aws:events:${region}:${account}:rule/${stackName}-EventsDeploymentFailed-1`, {}],
      ['events:PutTargets', `arn:aws:events:${region}:${account}:rule/${stackName}-EventsDeploymentFailed-1`, {}],
      // Not simulated: ssm:GetParameters on the public AMI parameter, whose ARN has no account
      // (arn:aws:ssm:<region>::parameter/aws/service/...), which the simulator's ARN check rejects.
    ] as const) {
      requests.push({
        principal: exec,
        action,
        resource,
        context: { ...context },
        why: 'CloudFormation creates the stage stack',
      });
    }
    // Hosts: CodeDeploy agent (command_executor.rb download_from_s3: get_object with version_id),
    // CloudWatch agent (pusher/target.go CreateLogStream, sender.go PutLogEvents; no retention set,
    // so no DescribeLogGroups/PutRetentionPolicy), and the readiness check in the user data.
    const host = hostRole(stage);
    requests.push({
      principal: host,
      action: 's3:GetObjectVersion',
      resource: arns(stage).release,
      why: 'CodeDeploy agent downloads the revision (with version)',
    });
    requests.push({
      principal: host,
      action: 's3:GetObject',
      resource: arns(stage).release,
      why: 'CodeDeploy agent downloads the revision (without version)',
    });
    for (const group of Object.values(logGroupNames(project, stage))) {
      for (const action of ['logs:CreateLogStream', 'logs:PutLogEvents']) {
        requests.push({
          principal: host,
          action,
          resource: `arn:aws:logs:${region}:${account}:log-group:${group}:log-stream:i-0123456789abcdef0`,
          why: 'CloudWatch agent ships a file',
        });
      }
    }
    for (const action of ['codedeploy:GetDeploymentGroup', 'codedeploy:GetDeployment']) {
      requests.push({
        principal: host,
        action,
        resource: arns(stage).deploymentGroup,
        why: "host readiness: the group's last successful revision",
      });
    }
    requests.push({
      principal: host,
      action: 'cloudwatch:PutMetricData',
      resource: '*',
      context: { 'cloudwatch:namespace': hostMetricsNamespace(project, stage) },
      why: 'CloudWatch agent publishes memory and disk',
    });
    // cdk diff through the diff role (lookup role of the stage stacks).
    for (const action of ['cloudformation:DescribeStacks', 'cloudformation:GetTemplate']) {
      requests.push({
        principal: diffRole,
        action,
        resource: arns(stage).stageStack,
        why: 'cdk diff reads the deployed template',
      });
    }
    requests.push({
      principal: diffRole,
      action: 'ssm:GetParameter',
      resource: `arn:aws:ssm:${region}:${account}:parameter/cdk-bootstrap/${q(stage)}/version`,
      why: 'cdk checks the bootstrap version through the lookup role',
    });
  });
  requests.push({
    principal: pullRequestRole,
    action: 'sts:AssumeRole',
    resource: roleArn(diffRoleName(project)),
    resourcePolicy: foundation.trustPolicy(diffRoleName(project)),
    why: 'cdk diff on a pull request',
  });
  // The machine-image workflow. Not simulated: ssm:GetParameters on the public Amazon Linux
  // parameters, whose ARN has no account (the simulator's ARN check rejects it).
  requests.push({
    principal: machineImagesRole,
    action: 'ec2:DescribeImages',
    resource: '*',
    why: 'pnpm ami:update describes the latest Amazon Linux 2023 images',
  });
  for (const action of ['cloudformation:DescribeStacks', 'cloudformation:GetTemplate']) {
    requests.push({
      principal: pullRequestRole,
      action,
      resource: stackArn(foundationName),
      why: 'cdk diff of the foundation (CLI credentials synthesizer)',
    });
  }
  return requests;
}

function deniedRequests(): SimulatedRequest[] {
  const requests: SimulatedRequest[] = [];
  const release = arns('staging').release;
  const deny = (
    principal: SimulatedPrincipal,
    action: string,
    resource: string,
    why: string,
    extra: Partial<SimulatedRequest> = {},
  ) => requests.push({ principal, action, resource, why, ...extra });
  for (const stage of ['staging', 'prod'] as const) {
    const deploy = deployRole(stage);
    const them = arns(other(stage));
    for (const action of [
      'codedeploy:CreateDeployment',
      'codedeploy:UpdateDeploymentGroup',
      'codedeploy:RegisterApplicationRevision',
    ]) {
      deny(
        deploy,
        action,
        action === 'codedeploy:RegisterApplicationRevision' ? them.application : them.deploymentGroup,
        `deploy to ${other(stage)}`,
      );
    }
    deny(deploy, 'codedeploy:StopDeployment', '*', 'stop any deployment (wildcard-only, so never granted)');
    deny(deploy, 'codedeploy:DeleteDeploymentGroup', arns(stage).deploymentGroup, 'delete its own group');
    for (const action of ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutBucketPolicy'])
      deny(deploy, action, action.startsWith('s3:PutBucket') ? arns(stage).bucket : release, 'destroy releases');
    for (const kind of ['deploy', 'file-publishing', 'cfn-exec', 'lookup']) {
      deny(
        deploy,
        'sts:AssumeRole',
        bootstrapRole(q(other(stage)), kind),
        `the ${other(stage)} bootstrap ${kind} role`,
        { resourcePolicy: accountTrust },
      );
      deny(
        deploy,
        'sts:AssumeRole',
        bootstrapRole('hnb659fds', kind),
        `CDK's default (administrator) bootstrap ${kind} role`,
        { resourcePolicy: accountTrust },
      );
    }
    deny(deploy, 'sts:AssumeRole', roleArn(deployRoleName(project, other(stage))), `the ${other(stage)} deploy role`);
    deny(
      deploy,
      'iam:UpdateAssumeRolePolicy',
      roleArn(deployRoleName(project, other(stage))),
      `rewrite the ${other(stage)} role's trust`,
    );
    // Only a later stage reads an earlier one's outputs (promote compares images).
    if (stage === 'staging')
      deny(deploy, 'cloudformation:DescribeStacks', arns('prod').stageStack, 'read the prod stack');
    deny(deploy, 'cloudformation:UpdateStack', stackArn(foundationName), 'change the foundation directly');
    // The execution role: the other stage, the foundation and ways out of the boundary.
    const exec = executionRole(stage);
    const stackName = stageStackName(project, stage);
    const theirStack = stageStackName(project, other(stage));
    deny(exec, 'codedeploy:DeleteDeploymentGroup', them.deploymentGroup, `delete the ${other(stage)} deployment group`);
    deny(
      exec,
      'logs:DeleteLogGroup',
      `arn:aws:logs:${region}:${account}:log-group:${logGroupNames(project, other(stage)).service}`,
      `delete ${other(stage)} logs`,
    );
    deny(
      exec,
      'autoscaling:UpdateAutoScalingGroup',
      `arn:aws:autoscaling:${region}:${account}:autoScalingGroup:*:autoScalingGroupName/${theirStack}-FleetAsg-1`,
      `resize the ${other(stage)} fleet`,
      { context: { 'aws:ResourceTag/aws:cloudformation:stack-name': theirStack } },
    );
    deny(
      exec,
      'ec2:TerminateInstances',
      `arn:aws:ec2:${region}:${account}:instance/i-0123456789abcdef0`,
      `terminate a ${other(stage)} host`,
      { context: { 'aws:ResourceTag/aws:cloudformation:stack-name': theirStack } },
    );
    deny(exec, 'iam:CreateRole', roleArn(`${theirStack}-Admin`), `create a role in the ${other(stage)} namespace`, {
      context: {
        'iam:PermissionsBoundary': `arn:aws:iam::${account}:policy/${stageBoundaryPolicyName(project, stage)}`,
      },
    });
    deny(exec, 'iam:CreateRole', roleArn(`${stackName}-Escape`), 'create a role without the boundary', {
      context: {
        'iam:PermissionsBoundary': `arn:aws:iam::${account}:policy/${stageBoundaryPolicyName(project, other(stage))}`,
      },
    });
    deny(exec, 'iam:DeleteRolePermissionsBoundary', roleArn(`${stackName}-FleetRole-1A2B3C`), 'drop the boundary');
    deny(
      exec,
      'iam:CreatePolicyVersion',
      `arn:aws:iam::${account}:policy/${stageBoundaryPolicyName(project, stage)}`,
      'rewrite its own boundary',
    );
    deny(
      exec,
      'iam:UpdateAssumeRolePolicy',
      roleArn(deployRoleName(project, 'prod')),
      "rewrite the prod deploy role's trust",
    );
    deny(exec, 'sts:AssumeRole', bootstrapRole('hnb659fds', 'cfn-exec'), 'chain into an administrator role', {
      resourcePolicy: accountTrust,
    });
    deny(exec, 'cloudformation:UpdateStack', stackArn(foundationName), 'change the foundation');
    deny(
      exec,
      'sns:DeleteTopic',
      `arn:aws:sns:${region}:${account}:${theirStack}-alarms`,
      `delete the ${other(stage)} alarm topic`,
    );
    deny(
      exec,
      'events:RemoveTargets',
      `arn:aws:events:${region}:${account}:rule/${theirStack}-EventsDeploymentFailed-1`,
      `silence the ${other(stage)} failure events`,
    );
    deny(
      exec,
      'cloudwatch:DeleteAlarms',
      `arn:aws:cloudwatch:${region}:${account}:alarm:${theirStack}-5xx-rate`,
      `delete a ${other(stage)} alarm`,
    );
    deny(
      exec,
      'cloudwatch:PutDashboard',
      `arn:aws:cloudwatch::${account}:dashboard/${theirStack}`,
      `rewrite the ${other(stage)} dashboard`,
    );
    deny(exec, 'sns:CreateTopic', `arn:aws:sns:${region}:${account}:some-other-topic`, 'a topic outside the stage');
    deny(exec, 's3:PutObject', release, 'overwrite a release');
    // Hosts write nowhere but their own log streams.
    const host = hostRole(stage);
    for (const action of ['s3:PutObject', 's3:DeleteObject']) deny(host, action, release, 'change a release');
    deny(
      host,
      'logs:PutLogEvents',
      `arn:aws:logs:${region}:${account}:log-group:${logGroupNames(project, other(stage)).service}:log-stream:i-0123456789abcdef0`,
      `write ${other(stage)} logs`,
    );
    deny(host, 'codedeploy:CreateDeployment', arns(stage).deploymentGroup, 'deploy from a host');
    deny(host, 'codedeploy:GetDeploymentGroup', them.deploymentGroup, `read the ${other(stage)} group`);
    deny(host, 'cloudformation:UpdateStack', arns(stage).stageStack, 'change its stack');
    deny(host, 'iam:PassRole', roleArn(deployRoleName(project, stage)), 'pass a deploy role');
    for (const namespace of [hostMetricsNamespace(project, other(stage)), 'AWS/ApplicationELB']) {
      deny(host, 'cloudwatch:PutMetricData', '*', `publish metrics into ${namespace}`, {
        context: { 'cloudwatch:namespace': namespace },
      });
    }
  }
  // Prod deploys the object staging published, byte for byte: it can never overwrite it.
  deny(deployRole('prod'), 's3:PutObject', release, 'overwrite the release staging published', {
    context: { 's3:ResourceAccount': account },
  });
  // Pull requests run any contributor's code: templates only, never data or deploy rights.
  deny(pullRequestRole, 's3:GetObject', release, 'read a release');
  deny(pullRequestRole, 'cloudformation:DescribeStacks', arns('prod').stageStack, 'read a stage stack directly');
  for (const name of [deployRoleName(project, 'staging'), deployRoleName(project, 'prod')])
    deny(pullRequestRole, 'sts:AssumeRole', roleArn(name), 'assume a deploy role');
  for (const qualifier of [q('staging'), q('prod'), 'hnb659fds']) {
    for (const kind of ['deploy', 'lookup'])
      deny(pullRequestRole, 'sts:AssumeRole', bootstrapRole(qualifier, kind), `a bootstrap ${kind} role`, {
        resourcePolicy: accountTrust,
      });
  }
  // The machine-image workflow reads public image data and nothing of the account.
  deny(machineImagesRole, 's3:GetObject', release, 'read a release');
  deny(
    machineImagesRole,
    'ssm:GetParameter',
    `arn:aws:ssm:${region}:${account}:parameter/cdk-bootstrap/${q('prod')}/version`,
    'read a parameter of the account',
  );
  deny(machineImagesRole, 'cloudformation:DescribeStacks', arns('prod').stageStack, 'read a stack');
  deny(machineImagesRole, 'sts:AssumeRole', roleArn(deployRoleName(project, 'staging')), 'assume a deploy role');
  deny(machineImagesRole, 'ec2:RunInstances', `arn:aws:ec2:${region}:${account}:instance/*`, 'launch an instance');
  deny(diffRole, 's3:GetObject', release, 'read a release');
  deny(
    diffRole,
    'logs:GetLogEvents',
    `arn:aws:logs:${region}:${account}:log-group:${logGroupNames(project, 'prod').service}:log-stream:i-0123456789abcdef0`,
    'read prod logs',
  );
  deny(diffRole, 'cloudformation:UpdateStack', arns('prod').stageStack, 'change a stack');
  deny(diffRole, 'cloudformation:CreateChangeSet', arns('prod').stageStack, 'create a change set');
  return requests;
}

t.test('every SDK call in the release CLI source maps to IAM permissions', async (t) => {
  t.ok(foundCalls.length >= 5, `found ${foundCalls.length} calls in ${RELEASE_CLI_SOURCE_DIRS.join(', ')}`);
  t.comment(
    `release CLI calls found in its source:\n${foundCalls.map((c) => `${c.operation}  ${c.files.join(', ')}`).join('\n')}`,
  );
  // A call without a mapping throws here: add its action and resource to release-cli-permissions.ts.
  for (const call of sdkCalls)
    t.doesNotThrow(() => cliPermissions(call.operation, arns('staging'), { publishes: true }), call.operation);
});

t.test('allowed: every call each principal must make', async (t) => {
  const requests = allowedRequests();
  const lines: string[] = [];
  for (const request of requests) {
    const result = await simulate(request);
    t.equal(result, 'Allowed', describeRequest(request));
    lines.push(`${result === 'Allowed' ? 'ALLOW' : `FAIL (${result})`}  ${describeRequest(request)}`);
  }
  t.comment(`allowed (${requests.length}):\n${lines.join('\n')}`);
});

t.test('denied: other stages, releases, deploy roles, the foundation, writes from hosts', async (t) => {
  const requests = deniedRequests();
  const lines: string[] = [];
  for (const request of requests) {
    const result = await simulate(request);
    t.not(result, 'Allowed', describeRequest(request));
    lines.push(
      `${result === 'Allowed' ? 'FAIL (Allowed)' : `DENY (${result === 'ExplicitlyDenied' ? 'explicit' : 'implicit'})`}  ${describeRequest(request)}`,
    );
  }
  t.comment(`denied (${requests.length}):\n${lines.join('\n')}`);
});

t.test("settings and secrets: a host reads its own stage's parameters only, and nobody else reads them", async (t) => {
  const where = { project, account, region };
  const requests: { request: SimulatedRequest; expect: 'Allowed' | 'denied' }[] = [];
  for (const stage of ['staging', 'prod'] as const) {
    // Simulated with AmazonSSMManagedInstanceCore's grant on every parameter, which the role carries.
    const host = withManagedInstanceCore(hostRole(stage));
    for (const request of allowedParameterRequests(where, host, stage)) requests.push({ request, expect: 'Allowed' });
    for (const request of deniedParameterRequests(where, host, stage)) requests.push({ request, expect: 'denied' });
    // The pipeline's and pull requests' roles never see a value (nothing can reach the Actions log).
    const secret = `arn:aws:ssm:${region}:${account}:parameter${parameterPath(project, stage)}api-token`;
    for (const principal of [deployRole('staging'), deployRole('prod'), pullRequestRole, diffRole])
      requests.push({
        request: { principal, action: 'ssm:GetParameter', resource: secret, why: `read a ${stage} secret` },
        expect: 'denied',
      });
  }
  const lines: string[] = [];
  for (const { request, expect } of requests) {
    const result = await simulate(request);
    if (expect === 'Allowed') t.equal(result, 'Allowed', describeRequest(request));
    else t.not(result, 'Allowed', describeRequest(request));
    lines.push(
      `${result === 'Allowed' ? 'ALLOW' : result === 'ExplicitlyDenied' ? 'DENY (explicit)' : 'DENY (implicit)'}  ${describeRequest(request)}`,
    );
  }
  t.comment(`settings and secrets (${requests.length}):\n${lines.join('\n')}`);
});

t.test('the roles each stage may assume are disjoint, apart from the read-only diff role', async (t) => {
  const assumable = (stage: StageName) =>
    new Set(
      allowedRequests()
        .filter((r) => r.principal.label === `deploy-${stage}` && r.action === 'sts:AssumeRole')
        .map((r) => r.resource),
    );
  const shared = [...assumable('staging')].filter((arn) => assumable('prod').has(arn));
  t.same(shared, [roleArn(diffRoleName(project))]);
  // And that shared role reads no data: only DescribeStacks/GetTemplate and the bootstrap version.
  const actions = new Set(
    diffRole.identityPolicies.flatMap((p) => p.policy.Statement.flatMap((s) => [s.Action].flat())),
  );
  t.same([...actions].sort(), ['cloudformation:DescribeStacks', 'cloudformation:GetTemplate', 'ssm:GetParameter']);
});

t.test('AWS managed policies that the simulation cannot see are only the Session Manager one on hosts', async (t) => {
  // The simulator knows nothing of AWS managed policies' documents; keep them to the one Session Manager needs.
  for (const stage of ['staging', 'prod'] as const) {
    t.same(stageTemplate(stage).awsManagedPolicyArns(stageTemplate(stage).roleNameOfService('ec2.amazonaws.com')), [
      'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
    ]);
  }
});
