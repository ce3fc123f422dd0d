import t from 'tap';
import { bundleTextFiles } from '../../scripts/bundle-text-files.ts';

t.test('a deploy folder without all hooks is refused', async (t) => {
  const dir = t.testdir({
    'appspec.yml': 'version: 0.0\n',
    'hello.service': '[Unit]\n',
    'hello.logrotate': '',
    hooks: { 'common.sh': '', 'application-stop.sh': '' },
  });
  t.throws(
    () => bundleTextFiles(dir),
    /hooks is missing before-install\.sh, after-install\.sh, application-start\.sh, validate-service\.sh/,
  );
});
