// A host tool entry for buildRelease's hostToolEntry: the shipped host tool with the fixture
// contract and project (parameter-fixtures.ts), so a release built with it reads a setting and a
// secret from SSM in AfterInstall. The hooks test and the rehearsal deploy such a release.
import { hostTool } from '../../host/host-tool.ts';
import { fixtureContract, fixtureProject } from './parameter-fixtures.ts';

process.exitCode = await hostTool(
  process.argv.slice(2),
  { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) },
  { contract: fixtureContract, project: fixtureProject, env: process.env },
);
