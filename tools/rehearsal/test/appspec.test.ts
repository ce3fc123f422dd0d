// The stand-in agent's appspec rules, each with the real agent's error text
// (aws/aws-codedeploy-agent application_specification/*.rb, command_executor.rb).
import t from 'tap';
import { AppspecError, parseAppspec, validateHooks } from '../src/appspec.ts';

const minimal = (extra: string): string => `version: 0.0\nos: linux\n${extra}`;

// Shaped like the service's appspec: one files entry, OVERWRITE, one permission entry per kind of
// object, every hook as root. (The rehearsal parses the real one from the zip at every run.)
const released = minimal(`files:
  - source: /
    destination: /opt/app/incoming
file_exists_behavior: OVERWRITE
permissions:
  - object: /opt/app/incoming
    owner: root
    group: root
    mode: 644
    type:
      - file
  - object: /opt/app/incoming
    mode: 755
    type:
      - directory
hooks:
  ApplicationStop:
    - location: hooks/application-stop.sh
      timeout: 60
      runas: root
  ValidateService:
    - location: hooks/validate-service.sh
      timeout: 90
      runas: root
`);

t.test('reads an appspec shaped like the release, which the agent accepts', async (t) => {
  const a = parseAppspec(released);
  t.doesNotThrow(() => validateHooks(a));
  t.same(a.files, [{ source: '/', destination: '/opt/app/incoming' }]);
  t.equal(a.fileExistsBehavior, 'OVERWRITE');
  t.same(
    a.permissions.map((p) => [p.object, p.pattern, p.mode, p.type, p.owner]),
    [
      ['/opt/app/incoming', '**', '644', ['file'], 'root'],
      ['/opt/app/incoming', '**', '755', ['directory'], undefined],
    ],
  );
  t.same(a.hooks.ValidateService, [{ location: 'hooks/validate-service.sh', timeout: 90, runas: 'root' }]);
});

t.test('defaults: no hooks, files or permissions; DISALLOW comes from the deployment', async (t) => {
  const a = parseAppspec(
    minimal(
      'hooks:\n  BeforeInstall:\n    - location: a.sh\n  AfterInstall:\npermissions:\n  - object: /opt/x\n    mode: 44\n',
    ),
  );
  t.same(
    a.hooks,
    { BeforeInstall: [{ location: 'a.sh', timeout: 3600 }] },
    'timeout 3600 by default; an empty event is ignored',
  );
  t.same(a.files, []);
  t.equal(a.fileExistsBehavior, undefined);
  t.same(a.permissions[0], { object: '/opt/x', pattern: '**', except: [], type: ['file', 'directory'], mode: '044' });
});

const refusals: [string, string, string][] = [
  [
    'empty file',
    '',
    "The deployment failed because the application specification file was empty. Make sure your AppSpec file defines at minimum the 'version' and 'os' properties.",
  ],
  [
    'version',
    'version: 1\nos: linux\n',
    'The deployment failed because an invalid version value (1) was entered in the application specification file. Make sure your AppSpec file specifies "0.0" as the version, and then try again.',
  ],
  ['no version', 'os: linux\n', 'an invalid version value () was entered'],
  ['version list', 'version: [0]\nos: linux\n', 'an invalid version value ([0]) was entered'],
  ['os not a string', 'version: 0.0\nos: true\n', 'unsupported operating system (true)'],
  [
    'os',
    'version: 0.0\nos: windows2\n',
    'The deployment failed because the application specification file specifies an unsupported operating system (windows2). Specify either "linux" or "windows" in the os section of the AppSpec file, and then try again.',
  ],
  [
    'hook without location',
    minimal('hooks:\n  BeforeInstall:\n    - timeout: 5\n'),
    'The deployment failed because the application specification file specifies a script with no location value. Specify the location in the hooks section of the AppSpec file, and then try again.',
  ],
  [
    'timeout 0',
    minimal('hooks:\n  BeforeInstall:\n    - location: a.sh\n      timeout: 0\n'),
    'The deployment failed because an invalid timeout value was provided for a script in the application specification file. Make corrections in the hooks section of the AppSpec file, and then try again.',
  ],
  [
    'timeout not a number',
    minimal('hooks:\n  BeforeInstall:\n    - location: a.sh\n      timeout: soon\n'),
    'an invalid timeout value was provided',
  ],
  [
    'file without source',
    minimal('files:\n  - destination: /opt/x\n'),
    'The deployment failed because the application specification file specifies a destination file, but no source file. Update the files section of the AppSpec file, and then try again.',
  ],
  [
    'file without destination',
    minimal('files:\n  - source: app\n'),
    'The deployment failed because the application specification file specifies only a source file (app). Add the name of the destination file to the files section of the AppSpec file, and then try again.',
  ],
  [
    'permission without object',
    minimal('permissions:\n  - mode: 644\n'),
    'The deployment failed because a permission listed in the application specification file has no object value. Update the permissions section of the AppSpec file, and then try again.',
  ],
  [
    'permission type',
    minimal('permissions:\n  - object: /x\n    type: [socket]\n'),
    'The deployment failed because the application specification filespecifies a permission for an object type not supported for permissions (socket). Update the permissions section of the AppSpec file, and then try again.',
  ],
  [
    'mode too long',
    minimal('permissions:\n  - object: /x\n    mode: 10644\n'),
    'The deployment failed because the length of a permissions mode (10644) in the application specification file is invalid. Permissions modes must be between one and four characters long. Update the permissions section of the AppSpec file, and then try again.',
  ],
  [
    'mode digit',
    minimal('permissions:\n  - object: /x\n    mode: 689\n'),
    'The deployment failed because the permissions mode (689) in the application specification file contains an invalid character (8). Update the permissions section of the AppSpec file, and then try again.',
  ],
  [
    'file_exists_behavior',
    minimal('file_exists_behavior: MERGE\n'),
    'The deployment failed because an invalid file_exists_behavior value (MERGE) was entered in the application specification file. Make sure your AppSpec file specifies one of DISALLOW,OVERWRITE,RETAIN as the file_exists_behavior, and then try again.',
  ],
];

t.test("refusals carry the agent's own text", async (t) => {
  for (const [what, yaml, message] of refusals) {
    let error = new Error('did not throw');
    try {
      parseAppspec(yaml);
    } catch (e) {
      error = e as Error;
    }
    t.ok(error instanceof AppspecError, `${what}: the agent's validation error`);
    // Whole texts where the test gives one, else the part that carries the value.
    if (message.startsWith('The deployment')) t.equal(error.message, message, what);
    else t.ok(error.message.includes(message), `${what}: ${error.message}`);
  }
});

t.test('Install checks the event names and the documented hour per event', async (t) => {
  t.throws(
    () =>
      validateHooks(
        parseAppspec(minimal('hooks:\n  BeforeInstal:\n    - location: a.sh\n  Start:\n    - location: b.sh\n')),
      ),
    { message: 'appspec.yml file contains unknown lifecycle events: ["BeforeInstal", "Start"]' },
  );
  t.doesNotThrow(
    () => validateHooks(parseAppspec(minimal('hooks:\n  BeforeBlockTraffic:\n    - location: a.sh\n'))),
    'traffic hooks are known events',
  );
  const long = minimal(
    'hooks:\n  AfterInstall:\n    - location: a.sh\n      timeout: 3000\n    - location: b.sh\n      timeout: 601\n',
  );
  t.throws(() => validateHooks(parseAppspec(long)), {
    message: /AfterInstall: the scripts' timeouts add up to 3601 s; CodeDeploy allows at most 3600 s/,
  });
});
