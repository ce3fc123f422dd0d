// The resource-type check on its own: which call each type needs, and the boundary's say. The real
// app with a disallowed queue is in stage-operations.test.ts.
import t from 'tap';
import { CfnResource, Stack } from 'aws-cdk-lib';
import { Effect, ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { createActionOf, stageResourceTypeProblems } from '../../src/stacks/stage-resource-types.ts';
import { scratchStack } from '../helpers/scratch-stack.ts';

t.test('the create call of a type: its service prefix, the known exceptions, custom resources', async (t) => {
  t.equal(createActionOf('AWS::SQS::Queue'), 'sqs:CreateQueue');
  t.equal(createActionOf('AWS::ElasticLoadBalancingV2::Listener'), 'elasticloadbalancing:CreateListener');
  // Types whose create call is not Create<Type> carry it in the table.
  t.equal(createActionOf('AWS::SSM::Parameter'), 'ssm:PutParameter');
  // A custom resource is its provider function being invoked.
  t.equal(createActionOf('Custom::VpcRestrictDefaultSG'), 'lambda:InvokeFunction');
  // CDK's metadata resource is CloudFormation's own business.
  t.equal(createActionOf('AWS::CDK::Metadata'), undefined);
});

t.test('a type is allowed by a matching action of the policy unless the boundary denies it outright', async (t) => {
  const stack = scratchStack();
  for (const type of ['AWS::SQS::Queue', 'AWS::SSM::Parameter', 'AWS::DynamoDB::Table', 'AWS::CDK::Metadata'])
    new CfnResource(stack, type.replace(/:/g, ''), { type });
  // The policies live in the foundation, not in the stage being checked.
  const foundation = new Stack(stack.node.scope, 'Foundation');
  const executionPolicy = new ManagedPolicy(foundation, 'Exec', {
    statements: [
      new PolicyStatement({ actions: ['SQS:*', 'ssm:GetParameter'], resources: ['*'] }),
      new PolicyStatement({ actions: ['dynamodb:Create*'], resources: ['*'] }),
    ],
  });
  const boundary = new ManagedPolicy(foundation, 'Boundary', {
    statements: [
      new PolicyStatement({ actions: ['*'], resources: ['*'] }),
      new PolicyStatement({ effect: Effect.DENY, actions: ['dynamodb:*'], resources: ['*'] }),
      // NotAction statements name no action to match (the stage's boundary has none).
      new PolicyStatement({ effect: Effect.DENY, notActions: ['*'], resources: ['*'] }),
      // A conditional deny leaves the type to the resource-level rules.
      new PolicyStatement({
        effect: Effect.DENY,
        actions: ['sqs:*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:ResourceTag/stage': 'prod' } },
      }),
    ],
  });
  const problems = stageResourceTypeProblems(stack, {
    executionPolicy,
    executionPolicyName: 'exec-staging',
    boundary,
    foundationStackName: 'app-foundation',
  });
  t.equal(problems.length, 2);
  t.match(problems[0], /creates AWS::DynamoDB::Table, .*needs dynamodb:CreateTable, which the stage boundary denies\)/);
  t.match(
    problems[1],
    /creates AWS::SSM::Parameter, which its CDK execution policy exec-staging does not allow \(CloudFormation needs ssm:PutParameter\)/,
  );
  t.match(problems[1], 'pnpm infra:deploy app-foundation');
});
