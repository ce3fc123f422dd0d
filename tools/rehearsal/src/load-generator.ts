// Continuous HTTPS requests through the load balancer during the rehearsal: counts every request
// sent and every failure (a non-2xx answer or a socket error), and which versions answered.
import { Agent, request } from 'node:https';

export interface LoadCounts {
  sent: number;
  failed: number;
  readonly versions: Record<string, number>;
  /** The first few failures, for the report. */
  readonly failures: string[];
}

export interface LoadOptions {
  readonly port: number;
  readonly path: string;
  /** CA that signed the load balancer's certificate (the rehearsal's own). */
  readonly ca: string;
  /** @default 4 */
  readonly concurrency?: number;
  /** Pause between one worker's requests; leaves CPU for the deployment. @default 5 */
  readonly pauseMs?: number;
  /** @default 5000 */
  readonly timeoutMs?: number;
}

export const emptyCounts = (): LoadCounts => ({ sent: 0, failed: 0, versions: {}, failures: [] });

export class LoadGenerator {
  private counts = emptyCounts();
  private running = false;
  private workers: Promise<void>[] = [];
  private readonly agent: Agent;
  private readonly o: LoadOptions;

  constructor(o: LoadOptions) {
    this.o = o;
    this.agent = new Agent({ keepAlive: true, maxSockets: o.concurrency ?? 4, ca: o.ca, servername: 'localhost' });
  }

  private once(): Promise<void> {
    const c = this.counts;
    c.sent++;
    return new Promise((resolve) => {
      const fail = (why: string): void => {
        c.failed++;
        if (c.failures.length < 5) c.failures.push(why);
        resolve();
      };
      const req = request(
        {
          host: '127.0.0.1',
          port: this.o.port,
          path: this.o.path,
          agent: this.agent,
          timeout: this.o.timeoutMs ?? 5000,
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (body += d));
          res.on('error', (e) => fail(`response: ${e.message}`));
          res.on('end', () => {
            const status = res.statusCode!;
            if (status < 200 || status > 299) return fail(`HTTP ${status}: ${body.replace(/\s+/g, ' ').slice(0, 120)}`);
            let version: string;
            try {
              version = String((JSON.parse(body) as { version?: unknown }).version);
            } catch {
              return fail(`HTTP ${status} without JSON: ${body.slice(0, 120)}`);
            }
            c.versions[version] = (c.versions[version] ?? 0) + 1;
            resolve();
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (e) => fail(`socket: ${e.message}`));
      req.end();
    });
  }

  start(): void {
    this.running = true;
    const pause = this.o.pauseMs ?? 5;
    this.workers = Array.from({ length: this.o.concurrency ?? 4 }, async () => {
      while (this.running) {
        await this.once();
        await new Promise((r) => setTimeout(r, pause));
      }
    });
  }

  /** Counts since the last call (requests still in flight land in the next window). */
  takeCounts(): LoadCounts {
    const counts = this.counts;
    this.counts = emptyCounts();
    return counts;
  }

  async stop(): Promise<LoadCounts> {
    this.running = false;
    await Promise.all(this.workers);
    this.agent.destroy();
    return this.takeCounts();
  }
}
