// `pnpm rehearse`: a real rolling deployment on this machine. Hosts on 127.0.0.1 behind haproxy,
// revision A everywhere, revision B (the packaged artifact) rolled out one host at a time under
// load, then a broken revision that must stop the rollout and be rolled back, all without one
// failed request.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALB_IDLE_TIMEOUT_SECONDS, SERVICE_NAME, VERSION_PATH } from '@hello/config/constants';
import { CodeDeployAgent } from './code-deploy-agent.ts';
import { Haproxy } from './haproxy.ts';
import { hookOverrides, hostLayout } from './host-layout.ts';
import { LoadGenerator, type LoadCounts } from './load-generator.ts';
import { failureSummary, formatCounts, formatHost, seconds, tail } from './report.ts';
import { rollOut, type Rollout } from './rolling-deploy.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePorts } from '@hello/cli-kit/free-port';
import { probeVersion, reachableNode, selfSignedPem, unitAndSocket } from './rehearsal-support.ts';
import { hostValuesOf, releaseVersionOf, withBrokenServer, withVersion } from './release-zip.ts';
import { MOTO_SERVER, rehearsalValues, startSsmStandIn } from './ssm-stand-in.ts';
import type { StageName } from '@hello/config/define-project';
import { trafficTiming } from './traffic-control.ts';

export interface RehearsalOptions {
  /** Everything the rehearsal writes goes below it (removed by whoever made it). */
  readonly workDir: string;
  /** This package's src: the supervisor (service-ctl.sh) lives there. */
  readonly toolDir: string;
  /** The packaged artifact to roll out (revision B). */
  readonly revisionZip: string;
  readonly hosts: number;
  /** Health check interval, timeout and draining divided by this (ratios kept). */
  readonly timeScale: number;
  readonly stage: string;
  readonly applicationName: string;
  readonly log: (line: string) => void;
}

export interface RehearsalResult {
  readonly ok: boolean;
  readonly rolling: { readonly rollout: Rollout; readonly load: LoadCounts };
  readonly broken: { readonly rollout: Rollout; readonly load: LoadCounts };
  readonly problems: readonly string[];
}

/** A value of the release's hooks/host.env, which the packager rendered from @hello/config. */
function hostValue(values: Readonly<Record<string, string>>, key: string): string {
  const value = values[key];
  if (value === undefined) throw new Error(`the release's hooks/host.env has no ${key}`);
  return value;
}

export async function rehearse(o: RehearsalOptions): Promise<RehearsalResult> {
  const work = o.workDir;
  o.log(`work directory ${work}`);
  const nodeBin = reachableNode(work);
  const timing = trafficTiming(o.timeScale);
  const zipB = readFileSync(o.revisionZip);
  const versionB = releaseVersionOf(zipB);
  const values = hostValuesOf(zipB);
  const unitName = hostValue(values, 'UNIT_NAME');
  const validateSeconds = Number(hostValue(values, 'VALIDATE_TIMEOUT_SECONDS'));
  // Revision A: the same release under another version. The broken one: its server exits at start.
  const zipA = withVersion(zipB, 'rehearsal-a');
  const zipBroken = withBrokenServer(zipB, 'rehearsal-broken', `deploy/${unitName}`);
  o.log(
    `revisions: A rehearsal-a, B ${versionB} (${o.revisionZip}, ${(zipB.byteLength / 1024).toFixed(1)} KiB), broken rehearsal-broken (both made from B)`,
  );

  const parameters = rehearsalValues(o.stage as StageName);
  const ssm = parameters.length === 0 ? undefined : await startSsmStandIn(parameters, MOTO_SERVER);
  const [frontendPort, ...ports] = await freePorts(o.hosts + 1);
  const serviceCtl = join(o.toolDir, 'service-ctl.sh');
  const agents = ports.map((port, i) => {
    const host = hostLayout(join(work, 'hosts'), `h${i + 1}`, port);
    mkdirSync(host.dir, { recursive: true });
    const overrides = hookOverrides(host, {
      serviceCtl,
      nodeBin,
      // The unit's own User=: BeforeInstall creates it on this machine as on a new instance.
      user: SERVICE_NAME,
      validateTimeoutSeconds: Math.ceil(validateSeconds / o.timeScale),
    });
    return new CodeDeployAgent(host, {
      applicationName: o.applicationName,
      deploymentGroup: o.stage,
      overrides: { ...overrides, ...ssm?.env },
    });
  });

  const certPem = join(work, 'haproxy.pem');
  const ca = selfSignedPem(certPem);
  const lb = new Haproxy(
    {
      frontendPort: frontendPort!,
      certPem,
      adminSocket: join(work, 'lb.sock'),
      servers: agents.map((g) => ({ name: g.host.name, port: g.host.port })),
      timeScale: o.timeScale,
      idleTimeoutSeconds: ALB_IDLE_TIMEOUT_SECONDS,
    },
    join(work, 'haproxy.cfg'),
  );
  const load = new LoadGenerator({ port: frontendPort!, path: VERSION_PATH, ca });
  const problems: string[] = [];
  // Each service stops as systemd would stop it; whatever is left ends with the namespaces.
  const stopAll = (): void => {
    for (const agent of agents) {
      // The service, then its socket unit (the same name: deploy/hello.socket), as a shutdown does.
      for (const unit of unitAndSocket(unitName)) {
        try {
          execFileSync(serviceCtl, ['stop', unit], {
            env: { ...process.env, HELLO_UNIT_DIR: agent.host.unitDir, HELLO_SUPERVISOR_DIR: agent.host.supervisorDir },
            stdio: 'ignore',
          });
        } catch {
          // nothing was installed on this host
        }
      }
    }
    lb.stop();
  };
  try {
    o.log(`first deployment of A to ${agents.length} hosts (no traffic yet, no ApplicationStop):`);
    for (const agent of agents) {
      const d = await agent.deploy(zipA);
      o.log(`  ${agent.host.name}  ${d.ok ? 'ok' : `FAILED in ${d.failed}`}  port ${agent.host.port}`);
      if (!d.ok) throw new Error(`revision A failed on ${agent.host.name}:\n${tail(d.output, 30)}`);
    }
    await lb.start();
    for (const agent of agents)
      await lb.waitFor(agent.host.name, 'healthy', (s) => s.status === 'UP', timing.healthyMs * 2);
    o.log(`haproxy on https://127.0.0.1:${frontendPort}, all hosts healthy; load starts`);
    load.start();
    await sleep(1000);

    o.log(`rolling deployment of B, one host at a time:`);
    const rollingRollout = await rollOut({ lb, agents, zip: zipB, timing, onHost: (r) => o.log(formatHost(r)) });
    await sleep(1000);
    const rollingLoad = load.takeCounts();

    o.log(`broken revision (its ValidateService must fail, then the rollback deploys B to every host it touched):`);
    const brokenRollout = await rollOut({
      lb,
      agents,
      zip: zipBroken,
      previousZip: zipB,
      timing,
      onHost: (r) => {
        o.log(formatHost(r));
        if (!r.ok) o.log(`    ${r.failed} said (expected to fail):\n${failureSummary(r.deployment.output)}`);
      },
      onRollbackHost: (r) => o.log(`  rollback ${formatHost(r).trimStart()}`),
    });
    await sleep(1000);
    const brokenLoad = await load.stop();
    const rollback = brokenRollout.rollback;
    if (rollback !== undefined)
      o.log(
        `    rollback: ${rollback.hosts.length} host(s) back on B in ${seconds(rollback.ms)} (${rollback.ok ? 'ok' : 'FAILED'})`,
      );

    const serving = await Promise.all(agents.map(async (g) => [g.host.name, await probeVersion(g.host.port)] as const));
    o.log(`hosts now serve: ${serving.map(([h, v]) => `${h} ${v}`).join(', ')}`);
    if (!rollingRollout.ok) problems.push('the rolling deployment of B failed');
    if (rollingLoad.failed > 0) problems.push(`${rollingLoad.failed} requests failed during the rolling deployment`);
    if (brokenRollout.ok || brokenRollout.hosts.length !== 1)
      problems.push('the broken revision did not stop the rollout at the first host');
    if (rollback?.ok !== true || rollback.hosts.length !== brokenRollout.hosts.length)
      problems.push('the rollback did not restore B on every host the broken revision touched');
    if (brokenLoad.failed > 0)
      problems.push(`${brokenLoad.failed} requests failed during the broken revision's rollout`);
    for (const [h, v] of serving) if (v !== versionB) problems.push(`${h} serves ${v}, expected ${versionB}`);

    o.log('summary:');
    o.log(
      `  rolling deployment: ${agents.length} hosts in ${seconds(rollingRollout.ms)} (${rollingRollout.hosts.map((r) => `${r.host} ${seconds(r.ms)}`).join(', ')})`,
    );
    o.log(formatCounts('rolling deployment', rollingLoad));
    o.log(
      `  broken revision: stopped after ${brokenRollout.hosts.length} host, rolled back, ${seconds(brokenRollout.ms)} in all`,
    );
    o.log(formatCounts('broken revision', brokenLoad));
    return {
      ok: problems.length === 0,
      rolling: { rollout: rollingRollout, load: rollingLoad },
      broken: { rollout: brokenRollout, load: brokenLoad },
      problems,
    };
  } finally {
    await load.stop();
    stopAll();
    await ssm?.stop();
  }
}
