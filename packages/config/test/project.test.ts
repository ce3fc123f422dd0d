import t from 'tap';
import { STAGE_NAMES } from '../src/define-project.ts';
import { project } from '../src/project.ts';

// The shipped settings must load: every command and the synth start from them.
t.test('the shipped project settings are valid and cover every stage', async (t) => {
  t.same(Object.keys(project.stages).sort(), [...STAGE_NAMES].sort());
  t.ok(Object.isFrozen(project), 'settings cannot be changed at run time');
  // prod keeps serving while one host is replaced, as the seed guide's OneAtATime does.
  t.equal(project.stages.prod.deploymentConfig, 'CodeDeployDefault.OneAtATime');
  t.ok(project.stages.prod.capacity.min >= 2, 'prod keeps two hosts across two AZs');
});
