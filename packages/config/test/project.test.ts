import t from 'tap';
import { STAGE_NAMES } from '../src/define-project.ts';
import { project } from '../src/project.ts';
import { SERVICE_ENV } from '../src/service-env.ts';
import { stageParameters } from '../src/stage-parameters.ts';

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
