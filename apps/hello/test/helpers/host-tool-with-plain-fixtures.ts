// A host tool entry for buildRelease's hostToolEntry: the shipped host tool with a project that
// keeps nothing in SSM (parameter-fixtures.ts), so tests of the other hook steps run the same
// whatever settings and secrets the user's project.ts names.
import { hostTool } from '../../host/host-tool.ts';
import { plainContract, plainProject } from './parameter-fixtures.ts';

process.exitCode = await hostTool(
  process.argv.slice(2),
  { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) },
  { contract: plainContract, project: plainProject, env: process.env },
);
