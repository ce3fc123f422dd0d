// The banner an esbuild ES-module bundle for Node needs when it carries CommonJS dependencies: they
// call require() on Node's built-ins, and an ES module has none (esbuild then throws "Dynamic
// require of ... is not supported", evanw/esbuild#1921). esbuild's `banner: { js }` takes it.
// Plain JavaScript, so build scripts that run before anything is compiled can import it.

export const ESM_REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);";
