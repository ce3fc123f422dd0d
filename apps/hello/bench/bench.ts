// `pnpm bench`: the shipped release (started as its unit starts it) against the idiomatic
// reference (bench/reference-server.mjs) and raw node:https, over keep-alive loopback in paired
// rounds: throughput, p99, cold start and memory, as ratios measured in the same run.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateLocalhostCertificate } from '../src/dev/local-certificate.ts';
import { wireResponse } from './byte-compare.ts';
import { hasWrk, load, type LoadResult } from './load.ts';
import { freePort } from '@hello/cli-kit/free-port';
import { cpuMs, get, rssMiB, start, stop, type Started } from './processes.ts';
import type { RawResponse } from './raw-server.ts';
import { mainTable, variantsTable } from './report.ts';
import { prepareServers, type ServerSpec } from './servers.ts';

// Many short rounds: a shared VM's speed swings within seconds, so each round's ratio is noisy
// and the median of many is steadier than a few long runs.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const COLD_STARTS = Number(process.env.BENCH_COLD_STARTS ?? 9);
const VARIANTS = process.env.BENCH_VARIANTS === '1';

const load3 = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const dir = mkdtempSync(join(tmpdir(), 'hello-bench-'));
const tool = hasWrk() ? 'wrk' : 'autocannon';
try {
  const pems = await generateLocalhostCertificate();
  const tls = { TLS_CERT_FILE: join(dir, 'cert.pem'), TLS_KEY_FILE: join(dir, 'key.pem') };
  writeFileSync(tls.TLS_CERT_FILE, pems.cert);
  writeFileSync(tls.TLS_KEY_FILE, pems.key);
  const prepared = await prepareServers(dir, VARIANTS);
  const ports = new Map<string, number>();
  const url = (spec: ServerSpec) => `https://127.0.0.1:${ports.get(spec.name)}/`;
  const startServer = async (spec: ServerSpec, logFile = '/dev/null'): Promise<Started> => {
    if (!ports.has(spec.name)) ports.set(spec.name, await freePort());
    const env = { ...spec.env, ...tls, HOST: '127.0.0.1', STAGE: 'prod', LOG_LEVEL: 'info', RELEASE_VERSION: 'bench' };
    return start(spec.args, { ...env, PORT: String(ports.get(spec.name)) }, logFile, url(spec));
  };
  const logs = { service: join(dir, 'service.log'), reference: join(dir, 'reference.log') };

  // The raw server answers exactly what the service answers (minus what Node adds itself).
  const running = new Map<string, Started>();
  running.set('service', await startServer(prepared.service, logs.service));
  const sample = await get(url(prepared.service));
  const headers: string[] = [];
  for (let i = 0; i < sample.rawHeaders.length; i += 2) {
    const name = sample.rawHeaders[i] ?? '';
    if (!['date', 'connection', 'keep-alive'].includes(name.toLowerCase()))
      headers.push(name, sample.rawHeaders[i + 1] ?? '');
  }
  const response: RawResponse = { statusCode: sample.status, headers, body: sample.body };
  const servers = [prepared.service, prepared.reference, prepared.raw(JSON.stringify(response)), ...prepared.variants];
  for (const spec of servers.slice(1))
    running.set(spec.name, await startServer(spec, spec.name === 'reference' ? logs.reference : undefined));
  const [serviceBytes, rawBytes] = [await wireResponse(ports.get('service')!), await wireResponse(ports.get('raw')!)];
  if (serviceBytes !== rawBytes)
    throw new Error(`responses differ:\n--- service\n${serviceBytes}\n--- raw\n${rawBytes}`);

  console.log(`Node ${process.version} (${process.execPath}); load average ${load3()}`);
  for (const spec of servers) console.log(`${spec.name}: ${spec.describe}`);
  console.log(
    `compile cache warmed as AfterInstall does: ${prepared.shipped.compileCache.join(', ')}\n` +
      `load: ${tool}, ${CONNECTIONS} keep-alive connections, ${SECONDS} s x ${ROUNDS} rounds each, GET / ` +
      `(${serviceBytes.length} bytes; raw replays it byte for byte)`,
  );

  const settings = (spec: ServerSpec, seconds = SECONDS) => ({ url: url(spec), connections: CONNECTIONS, seconds });
  for (const spec of servers) await load(settings(spec, 2), tool); // warm-up: JIT and TLS sessions
  const results: Record<string, LoadResult[]> = {};
  // CPU microseconds each server spent per request: other load on the machine barely moves it.
  const cpuPerRequest: Record<string, number[]> = {};
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate who goes first: the machine's noise drifts over time.
    const order = servers.map((_, i) => servers[(i + round) % servers.length]!);
    for (const spec of order) {
      const pid = running.get(spec.name)!.child.pid ?? 0;
      const before = cpuMs(pid);
      const result = await load(settings(spec), tool);
      (results[spec.name] ??= []).push(result);
      (cpuPerRequest[spec.name] ??= []).push(((cpuMs(pid) - before) * 1000) / result.requests);
    }
    const last = (name: string) => results[name]!.at(-1)!;
    console.log(
      `round ${round + 1}: ` +
        servers
          .map(
            (s) =>
              `${s.name} ${last(s.name).requestsPerSecond.toFixed(0)} req/s p99 ${last(s.name).p99Ms.toFixed(1)} ms`,
          )
          .join('; '),
    );
  }
  const rss: Record<string, number> = {};
  for (const spec of servers) {
    rss[spec.name] = rssMiB(running.get(spec.name)!.child.pid ?? 0);
    await stop(running.get(spec.name)!.child);
  }
  const logLines = (file: string) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"request completed"')).length;
  const requests = (name: string) => results[name]!.reduce((n, r) => n + r.requests, 0);
  const errors = servers.reduce((n, s) => n + results[s.name]!.reduce((m, r) => m + r.errors, 0), 0);

  const cold: Record<string, number[]> = {};
  for (let i = 0; i < COLD_STARTS; i++) {
    for (const spec of servers) {
      const started = await startServer(spec);
      await stop(started.child);
      (cold[spec.name] ??= []).push(started.coldStartMs);
    }
  }

  const measured = { rounds: ROUNDS, results, cpuPerRequest, cold, rss };
  console.log(`\n${mainTable(measured)}`);
  if (VARIANTS)
    console.log(
      `\n${variantsTable(
        measured,
        prepared.variants.map((v) => v.name),
      )}`,
    );
  console.log(
    `\nNode ${process.version}; load average now ${load3()}; load errors: ${errors}\n` +
      `log lines: service ${logLines(logs.service)} for ${requests('service')} requests measured, ` +
      `reference ${logLines(logs.reference)} for ${requests('reference')} (plus warm-up and probes)\n` +
      `cold starts (ms): ${servers.map((s) => `${s.name} ${cold[s.name]!.map((c) => c.toFixed(0)).join(', ')}`).join('; ')}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
