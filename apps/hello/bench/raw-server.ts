// The baseline: a bare node:https server writing the service's GET / response byte for byte.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { KEEP_ALIVE_TIMEOUT_MS } from '@hello/config/constants';

/** What the raw server answers, captured from the service (Date, Connection, Keep-Alive come from Node). */
export interface RawResponse {
  readonly statusCode: number;
  /** Flat [name, value, name, value, ...] list, in the service's order and case. */
  readonly headers: readonly string[];
  readonly body: string;
}

const env = process.env;
const response = JSON.parse(env.RAW_RESPONSE ?? '') as RawResponse;
const headers = [...response.headers];
const server = createServer(
  { cert: readFileSync(env.TLS_CERT_FILE ?? ''), key: readFileSync(env.TLS_KEY_FILE ?? '') },
  (_req, res) => {
    res.writeHead(response.statusCode, headers);
    res.end(response.body);
  },
);
server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
server.listen(Number(env.PORT), env.HOST);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
