// The deployment of the scenarios whose revision fails at one step on the first host (a hook that
// hangs, an object that is not the one published): run by the matrix itself, like the scenarios.
import { currentOf } from '../row-checks.ts';
import type { Stage, StageDeployment, StageHost } from '../stage.ts';

/**
 * Deploys `zip` to the stage for a revision that fails at `step` on `target`: when that step
 * starts there is the fault's time, and what `current` was when the rollback reached the host
 * (its ApplicationStop) shows whether the failed revision ever switched it.
 */
export async function deployFailingAt(
  stage: Stage,
  target: StageHost,
  zip: Uint8Array,
  step: string,
): Promise<{ d: StageDeployment; faultAt: number; atFailure: string }> {
  let faultAt = performance.now();
  let atFailure = '';
  const d = await stage.deploy(zip, (host, phase) => {
    if (host !== target) return undefined;
    return phase === 'deploy'
      ? { beforeStep: (s) => void (s === step && (faultAt = performance.now())) }
      : { beforeStep: (s) => void (s === 'ApplicationStop' && (atFailure = currentOf(host))) };
  });
  return { d, faultAt, atFailure };
}
