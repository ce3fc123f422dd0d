// Reads the service's certificate and key, failing with the variable and path that are wrong.
import { readFileSync } from 'node:fs';
import type { ServiceEnv } from '@hello/config/service-env';

export interface TlsFiles {
  readonly cert: Buffer;
  readonly key: Buffer;
}

function read(name: 'TLS_CERT_FILE' | 'TLS_KEY_FILE', path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(`${name}=${path}: cannot read the file (${(error as Error).message}); `
      + 'expected a readable PEM file (on a host the user data creates it, locally `pnpm start` does)', { cause: error });
  }
}

export function readTlsFiles(env: Pick<ServiceEnv, 'TLS_CERT_FILE' | 'TLS_KEY_FILE'>): TlsFiles {
  return { cert: read('TLS_CERT_FILE', env.TLS_CERT_FILE), key: read('TLS_KEY_FILE', env.TLS_KEY_FILE) };
}
