// `pnpm start`: a localhost certificate made once (apps/hello/.certs), then the built server in
// this same process, so Ctrl-C and SIGTERM reach it directly. Optional argument: a cert directory.
import { prepareLocalServe } from './local-serve.js';

process.stdout.write(await prepareLocalServe(process.env, process.argv[2]));
await import('../server.js');
