// The rehearsal's broken revision: the real server, started with a shutdown grace its contract
// rejects, so every start exits at once and ValidateService must fail. Bundled instead of
// src/server.ts by the rehearsal only; no committed file changes.
import { MAX_SHUTDOWN_GRACE_MS } from '@hello/config/constants';

process.env.SHUTDOWN_GRACE_MS = String(MAX_SHUTDOWN_GRACE_MS + 1);
await import('../src/server.ts');
