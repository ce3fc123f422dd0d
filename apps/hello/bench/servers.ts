// The three servers `pnpm bench` compares, each started as it would run: the shipped release as
// its unit starts it, the idiomatic reference from node_modules with Node's defaults, and the
// raw node:https floor.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { bundle } from './bundle.ts';
import { newestZip, unpackShipped, type ShippedCommand } from './shipped-bundle.ts';

export const SERVERS = ['service', 'reference', 'raw'] as const;
export type ServerName = (typeof SERVERS)[number];

export interface ServerSpec {
  /** Node's arguments. */
  readonly args: readonly string[];
  /** Environment beyond the shared one (TLS files, host, port, stage, version). */
  readonly env: Readonly<Record<string, string>>;
  readonly describe: string;
}

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** The service and the reference; the raw server is added once the service's reply is known. */
export async function prepareServers(dir: string): Promise<{
  shipped: ShippedCommand;
  specs: Omit<Record<ServerName, ServerSpec>, 'raw'>;
  rawArgs: readonly string[];
}> {
  const shipped = unpackShipped(newestZip(here('../artifacts')), join(dir, 'current'));
  const env = Object.keys(shipped.env).length ? ` with ${JSON.stringify(shipped.env)}` : '';
  return {
    shipped,
    specs: {
      service: {
        args: shipped.args,
        env: shipped.env,
        describe: `${shipped.zip}, as its unit starts it: node ${shipped.args.join(' ')}${env}`,
      },
      reference: {
        args: [here('./reference-server.mjs')],
        env: {},
        describe: 'bench/reference-server.mjs: Fastify + @fastify/helmet + pino.destination, from node_modules',
      },
    },
    rawArgs: [await bundle(here('./raw-server.ts'), join(dir, 'raw.mjs'))],
  };
}
