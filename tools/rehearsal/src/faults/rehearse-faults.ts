// The fault matrix on a stage of its own: revision A everywhere, then every scenario (see
// matrix-scenarios.ts) under load, then the table. Made from the release zip only, as the
// rehearsal is.
import { readFileSync } from 'node:fs';
import { SERVICE_NAME } from '@hello/config/constants';
import { reachableNode } from '../rehearsal-support.ts';
import { hostValuesOf, releaseVersionOf, withVersion } from '../release-zip.ts';
import { runMatrix, type MatrixResult } from './fault-matrix.ts';
import { MATRIX_SCENARIOS } from './matrix-scenarios.ts';
import { releaseWatch } from './release-watch.ts';
import { Stage } from './stage.ts';
import { MOTO_SERVER, rehearsalValues, startSsmStandIn } from '../ssm-stand-in.ts';
import type { StageName } from '@hello/config/define-project';

export interface FaultsOptions {
  readonly workDir: string;
  readonly serviceCtl: string;
  readonly revisionZip: string;
  readonly hosts: number;
  readonly timeScale: number;
  readonly stage: string;
  readonly applicationName: string;
  /** Scenario ids to run; all when empty. */
  readonly only: readonly string[];
  /** Traffic control without its drain in every deployment: the run must then fail. */
  readonly skipDrain: boolean;
  readonly log: (line: string) => void;
}

/** Longest wait for a whole stage after a scenario, before the time scale. */
const WHOLE_BOUND_SECONDS = 300;

export async function rehearseFaults(o: FaultsOptions): Promise<MatrixResult> {
  const zip = readFileSync(o.revisionZip);
  const version = releaseVersionOf(zip);
  const values = hostValuesOf(zip);
  const unitName = values.UNIT_NAME ?? `${SERVICE_NAME}.service`;
  const unknown = o.only.filter((id) => !MATRIX_SCENARIOS.some((s) => s.id === id));
  if (unknown.length > 0)
    throw new Error(
      `--only ${unknown.join(',')}: no such scenario; expected ${MATRIX_SCENARIOS.map((s) => s.id).join(', ')}`,
    );
  const parameters = rehearsalValues(o.stage as StageName);
  const ssm = parameters.length === 0 ? undefined : await startSsmStandIn(parameters, MOTO_SERVER);
  const stage = await Stage.create({
    workDir: o.workDir,
    serviceCtl: o.serviceCtl,
    nodeBin: reachableNode(o.workDir),
    unitName,
    validateSeconds: Number(values.VALIDATE_TIMEOUT_SECONDS ?? 60),
    hosts: o.hosts,
    spares: 1,
    timeScale: o.timeScale,
    stage: o.stage,
    applicationName: o.applicationName,
    user: SERVICE_NAME,
    skipBlockTraffic: o.skipDrain,
    ...(ssm === undefined ? {} : { hookEnv: ssm.env }),
    log: o.log,
  });
  try {
    o.log(`first deployment of A (B as rehearsal-a) to ${o.hosts} hosts, then haproxy and load`);
    await stage.open(withVersion(zip, 'rehearsal-a'));
    return await runMatrix({
      context: {
        stage,
        release: { zip, version },
        unitName,
        unitPath: `deploy/${unitName}`,
        timeScale: o.timeScale,
        log: o.log,
        ...(ssm === undefined ? {} : { ssm }),
      },
      scenarios: o.only.length === 0 ? MATRIX_SCENARIOS : MATRIX_SCENARIOS.filter((s) => o.only.includes(s.id)),
      wholeBoundMs: (WHOLE_BOUND_SECONDS * 1000) / o.timeScale,
      watch: (id) => releaseWatch(id, stage.apiUrl),
    });
  } finally {
    await stage.close();
    await ssm?.stop();
  }
}
