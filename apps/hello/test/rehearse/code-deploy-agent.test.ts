// The stand-in agent with tiny revisions whose hooks only record that they ran.
import t from 'tap';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { CodeDeployAgent } from '../../rehearse/code-deploy-agent.js';
import { hostLayout } from '../../rehearse/host-layout.js';

const HOOKS = ['ApplicationStop', 'BeforeInstall', 'AfterInstall', 'ApplicationStart', 'ValidateService'];
const enc = (s: string) => new TextEncoder().encode(s);

/** A revision whose hooks append "<revision> <event> <group>" to $TRACE; `fail` makes one exit 1. */
function revision(name: string, fail?: string, timeout = 10): Uint8Array {
  const appspec = [
    'version: 0.0', 'os: linux', 'files:', '  - source: /', '    destination: /opt/hello/incoming',
    'permissions:', '  - object: /opt/hello/incoming', '    pattern: "*.txt"', '    mode: 600', '    type:', '      - file',
    '  - object: /opt/hello/incoming', '    pattern: "hooks"', '    mode: 700', '    type:', '      - directory',
    'hooks:', ...HOOKS.flatMap((h) => [`  ${h}:`, '    - location: hooks/hook.sh', `      timeout: ${timeout}`]), '',
  ].join('\n');
  const hook = `#!/bin/bash\necho "${name} $LIFECYCLE_EVENT $DEPLOYMENT_GROUP_NAME" >> "$TRACE"\n[[ $LIFECYCLE_EVENT != "${fail ?? 'none'}" ]] || { echo "failing on purpose"; [[ -z $HANG ]] || sleep 5; exit 1; }\n`;
  // `empty: {}` adds a directory entry, as zips made by other tools have.
  return zipSync({ 'appspec.yml': enc(appspec), hooks: { 'hook.sh': enc(hook) }, [`${name}.txt`]: enc(name), empty: {} });
}

t.test('a first deployment, a second one, a failed one, and a restore', async (t) => {
  const dir = t.testdir({});
  const trace = join(dir, 'trace');
  const host = hostLayout(dir, 'h1', 1);
  const agent = new CodeDeployAgent(host, { applicationName: 'hello-staging', deploymentGroup: 'staging', overrides: { TRACE: trace } });
  const lines = () => readFileSync(trace, 'utf8').trim().split('\n').splice(0);
  const seen: string[] = [];

  const first = await agent.deploy(revision('a'), (step) => seen.push(step));
  t.equal(first.ok, true, first.output);
  t.same(lines(), ['a BeforeInstall staging', 'a AfterInstall staging', 'a ApplicationStart staging', 'a ValidateService staging'], 'no ApplicationStop on the first deployment');
  t.same(seen, ['BeforeInstall', 'Install', 'AfterInstall', 'ApplicationStart', 'ValidateService']);
  t.equal(statSync(join(host.root, 'incoming', 'a.txt')).mode & 0o777, 0o600, 'appspec permissions applied');
  t.equal(statSync(join(host.root, 'incoming', 'hooks', 'hook.sh')).mode & 0o777, 0o644, 'only where the pattern matches');
  t.equal(statSync(join(host.root, 'incoming', 'hooks')).mode & 0o777, 0o700, 'directories too');

  const second = await agent.deploy(revision('b'));
  t.equal(second.ok, true);
  t.same(lines().slice(4, 6), ['a ApplicationStop staging', 'b BeforeInstall staging'], 'ApplicationStop from the revision on the host');
  t.notOk(existsSync(join(host.root, 'incoming', 'a.txt')), 'the files of the last deployment are removed first');
  t.ok(existsSync(join(host.root, 'incoming', 'b.txt')));
  t.ok(second.steps.ValidateService! >= 0);

  const broken = await agent.deploy(revision('c', 'ValidateService'));
  t.same([broken.ok, broken.failed], [false, 'ValidateService']);
  t.match(broken.output, /--- ValidateService \(codedeploy\/d-REHEARSAL003\/deployment-archive\) exit 1\nfailing on purpose/);
  t.match(readFileSync(join(host.dir, 'deployments.log'), 'utf8'), /failing on purpose/);

  const hung = await new CodeDeployAgent(hostLayout(dir, 'h2', 2), { applicationName: 'a', deploymentGroup: 'staging', overrides: { TRACE: trace, HANG: '1' } })
    .deploy(revision('d', 'BeforeInstall', 1));
  t.same([hung.ok, hung.failed], [false, 'BeforeInstall']);
  t.match(hung.output, /--- BeforeInstall .* exit null after timeout/, 'a hook past its timeout is killed');

  const restore = await agent.deploy(revision('b'));
  t.equal(restore.ok, true);
  t.equal(lines()[lines().length - 5], 'b ApplicationStop staging', 'after a failure, ApplicationStop comes from the last successful revision');
});
