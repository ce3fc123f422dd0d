// NODE_COMPILE_CACHE arrived in Node 22.1; every Node the workspace supports (22.13 and later)
// has it. test/deploy/hooks.test.ts still branches on it for a Node outside `engines`.
const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];

export const NODE_HAS_COMPILE_CACHE = major * 1000 + minor >= 22_001;
