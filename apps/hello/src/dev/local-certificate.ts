// A self-signed certificate for localhost (pure JS: a fresh laptop may have no openssl).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { generate } from 'selfsigned';

export interface PemPair {
  readonly cert: string;
  readonly key: string;
}

const VALID_DAYS = 365;

/** A fresh certificate for localhost, 127.0.0.1 and ::1 (EC P-256: generated in milliseconds). */
export async function generateLocalhostCertificate(now = new Date()): Promise<PemPair> {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: now,
    notAfterDate: new Date(now.getTime() + VALID_DAYS * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

export interface CertificateFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

/**
 * Makes a localhost certificate at the given paths unless both files exist; reuses them otherwise.
 * @returns whether it created them
 */
export async function ensureLocalCertificate(files: CertificateFiles): Promise<boolean> {
  if (existsSync(files.certFile) && existsSync(files.keyFile)) return false;
  const pems = await generateLocalhostCertificate();
  mkdirSync(dirname(files.keyFile), { recursive: true, mode: 0o700 });
  mkdirSync(dirname(files.certFile), { recursive: true, mode: 0o700 });
  writeFileSync(files.keyFile, pems.key, { mode: 0o600 });
  writeFileSync(files.certFile, pems.cert);
  return true;
}
