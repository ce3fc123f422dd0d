import t from 'tap';
import { defineProject } from '../src/define-project.ts';
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
