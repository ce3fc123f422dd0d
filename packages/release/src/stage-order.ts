// The order releases move through the stages: the order of `stages` in the project's settings.
import type { StageName } from '@hello/config/define-project';
import { project } from '@hello/config/project';
import { UsageError } from '@hello/cli-kit/cli-error';

/** Stage names in the order they are configured in packages/config/src/project.ts. */
export function stageOrder(): StageName[] {
  return Object.keys(project.stages) as StageName[];
}

/** The stage a release must have succeeded in before it reaches `stage`; undefined for the first. */
export function stageBefore(stage: StageName): StageName | undefined {
  const order = stageOrder();
  return order[order.indexOf(stage) - 1];
}

/** Promotion moves a release one stage forward: `to` must be the stage right after `from`. */
export function assertNextStage(from: StageName, to: StageName): void {
  if (stageBefore(to) === from) return;
  const order = stageOrder().join(' → ');
  const why = from === to ? `--from and --to are both ${from}` : `${to} is not the stage after ${from}`;
  throw new UsageError(`promote: ${why}; releases move forward one stage at a time in the configured order: ${order}`);
}
