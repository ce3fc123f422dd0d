// `pnpm bench`: the shipped release (started as its unit starts it) against the idiomatic
// reference (bench/reference-server.mjs) and raw node:https, over keep-alive loopback in paired
// rounds: throughput, p99, cold start and memory, as ratios measured in the same run.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateLocalhostCertificate } from '../src/dev/local-certificate.ts';
import { wireResponse } from './byte-compare.ts';
import { hasWrk, load, type LoadResult } from './load.ts';
import { cpuMs, freePort, get, rssMiB, start, stop, type Started } from './processes.ts';
import type { RawResponse } from './raw-server.ts';
import { printTable } from './report.ts';
import { prepareServers, SERVERS, type ServerName, type ServerSpec } from './servers.ts';

// Many short rounds: a shared VM's speed swings within seconds, so each round's ratio is noisy
// and the median of many is steadier than a few long runs.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const COLD_STARTS = Number(process.env.BENCH_COLD_STARTS ?? 9);

const load3 = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
type PerServer<T> = Record<ServerName, T>;
const perServer = <T>(make: () => T): PerServer<T> =>
  Object.fromEntries(SERVERS.map((name) => [name, make()])) as PerServer<T>;

const dir = mkdtempSync(join(tmpdir(), 'hello-bench-'));
const tool = hasWrk() ? 'wrk' : 'autocannon';
try {
  const pems = await generateLocalhostCertificate();
  const tls = { TLS_CERT_FILE: join(dir, 'cert.pem'), TLS_KEY_FILE: join(dir, 'key.pem') };
  writeFileSync(tls.TLS_CERT_FILE, pems.cert);
  writeFileSync(tls.TLS_KEY_FILE, pems.key);
  const prepared = await prepareServers(dir);
  const ports = perServer(() => 0);
  for (const name of SERVERS) ports[name] = await freePort();
  const url = (name: ServerName) => `https://127.0.0.1:${ports[name]}/`;
  const env = (name: ServerName, spec: ServerSpec) => ({
    ...spec.env,
    ...tls,
    HOST: '127.0.0.1',
    PORT: String(ports[name]),
    STAGE: 'prod',
    LOG_LEVEL: 'info',
    RELEASE_VERSION: 'bench',
  });
  const logs = perServer(() => '');
  for (const name of SERVERS) logs[name] = join(dir, `${name}.log`);

  // The raw server answers exactly what the service answers (minus what Node adds itself).
  const running = {} as PerServer<Started>;
  running.service = await start(
    prepared.specs.service.args,
    env('service', prepared.specs.service),
    logs.service,
    url('service'),
  );
  const sample = await get(url('service'));
  const headers: string[] = [];
  for (let i = 0; i < sample.rawHeaders.length; i += 2) {
    const name = sample.rawHeaders[i] ?? '';
    if (!['date', 'connection', 'keep-alive'].includes(name.toLowerCase()))
      headers.push(name, sample.rawHeaders[i + 1] ?? '');
  }
  const response: RawResponse = { statusCode: sample.status, headers, body: sample.body };
  const specs: PerServer<ServerSpec> = {
    ...prepared.specs,
    raw: {
      args: prepared.rawArgs,
      env: { RAW_RESPONSE: JSON.stringify(response) },
      describe: 'bench/raw-server.ts, bundled',
    },
  };
  running.reference = await start(
    specs.reference.args,
    env('reference', specs.reference),
    logs.reference,
    url('reference'),
  );
  running.raw = await start(specs.raw.args, env('raw', specs.raw), '/dev/null', url('raw'));
  const [serviceBytes, rawBytes] = [await wireResponse(ports.service), await wireResponse(ports.raw)];
  if (serviceBytes !== rawBytes)
    throw new Error(`responses differ:\n--- service\n${serviceBytes}\n--- raw\n${rawBytes}`);

  console.log(`Node ${process.version} (${process.execPath}); load average ${load3()}`);
  for (const name of SERVERS) console.log(`${name}: ${specs[name].describe}`);
  console.log(
    `compile cache warmed as AfterInstall does: ${prepared.shipped.compileCache.join(', ')}\n` +
      `raw replays the service's reply byte for byte (${serviceBytes.length} bytes, Date aside); ` +
      `load: ${tool}, ${CONNECTIONS} keep-alive connections, ${SECONDS} s x ${ROUNDS} rounds each`,
  );

  const settings = (name: ServerName, seconds = SECONDS) => ({ url: url(name), connections: CONNECTIONS, seconds });
  for (const name of SERVERS) await load(settings(name, 2), tool); // warm-up: JIT and TLS sessions
  const results = perServer<LoadResult[]>(() => []);
  // CPU microseconds each server spent per request: other load on the machine barely moves it.
  const cpuPerRequest = perServer<number[]>(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate who goes first: the machine's noise drifts over time.
    const order = SERVERS.map((_, i) => SERVERS[(i + round) % SERVERS.length]!);
    for (const name of order) {
      const pid = running[name].child.pid ?? 0;
      const before = cpuMs(pid);
      const result = await load(settings(name), tool);
      results[name].push(result);
      cpuPerRequest[name].push(((cpuMs(pid) - before) * 1000) / result.requests);
    }
    console.log(
      `round ${round + 1}: ` +
        SERVERS.map(
          (n) =>
            `${n} ${results[n].at(-1)!.requestsPerSecond.toFixed(0)} req/s, p99 ${results[n].at(-1)!.p99Ms.toFixed(1)} ms`,
        ).join('; '),
    );
  }
  const rss = perServer(() => 0);
  for (const name of SERVERS) {
    rss[name] = rssMiB(running[name].child.pid ?? 0);
    await stop(running[name].child);
  }
  const logLines = (file: string) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"request completed"')).length;
  const requests = (name: ServerName) => results[name].reduce((n, r) => n + r.requests, 0);
  const errors = SERVERS.reduce((n, name) => n + results[name].reduce((m, r) => m + r.errors, 0), 0);

  const cold = perServer<number[]>(() => []);
  for (let i = 0; i < COLD_STARTS; i++) {
    for (const name of SERVERS) {
      const started = await start(specs[name].args, env(name, specs[name]), '/dev/null', url(name));
      await stop(started.child);
      cold[name].push(started.coldStartMs);
    }
  }

  printTable({ rounds: ROUNDS, results, cpuPerRequest, cold, rss });
  console.log(
    `Node ${process.version}; load average now ${load3()}; load errors: ${errors}\n` +
      `log lines: service ${logLines(logs.service)} for ${requests('service')} requests measured, ` +
      `reference ${logLines(logs.reference)} for ${requests('reference')} (plus warm-up and probes)\n` +
      `cold starts (ms): ${SERVERS.map((n) => `${n} ${cold[n].map((c) => c.toFixed(0)).join(', ')}`).join('; ')}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
