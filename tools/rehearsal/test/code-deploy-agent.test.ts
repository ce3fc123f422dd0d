// The stand-in agent with tiny revisions whose hooks only record that they ran. Each rule cites
// the real agent (aws/aws-codedeploy-agent) in src/code-deploy-agent.ts and agent-installer.ts.
import t from 'tap';
import { existsSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { CodeDeployAgent, HostLost, type AgentOptions } from '../src/code-deploy-agent.ts';
import { hostLayout } from '../src/host-layout.ts';

// Real processes (bash, openssl, Node, su): on a busy 2-core machine the file outlasts tap's
// default 30 s; each step is still bounded by its own timeout.
t.setTimeout(120_000);

const HOOKS = ['ApplicationStop', 'BeforeInstall', 'AfterInstall', 'ApplicationStart', 'ValidateService'];
const enc = (s: string) => new TextEncoder().encode(s);
const DEST = '/opt/hello/incoming';
const PERMS = [
  'permissions:',
  `  - object: ${DEST}`,
  '    pattern: "*.txt"',
  '    mode: 600',
  '    type: [file]',
  `  - object: ${DEST}`,
  '    pattern: "hooks"',
  '    mode: 700',
  '    type: [directory]',
];

/** A revision whose hooks append "<revision> <event> <group> <vars>" to $TRACE; `fail` makes one exit 1. */
function revision(
  name: string,
  o: { fail?: string; permissions?: string[]; extra?: string[]; hooks?: string[] } = {},
): Uint8Array {
  const appspec = [
    'version: 0.0',
    'os: linux',
    'files:',
    '  - source: /',
    `    destination: ${DEST}`,
    ...(o.permissions ?? PERMS),
    ...(o.extra ?? []),
    'hooks:',
    ...(o.hooks ?? HOOKS).flatMap((h) => [`  ${h}:`, '    - location: hooks/hook.sh', '      timeout: 10']),
    '',
  ].join('\n');
  const hook = `#!/bin/bash\necho "${name} $LIFECYCLE_EVENT $DEPLOYMENT_GROUP_NAME $APPLICATION_NAME \${DEPLOYMENT_ID:0:11} \${#DEPLOYMENT_GROUP_ID} \${BUNDLE_ETAG:+etag} $PWD" >> "$TRACE"\n[[ $LIFECYCLE_EVENT != "${o.fail ?? 'none'}" ]] || { echo "failing on purpose"; exit 1; }\n`;
  // `empty: {}` adds a directory entry, as zips made by other tools have.
  return zipSync({
    'appspec.yml': enc(appspec),
    hooks: { 'hook.sh': enc(hook) },
    [`${name}.txt`]: enc(name),
    'notes.md': enc(name),
    empty: {},
  });
}

function agentOn(dir: string, name: string, over: Partial<AgentOptions> = {}) {
  const trace = join(dir, `${name}.trace`);
  const host = hostLayout(dir, name, 1);
  const agent = new CodeDeployAgent(host, {
    applicationName: 'app',
    deploymentGroup: 'staging',
    overrides: { TRACE: trace },
    ...over,
  });
  const events = () =>
    existsSync(trace)
      ? readFileSync(trace, 'utf8')
          .trim()
          .split('\n')
          .map((l) => l.split(' ').slice(0, 2).join(' '))
      : [];
  return { agent, host, trace, events, incoming: join(host.root, 'incoming') };
}

t.test('lifecycle, hook environment, and which revision ApplicationStop comes from', async (t) => {
  const { agent, host, trace, events, incoming } = agentOn(t.testdir({}), 'h1');
  const seen: string[] = [];
  const first = await agent.deploy(revision('a'), {
    onEvent: (step, status) => void (status === 'Succeeded' && seen.push(step)),
  });
  t.equal(first.ok, true, first.output);
  t.same(
    events(),
    ['a BeforeInstall', 'a AfterInstall', 'a ApplicationStart', 'a ValidateService'],
    'no ApplicationStop on the first deployment',
  );
  t.same(
    seen,
    [
      'ApplicationStop',
      'DownloadBundle',
      'BeforeInstall',
      'Install',
      'AfterInstall',
      'ApplicationStart',
      'ValidateService',
    ],
    'every event reported; ApplicationStop, with no install before, as a no-op that succeeded',
  );
  t.equal(
    readFileSync(trace, 'utf8').split('\n')[0],
    'a BeforeInstall staging app d-REHEARSAL 8 etag /',
    'LIFECYCLE_EVENT, DEPLOYMENT_*, APPLICATION_NAME, BUNDLE_ETAG; cwd=/',
  );
  t.equal(statSync(join(incoming, 'a.txt')).mode & 0o777, 0o600, 'a pattern matches direct children of the object');
  t.equal(statSync(join(incoming, 'hooks')).mode & 0o777, 0o700, 'directories the install created');
  t.equal(statSync(join(incoming, 'notes.md')).mode & 0o777, 0o644, 'untouched where no entry matches');

  t.equal((await agent.deploy(revision('b'))).ok, true);
  t.same(
    events().slice(4, 6),
    ['a ApplicationStop', 'b BeforeInstall'],
    'ApplicationStop from the last successful install',
  );
  t.notOk(existsSync(join(incoming, 'a.txt')), "the group's last install is removed first");

  const broken = await agent.deploy(revision('c', { fail: 'ValidateService' }));
  t.same([broken.ok, broken.failed], [false, 'ValidateService']);
  t.match(
    broken.output,
    /failing on purpose\nScript at specified location: hooks\/hook\.sh failed with exit code 1\n$/,
  );
  t.match(readFileSync(join(host.dir, 'deployments.log'), 'utf8'), /failing on purpose/);

  t.equal((await agent.deploy(revision('b'))).ok, true);
  t.equal(
    events().at(-5),
    'c ApplicationStop',
    'recorded right after Install: the failed revision stops itself on the rollback',
  );
});

t.test('Install refuses a file that two permission entries match', async (t) => {
  const { agent, incoming } = agentOn(t.testdir({}), 'h1');
  const twice = [
    'permissions:',
    `  - object: ${DEST}`,
    '    mode: 644',
    '    type: [file]',
    `  - object: ${DEST}/hooks`,
    '    pattern: "*.sh"',
    '    mode: 755',
    '    type: [file]',
  ];
  const r = await agent.deploy(revision('a', { permissions: twice }));
  t.same([r.ok, r.failed], [false, 'Install']);
  t.match(
    r.output,
    `The deployment failed because the permissions setting for (${join(incoming, 'hooks/hook.sh')}) is specified more than once in the application specification file. Update the files section of the AppSpec file, and then try again.`,
  );
});

t.test('except, and patterns on a file object', async (t) => {
  const { agent, incoming } = agentOn(t.testdir({}), 'h1');
  const except = [
    'permissions:',
    `  - object: ${DEST}`,
    '    pattern: "*"',
    '    except: ["*.md"]',
    '    mode: 640',
    '    type: [file]',
  ];
  t.equal((await agent.deploy(revision('a', { permissions: except }))).ok, true);
  t.same(
    [
      statSync(join(incoming, 'a.txt')).mode & 0o777,
      statSync(join(incoming, 'notes.md')).mode & 0o777,
      statSync(join(incoming, 'hooks/hook.sh')).mode & 0o777,
    ],
    [0o640, 0o644, 0o755],
    'except excludes; a pattern never reaches into subdirectories (the hook keeps the +x BeforeInstall gave it in the archive: copies preserve modes)',
  );
  const onFile = [
    'permissions:',
    `  - object: ${DEST}/a.txt`,
    '    pattern: "*.txt"',
    '    mode: 600',
    '    type: [file]',
  ];
  const r = await agentOn(t.testdir({}), 'h2').agent.deploy(revision('a', { permissions: onFile }));
  t.match(
    r.output,
    `The deployment failed because the application specification file includes an object (${DEST}/a.txt) with an invalid pattern (*.txt), such as a pattern for a file applied to a directory. Correct the permissions section of the AppSpec file, and then try again.`,
  );
  const exceptOnFile = ['permissions:', `  - object: ${DEST}/a.txt`, '    except: ["x"]', '    type: [file]'];
  t.match(
    (await agentOn(t.testdir({}), 'h3').agent.deploy(revision('a', { permissions: exceptOnFile }))).output,
    `The deployment failed because the except parameter for a pattern in the permissions section (["x"]) for the object named ${DEST}/a.txt contains an invalid format. Update the AppSpec file, and then try again.`,
  );
});

t.test('file_exists_behavior: DISALLOW by default, RETAIN keeps, OVERWRITE replaces', async (t) => {
  const dir = t.testdir({});
  const { agent, host, incoming } = agentOn(dir, 'h1');
  mkdirSync(incoming, { recursive: true });
  writeFileSync(join(incoming, 'a.txt'), 'left by a half-done install');
  const refused = await agent.deploy(revision('a'));
  t.same([refused.ok, refused.failed], [false, 'Install']);
  t.match(
    refused.output,
    `The deployment failed because a specified file already exists at this location: ${join(incoming, 'a.txt')}`,
  );
  const retained = await agent.deploy(revision('a', { extra: ['file_exists_behavior: RETAIN'] }));
  t.equal(retained.ok, true, retained.output);
  t.equal(readFileSync(join(incoming, 'a.txt'), 'utf8'), 'left by a half-done install');
  t.equal((await agent.deploy(revision('a', { extra: ['file_exists_behavior: OVERWRITE'] }))).ok, true);
  t.equal(readFileSync(join(incoming, 'a.txt'), 'utf8'), 'a');
  t.equal(
    (await agent.deploy(revision('a'))).ok,
    true,
    "DISALLOW passes once the agent's own last install is cleaned up first",
  );
  t.ok(existsSync(join(host.deploymentRoot, 'deployment-instructions')));
});

t.test('a bad appspec fails at the first event that reads it; unknown events at Install', async (t) => {
  const { agent } = agentOn(t.testdir({}), 'h1');
  const bad = await agent.deploy(revision('a', { extra: ['file_exists_behavior: MERGE'] }));
  t.same([bad.ok, bad.failed], [false, 'BeforeInstall']);
  t.match(bad.output, 'an invalid file_exists_behavior value (MERGE)');
  const unknown = await agent.deploy(revision('a', { hooks: [...HOOKS, 'AfterInstal'] }));
  t.same([unknown.ok, unknown.failed], [false, 'Install']);
  t.match(unknown.output, 'appspec.yml file contains unknown lifecycle events: ["AfterInstal"]');
  t.equal(agent.lastSuccessfulInstall(), undefined, 'nothing recorded');
});

t.test("what the agent reports of a failed event: the script's diagnostics, or UnknownError", async (t) => {
  const { agent } = agentOn(t.testdir({}), 'h1');
  const events: string[] = [];
  const failed = await agent.deploy(revision('a', { fail: 'AfterInstall' }), {
    deploymentId: 'd-OWN000001',
    onEvent: (step, status, d) => void events.push(`${step} ${status}${d === undefined ? '' : ` ${d.errorCode}`}`),
  });
  t.same(failed.diagnostics, {
    errorCode: 'ScriptFailed',
    scriptName: 'hooks/hook.sh',
    message: 'Script at specified location: hooks/hook.sh failed with exit code 1',
    logTail: 'LifecycleEvent - AfterInstall\nScript - hooks/hook.sh\n[stdout]failing on purpose\n',
  });
  t.equal(events.at(-1), 'AfterInstall Failed ScriptFailed');
  t.equal(events.at(-2), 'AfterInstall InProgress');
  const bad = await agent.deploy(revision('b', { extra: ['file_exists_behavior: MERGE'] }));
  t.match(bad.diagnostics, { errorCode: 'UnknownError', scriptName: '', logTail: '', message: /MERGE/ });
});

t.test('a fault before a step: a throw fails it, a lost host leaves it unreported', async (t) => {
  const { agent } = agentOn(t.testdir({}), 'h1');
  const thrown = await agent.deploy(revision('a'), {
    beforeStep: (step) => {
      if (step === 'BeforeInstall')
        throw new Error('Failed: Failing in-progress lifecycle event after an agent restart.');
    },
  });
  t.same(
    [thrown.failed, thrown.diagnostics?.errorCode, thrown.diagnostics?.message],
    ['BeforeInstall', 'UnknownError', 'Failed: Failing in-progress lifecycle event after an agent restart.'],
  );
  const events: string[] = [];
  const lost = await agent.deploy(revision('a'), {
    beforeStep: (step) => {
      if (step === 'Install') throw new HostLost('terminated');
    },
    onEvent: (step, status) => void events.push(`${step} ${status}`),
  });
  t.same([lost.ok, lost.failed, lost.lost, lost.diagnostics], [false, 'Install', true, undefined]);
  t.equal(events.at(-1), 'Install InProgress', 'nothing reports the end of the step it was in');
});
