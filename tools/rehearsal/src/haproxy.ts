// Runs haproxy in the foreground and talks to its admin socket (the runtime API).
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { BACKEND, haproxyConfig, type HaproxyConfigOptions } from './haproxy-config.ts';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ServerStat {
  /** UP, DOWN, DRAIN, MAINT, or a transition such as `UP 1/2`. */
  readonly status: string;
  /** Requests currently on the server. */
  readonly current: number;
}

/** Parses `show stat` CSV (first line `# pxname,svname,...`) into the backend's servers. */
export function parseStats(csv: string, backend = BACKEND): Map<string, ServerStat> {
  const [header = '', ...rows] = csv.trim().split('\n');
  const columns = header.replace(/^# /, '').split(',');
  const at = (name: string): number => {
    const i = columns.indexOf(name);
    if (i < 0) throw new Error(`haproxy stats have no ${name} column`);
    return i;
  };
  const [px, sv, status, scur] = [at('pxname'), at('svname'), at('status'), at('scur')];
  const servers = new Map<string, ServerStat>();
  for (const cells of rows.map((r) => r.split(','))) {
    if (cells[px] === backend && cells[sv] !== 'BACKEND') {
      servers.set(cells[sv]!, { status: cells[status]!, current: Number(cells[scur]) });
    }
  }
  return servers;
}

export class Haproxy {
  private process: ChildProcess | undefined;
  private output = '';

  private readonly options: HaproxyConfigOptions;
  private readonly configFile: string;

  constructor(options: HaproxyConfigOptions, configFile: string) {
    this.options = options;
    this.configFile = configFile;
  }

  async start(): Promise<void> {
    writeFileSync(this.configFile, haproxyConfig(this.options));
    const child = spawn('haproxy', ['-db', '-f', this.configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.process = child;
    child.stdout.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (this.output += d.toString()));
    for (let i = 0; i < 100; i++) {
      if (child.exitCode !== null) throw new Error(`haproxy exited with ${child.exitCode}:\n${this.output}`);
      try {
        await this.command('show info');
        return;
        /* c8 ignore start */
      } catch {
        // Taken when haproxy is slower than the first look, and the throw below only by a hung
        // haproxy: timing, not logic, so not reproducible in a test.
        await sleep(50);
      }
    }
    throw new Error(`haproxy did not open its admin socket:\n${this.output}`);
  }
  /* c8 ignore stop */

  /** Sends one runtime API command and returns the answer. */
  command(line: string): Promise<string> {
    return new Promise((resolve, reject) => {
      let answer = '';
      const socket = connect(this.options.adminSocket, () => socket.end(`${line}\n`));
      socket.setEncoding('utf8');
      socket.on('data', (d: string) => (answer += d));
      socket.on('error', reject);
      socket.on('close', () => resolve(answer));
    });
  }

  async stats(): Promise<Map<string, ServerStat>> {
    return parseStats(await this.command('show stat'));
  }

  /** ready (in rotation), drain (no new requests) or maint (out, no health checks counted). */
  async setState(server: string, state: 'ready' | 'drain' | 'maint'): Promise<void> {
    const answer = await this.command(`set server ${BACKEND}/${server} state ${state}`);
    if (answer.trim() !== '')
      throw new Error(`haproxy refused 'set server ${server} state ${state}': ${answer.trim()}`);
  }

  /** Polls until `done` holds for the server's stat, or throws after `timeoutMs`. */
  async waitFor(
    server: string,
    what: string,
    done: (s: ServerStat) => boolean,
    timeoutMs: number,
  ): Promise<ServerStat> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const stat = (await this.stats()).get(server);
      if (stat !== undefined && done(stat)) return stat;
      if (performance.now() > deadline)
        throw new Error(`${server} not ${what} after ${timeoutMs} ms (status ${stat?.status ?? 'unknown'})`);
      await sleep(50);
    }
  }

  stop(): void {
    if (this.process?.exitCode === null) this.process.kill('SIGTERM');
  }
}
