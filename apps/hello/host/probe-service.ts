// ValidateService's probe: polls the local service over HTTPS until /healthz answers 200 and
// /version answers the expected version, or the deadline passes. The host's certificate is
// self-signed, and this only ever talks to 127.0.0.1, so it is not verified (getLocal).
import { getLocal } from '@hello/cli-kit/get-local';

export interface ProbeOptions {
  readonly port: number;
  readonly version: string;
  readonly healthPath: string;
  readonly versionPath: string;
  readonly timeoutMs: number;
  /** @default 250 */
  readonly intervalMs?: number;
  /** Progress lines (only when the observed state changes). */
  readonly log: (line: string) => void;
}

/** One look at the service: `ok`, or what is still wrong. */
export async function checkOnce(o: ProbeOptions, requestTimeoutMs: number): Promise<string> {
  try {
    const health = await getLocal(o.port, o.healthPath, requestTimeoutMs);
    if (health.status !== 200) return `${o.healthPath} answered ${health.status}`;
    const answer = await getLocal(o.port, o.versionPath, requestTimeoutMs);
    let version: unknown;
    try {
      version = (JSON.parse(answer.body) as { version?: unknown }).version;
    } catch {
      return `${o.versionPath} answered ${answer.status} without JSON`;
    }
    return answer.status === 200 && version === o.version
      ? 'ok'
      : `${o.versionPath} answered ${answer.status} with version ${JSON.stringify(version)}, waiting for ${JSON.stringify(o.version)}`;
  } catch (error) {
    return `not reachable: ${(error as Error).message}`;
  }
}

export async function probeService(o: ProbeOptions): Promise<boolean> {
  const deadline = Date.now() + o.timeoutMs;
  let last = '';
  for (;;) {
    const state = await checkOnce(o, Math.max(1, Math.min(2000, deadline - Date.now())));
    if (state !== last) o.log(state === 'ok' ? `healthy with version ${o.version}` : state);
    last = state;
    if (state === 'ok') return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 250));
  }
}
