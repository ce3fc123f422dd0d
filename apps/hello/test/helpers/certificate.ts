// One localhost certificate per test process: generating is cheap, but not free.
import { generateLocalhostCertificate, type PemPair } from '../../src/dev/local-certificate.ts';

let cached: Promise<PemPair> | undefined;

export function testCertificate(): Promise<PemPair> {
  cached ??= generateLocalhostCertificate();
  return cached;
}
