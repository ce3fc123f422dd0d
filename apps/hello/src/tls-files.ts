// Reads the service's certificate and key and checks that they belong together, failing with the
// variable and path that are wrong (Node would boot with a mismatched pair and fail every handshake).
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ServiceEnv } from '@hello/config/service-env';

export interface TlsFiles {
  readonly cert: Buffer;
  readonly key: Buffer;
}

type Setting = 'TLS_CERT_FILE' | 'TLS_KEY_FILE';

const problem = (name: Setting, path: string, what: string, error?: unknown) =>
  new Error(`${name}=${path}: ${what}`, error === undefined ? undefined : { cause: error });

function read(name: Setting, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw problem(
      name,
      path,
      `cannot read the file (${(error as Error).message}); ` +
        'expected a readable PEM file (on a host the user data creates it, locally `pnpm start` does)',
      error,
    );
  }
}

function parse<T>(name: Setting, path: string, what: string, make: () => T): T {
  try {
    return make();
  } catch (error) {
    throw problem(name, path, `not a ${what} (${(error as Error).message})`, error);
  }
}

export function readTlsFiles(env: Pick<ServiceEnv, 'TLS_CERT_FILE' | 'TLS_KEY_FILE'>): TlsFiles {
  const cert = read('TLS_CERT_FILE', env.TLS_CERT_FILE);
  const key = read('TLS_KEY_FILE', env.TLS_KEY_FILE);
  const x509 = parse('TLS_CERT_FILE', env.TLS_CERT_FILE, 'PEM certificate', () => new X509Certificate(cert));
  const privateKey: KeyObject = parse('TLS_KEY_FILE', env.TLS_KEY_FILE, 'PEM private key (unencrypted)', () =>
    createPrivateKey(key),
  );
  if (!x509.checkPrivateKey(privateKey)) {
    throw problem(
      'TLS_KEY_FILE',
      env.TLS_KEY_FILE,
      `this ${String(privateKey.asymmetricKeyType)} key does not belong to ` +
        `the certificate in TLS_CERT_FILE=${env.TLS_CERT_FILE} (its key is ${String(x509.publicKey.asymmetricKeyType)}); ` +
        'expected the private key of that certificate',
    );
  }
  return { cert, key };
}
