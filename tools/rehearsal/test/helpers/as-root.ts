// Tests that need root (switching users, chown to root, su): `pnpm test` makes the run root of its own
// namespaces (src/in-namespace.ts). Where the machine gives none, they skip with the reason.
import { NO_NAMESPACE_ENV } from '../../src/namespace-runner.ts';

export const asRoot = {
  skip:
    process.getuid!() === 0
      ? false
      : (process.env[NO_NAMESPACE_ENV] ?? 'needs root: `pnpm test` runs this file as root of its own namespaces'),
};
