// One smoke probe: which version `/version` reports and whether `/` answers 200.
import { VERSION_PATH } from '@hello/config/constants';
import type { HttpGet } from './http-get.ts';

export interface Probe {
  /** The version `/version` reported, if it answered JSON with a string `version`. */
  readonly version: string | undefined;
  readonly rootStatus: number | undefined;
  /** Human-readable state, e.g. `/version answers "abc"; / answers 200`. */
  readonly summary: string;
}

type Answer = { readonly status: number; readonly body: string } | { readonly error: string };

async function get(fetchFn: HttpGet, url: string, timeoutMs: number): Promise<Answer> {
  try {
    // fetch follows redirects by default (the load balancer's :80 answers 301 to https).
    const response = await fetchFn(url, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: 'application/json' },
    });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    // fetch wraps the reason (ECONNREFUSED, a bad certificate, a blocked port) in `cause`.
    const e = error as Error & { cause?: { code?: string; message?: string } };
    return { error: e.cause?.code ?? e.cause?.message ?? e.name };
  }
}

function reportedVersion(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { version?: unknown };
    return typeof parsed.version === 'string' ? parsed.version : undefined;
  } catch {
    return undefined;
  }
}

export async function probeService(fetchFn: HttpGet, baseUrl: string, timeoutMs: number): Promise<Probe> {
  const base = baseUrl.replace(/\/+$/, '');
  const [v, root] = await Promise.all([
    get(fetchFn, `${base}${VERSION_PATH}`, timeoutMs),
    get(fetchFn, `${base}/`, timeoutMs),
  ]);
  const version = 'status' in v && v.status === 200 ? reportedVersion(v.body) : undefined;
  const versionText =
    'error' in v
      ? `fails (${v.error})`
      : version !== undefined
        ? `answers ${JSON.stringify(version)}`
        : `answers ${v.status} without a version`;
  const rootText = 'error' in root ? `fails (${root.error})` : `answers ${root.status}`;
  return {
    version,
    rootStatus: 'status' in root ? root.status : undefined,
    summary: `${VERSION_PATH} ${versionText}; / ${rootText}`,
  };
}
