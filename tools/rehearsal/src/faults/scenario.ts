// What a fault scenario is, and the checks every row of the matrix shares.
import type { LoadCounts } from '../load-generator.ts';
import type { SsmStandIn } from '../ssm-stand-in.ts';
import type { CliRun } from './release-watch.ts';
import type { Stage } from './stage.ts';

export interface Check {
  readonly what: string;
  readonly ok: boolean;
  /** What was seen, when it is not what the goal wants. */
  readonly seen?: string;
}

export const check = (what: string, ok: boolean, seen?: string): Check => ({
  what,
  ok,
  ...(ok || seen === undefined ? {} : { seen }),
});

/** What a scenario hands back to the matrix. */
export interface ScenarioOutcome {
  /** Why the scenario does not apply to this project (it ran nothing). */
  readonly skipped?: string;
  /** When the fault hit (performance.now()); whole-stage time counts from here. */
  readonly faultAt: number;
  /** What every host must serve at the end. */
  readonly version: string;
  /** The deployment the release CLI watches, and what it must report. */
  readonly watch?: {
    readonly deploymentId: string;
    readonly expect: 'Succeeded' | 'Failed';
    /** The host, the lifecycle event and a word of the cause the CLI must name on failure. */
    readonly names?: readonly string[];
  };
  /** Most failed requests the goal allows; undefined: not a goal of this scenario. */
  readonly maxFailed: number | undefined;
  readonly checks: readonly Check[];
}

export interface ScenarioContext {
  readonly stage: Stage;
  /** The release zip the rehearsal was given, and its version. */
  readonly release: { readonly zip: Uint8Array; readonly version: string };
  readonly unitName: string;
  /** The unit's path inside the release. */
  readonly unitPath: string;
  /** The SSM stand-in, when project.ts names settings or secrets the hosts read. */
  readonly ssm?: SsmStandIn;
  readonly timeScale: number;
  readonly log: (line: string) => void;
}

export interface Scenario {
  readonly id: string;
  /** The fault, as a person on call would name it. */
  readonly fault: string;
  readonly goal: string;
  /** What of AWS's own behaviour the stand-in cannot reproduce, and the documentation of it. */
  readonly notReproduced?: string;
  /** Its goal is broken on purpose: the run fails unless the matrix sees it fail. */
  readonly control?: boolean;
  run(ctx: ScenarioContext): Promise<ScenarioOutcome>;
}

/** One row of the matrix. */
export interface MatrixRow {
  readonly scenario: Scenario;
  readonly outcome: ScenarioOutcome;
  readonly load: LoadCounts;
  readonly serving: Readonly<Record<string, string>>;
  /** Fault to whole stage; undefined when it was not whole within the bound. */
  readonly wholeMs: number | undefined;
  readonly cli?: CliRun;
  readonly checks: readonly Check[];
}
