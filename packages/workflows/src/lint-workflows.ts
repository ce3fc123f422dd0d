// `pnpm --filter @hello/workflows run lint` (and so `pnpm check`): lints this repository's
// workflows; exits 1 when any checker finds a problem. The logic and its tests: lint-repository.ts.
import { main } from './lint-repository.ts';

process.exitCode = await main(process.argv.slice(2), (line) => console.log(line));
