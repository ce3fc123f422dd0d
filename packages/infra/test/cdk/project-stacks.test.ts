import { bootstrapStackName, foundationStackName, stageStackName } from '@hello/config/naming';
import t from 'tap';
import { appStackNames, projectStacks } from '../../src/cdk/project-stacks.ts';
import { fixtureProject as project } from '../helpers/fixture-project.ts';

t.test('every stack comes before the stacks it needs, and each needed stack is one of them', (t) => {
  const stacks = projectStacks(project);
  const at = new Map(stacks.map((s, i) => [s.name, i]));
  for (const [i, stack] of stacks.entries()) {
    for (const need of stack.needs) t.ok((at.get(need) ?? -1) > i, `${stack.name} goes before ${need}`);
  }
  // A stage is deleted with its own bootstrap's execution role and carries the foundation's boundary.
  t.same(stacks.find((s) => s.name === stageStackName(project, 'prod'))?.needs, [
    bootstrapStackName(project, 'prod'),
    foundationStackName(project),
  ]);
  t.same(
    stacks
      .filter((s) => s.kind === 'app')
      .map((s) => s.name)
      .sort(),
    appStackNames(project).sort(),
  );
  t.end();
});
