// The servers `pnpm bench` compares, each started as it would run: the shipped release as its
// unit starts it, the idiomatic reference from node_modules with Node's defaults, and the raw
// node:https floor. With BENCH_VARIANTS=1, also the service without each public means it uses
// (and with source maps), to show what each buys.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { bundle } from './bundle.ts';
import { newestZip, unpackShipped, type ShippedCommand } from './shipped-bundle.ts';

export interface ServerSpec {
  readonly name: string;
  /** Node's arguments. */
  readonly args: readonly string[];
  /** Environment beyond the shared one (TLS files, host, port, stage, version). */
  readonly env: Readonly<Record<string, string>>;
  readonly describe: string;
}

/** The three servers of the goals; variants follow them when asked for. */
export const MAIN = ['service', 'reference', 'raw'] as const;

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export interface Prepared {
  readonly shipped: ShippedCommand;
  readonly service: ServerSpec;
  readonly reference: ServerSpec;
  /** The raw server, once it knows the reply to send (RAW_RESPONSE). */
  readonly raw: (response: string) => ServerSpec;
  readonly variants: readonly ServerSpec[];
}

export async function prepareServers(dir: string, withVariants: boolean): Promise<Prepared> {
  const shipped = unpackShipped(newestZip(here('../artifacts')), join(dir, 'current'));
  const { NODE_COMPILE_CACHE: cache, ...otherEnv } = shipped.env;
  const [flags, serverFile] = [shipped.args.slice(0, -1), shipped.args.at(-1)!];
  const rawFile = await bundle(here('./raw-server.ts'), join(dir, 'raw.mjs'));
  const dist = here('../dist/server.js');
  if (withVariants && !existsSync(dist))
    throw new Error(`${dist} is missing: run \`pnpm --filter @hello/service... build\``);
  return {
    shipped,
    service: {
      name: 'service',
      args: shipped.args,
      env: shipped.env,
      describe: `${shipped.zip}, as its unit starts it: node ${shipped.args.join(' ')} with NODE_COMPILE_CACHE=${cache}`,
    },
    reference: {
      name: 'reference',
      args: [here('./reference-server.mjs')],
      env: {},
      describe:
        'bench/reference-server.mjs (Fastify + @fastify/helmet + pino.destination) from node_modules, Node defaults',
    },
    raw: (response) => ({
      name: 'raw',
      args: [rawFile],
      env: { RAW_RESPONSE: response },
      describe: "bench/raw-server.ts bundled: node:https replaying the service's reply",
    }),
    variants: withVariants
      ? [
          {
            name: 'no cache',
            args: shipped.args,
            env: otherEnv,
            describe: 'the service without NODE_COMPILE_CACHE',
          },
          {
            name: 'no cap',
            args: [serverFile],
            env: shipped.env,
            describe: 'the service without its V8 flags',
          },
          {
            name: 'source maps',
            args: ['--enable-source-maps', ...shipped.args],
            env: shipped.env,
            describe: 'the service with --enable-source-maps',
          },
          {
            name: 'unbundled',
            args: [...flags, dist],
            env: otherEnv,
            describe: `dist/server.js (tsc output) from node_modules, with ${flags.join(' ') || 'no flags'}, no compile cache`,
          },
        ]
      : [],
  };
}
