// NODE_COMPILE_CACHE arrived in Node 22.1; Node 20 (the workspace's lowest) ignores it, so the
// tests that look for a cache file skip there.
const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];

export const NODE_HAS_COMPILE_CACHE = major * 1000 + minor >= 22_001;

/** A subtest's `skip` value: false where Node has the compile cache, the reason elsewhere. */
export const skipWithoutCompileCache: false | string = NODE_HAS_COMPILE_CACHE
  ? false
  : `Node ${process.version} ignores NODE_COMPILE_CACHE (Node 22.1 or later writes it)`;
