// One stage for the fault matrix: hosts on 127.0.0.1 (stage-host.ts), haproxy with spare slots
// for replacement hosts, load through it for the whole run, and a stand-in CodeDeploy whose every
// deployment is kept in a DeploymentBook and served by the fake AWS API to the real release CLI.
import { join } from 'node:path';
import { project } from '@hello/config/project';
import { ALB_IDLE_TIMEOUT_SECONDS, VERSION_PATH } from '@hello/config/constants';
import type { CodeDeployAgent } from '../code-deploy-agent.ts';
import { Haproxy } from '../haproxy.ts';
import { LoadGenerator } from '../load-generator.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePorts } from '@hello/cli-kit/free-port';
import { probeVersion, selfSignedPem, unitAndSocket } from '../rehearsal-support.ts';
import { rollOut, type Rollout } from '../rolling-deploy.ts';
import { deployHost, trafficTiming, type HostDeployOptions, type TrafficTiming } from '../traffic-control.ts';
import { releaseVersionOf } from '../release-zip.ts';
import { DeploymentBook } from './deployment-book.ts';
import { startFakeAwsApi, type FakeAwsApi } from './fake-aws-api.ts';
import { openHost, type HostSetup, type StageHost } from './stage-host.ts';

export type { StageHost } from './stage-host.ts';

export interface StageOptions extends HostSetup {
  readonly hosts: number;
  /** Slots for hosts launched to replace others. */
  readonly spares: number;
  /** Every deployment skips the drain: traffic control broken on purpose. */
  readonly skipBlockTraffic?: boolean;
  readonly log: (line: string) => void;
}

/** A fault for one host of a deployment: what its deployment options add. */
export type HostFault = (
  host: StageHost,
  phase: 'deploy' | 'rollback',
) => Omit<HostDeployOptions, 'onEvent'> | undefined;

export interface StageDeployment {
  readonly deploymentId: string;
  readonly rollbackId?: string;
  readonly rollout: Rollout;
}

export class Stage {
  readonly active: StageHost[] = [];
  readonly book = new DeploymentBook();
  readonly timing: TrafficTiming;
  private readonly spares: { name: string; port: number }[];
  private readonly o: StageOptions;
  readonly lb: Haproxy;
  readonly load: LoadGenerator;
  api: FakeAwsApi | undefined;
  /** The last revision every host got: what a rollback or a new host receives. */
  lastGood: Uint8Array = new Uint8Array();

  get lastGoodVersion(): string {
    return releaseVersionOf(this.lastGood);
  }

  private constructor(o: StageOptions, ports: number[], ca: string, certPem: string) {
    this.o = o;
    this.timing = trafficTiming(o.timeScale);
    const [frontendPort, ...hostPorts] = ports;
    const slots = hostPorts.map((port, i) => ({ name: `h${i + 1}`, port }));
    this.spares = slots.slice(o.hosts);
    for (const slot of slots.slice(0, o.hosts)) this.active.push(openHost(o, slot.name, slot.port));
    this.lb = new Haproxy(
      {
        frontendPort: frontendPort!,
        certPem,
        adminSocket: join(o.workDir, 'lb.sock'),
        servers: slots.map((s, i) => ({ ...s, disabled: i >= o.hosts })),
        timeScale: o.timeScale,
        idleTimeoutSeconds: ALB_IDLE_TIMEOUT_SECONDS,
      },
      join(o.workDir, 'haproxy.cfg'),
    );
    this.load = new LoadGenerator({ port: frontendPort!, path: VERSION_PATH, ca });
  }

  static async create(o: StageOptions): Promise<Stage> {
    const ports = await freePorts(1 + o.hosts + o.spares);
    const certPem = join(o.workDir, 'haproxy.pem');
    const stage = new Stage(o, ports, selfSignedPem(certPem), certPem);
    stage.api = await startFakeAwsApi(stage.book, project.aws.account);
    return stage;
  }

  /**
   * The first deployment to every host, one after the other (the hosts share this machine's
   * account database, which on AWS each host has of its own), before any traffic; then the
   * balancer and the load.
   */
  async open(zip: Uint8Array): Promise<void> {
    for (const h of this.active) {
      const r = await h.agent.deploy(zip);
      if (!r.ok) throw new Error(`the first deployment failed on ${h.name}:\n${r.output}`);
    }
    this.lastGood = zip;
    await this.lb.start();
    for (const h of this.active)
      await this.lb.waitFor(h.name, 'healthy', (s) => s.status === 'UP', this.timing.healthyMs * 2);
    this.load.start();
  }

  /**
   * A OneAtATime deployment of `zip` with CodeDeploy's automatic rollback, recorded in the book.
   * Hosts out of service go first: taking a healthy one out while another is already down would
   * leave fewer healthy hosts than OneAtATime keeps (all but one).
   */
  async deploy(zip: Uint8Array, fault?: HostFault, skipBlockTraffic = false): Promise<StageDeployment> {
    const stats = await this.lb.stats();
    const inService = (h: StageHost): boolean => stats.get(h.name)?.status === 'UP';
    const order = [...this.active.filter((h) => !inService(h)), ...this.active.filter(inService)];
    const agents = order.map((h) => h.agent);
    const deploymentId = this.book.create(
      this.o.applicationName,
      this.o.stage,
      agents.map((a) => a.host.name),
    );
    let rollbackId: string | undefined;
    const hostOf = (agent: CodeDeployAgent): StageHost => order.find((h) => h.agent === agent)!;
    const rollout = await rollOut({
      lb: this.lb,
      agents,
      zip,
      previousZip: this.lastGood,
      timing: this.timing,
      exists: (agent) => this.active.some((h) => h.agent === agent),
      hostOptions: (agent, phase) => ({
        ...fault?.(hostOf(agent), phase),
        skipBlockTraffic: (skipBlockTraffic && phase === 'deploy') || this.o.skipBlockTraffic === true,
        onEvent: (event, status, diagnostics) =>
          this.book.event(phase === 'deploy' ? deploymentId : rollbackId!, agent.host.name, event, status, diagnostics),
      }),
      onHost: (r) => {
        if (r.deployment.lost === true) this.book.lost(deploymentId, r.host);
        this.o.log(`    ${r.host} ${r.ok ? 'ok' : `FAILED in ${r.failed}`}`);
      },
      onRollbackStart: (hosts) => {
        this.book.finish(deploymentId, 'Failed');
        rollbackId = this.book.create(
          this.o.applicationName,
          this.o.stage,
          hosts.map((a) => a.host.name),
        );
      },
      onRollbackHost: (r) => this.o.log(`    rollback ${r.host} ${r.ok ? 'ok' : `FAILED in ${r.failed}`}`),
    });
    if (rollbackId === undefined) this.book.finish(deploymentId, rollout.status);
    else this.book.finish(rollbackId, rollout.rollback?.ok === true ? 'Succeeded' : 'Failed');
    // CodeDeploy's last successful revision, which new hosts get, follows its own verdict.
    if (rollout.status === 'Succeeded') this.lastGood = zip;
    return { deploymentId, ...(rollbackId === undefined ? {} : { rollbackId }), rollout };
  }

  /**
   * A host launched to replace one (Auto Scaling): a new tree in a spare slot, given the last
   * good revision by a deployment of its own (CodeDeploy's launch lifecycle hook), then in service.
   */
  async launch(): Promise<{ host: StageHost; ok: boolean }> {
    const slot = this.spares.shift();
    if (slot === undefined) throw new Error('no spare slot left for a new host');
    const host = openHost(this.o, slot.name, slot.port);
    const id = this.book.create(this.o.applicationName, this.o.stage, [host.name]);
    const r = await deployHost(this.lb, host.agent, this.lastGood, this.timing, {
      onEvent: (event, status, diagnostics) => this.book.event(id, host.name, event, status, diagnostics),
    });
    this.book.finish(id, r.ok ? 'Succeeded' : 'Failed');
    if (r.ok) this.active.push(host);
    return { host, ok: r.ok };
  }

  /** The host dies at once: every process of it killed, out of the balancer, off the stage. */
  async terminate(host: StageHost): Promise<void> {
    host.kill();
    await this.lb.setState(host.name, 'maint');
    this.active.splice(this.active.indexOf(host), 1);
  }

  /** The version each host on the stage answers right now. */
  async serving(): Promise<Record<string, string>> {
    const answers = await Promise.all(this.active.map(async (h) => [h.name, await probeVersion(h.layout.port)]));
    return Object.fromEntries(answers) as Record<string, string>;
  }

  /** When every host on the stage is in service and serves `version`, or undefined after `boundMs`. */
  async waitWhole(version: string, boundMs: number): Promise<number | undefined> {
    const deadline = performance.now() + boundMs;
    while (performance.now() < deadline) {
      const stats = await this.lb.stats();
      const up = this.active.every((h) => stats.get(h.name)?.status === 'UP');
      if (up && Object.values(await this.serving()).every((v) => v === version)) return performance.now();
      await sleep(50);
    }
    return undefined;
  }

  /** Every unit stopped as systemd would, the balancer and the fake API closed. */
  async close(): Promise<void> {
    await this.load.stop();
    // The service, then its socket unit (the same name: deploy/hello.socket), as a shutdown does.
    for (const h of this.active) for (const unit of unitAndSocket(this.o.unitName)) h.ctl('stop', unit);
    this.lb.stop();
    await this.api?.close();
  }

  get apiUrl(): string {
    return this.api!.url;
  }
}
