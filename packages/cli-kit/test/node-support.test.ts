import t from 'tap';
import {
  announceNodeSupport,
  nodeSupportNote,
  OLDEST_SUPPORTED_NODE,
  SDK_WARNING_SWITCH,
} from '../src/node-support.ts';

t.test('Node 22 and 24 get no note; older ones one line naming the supported versions', (t) => {
  t.equal(OLDEST_SUPPORTED_NODE, 22);
  for (const v of ['v22.0.0', 'v22.23.3', 'v24.21.0', 'v26.1.0']) t.equal(nodeSupportNote(v), undefined, v);
  t.equal(
    nodeSupportNote('v20.19.0'),
    'note: Node v20.19.0 is not supported (end of life); use Node 22 or 24. AWS SDK releases after early January 2027 require Node >=22.\n',
  );
  t.equal(nodeSupportNote('nonsense'), undefined, 'an unreadable version is not guessed at');
  // The variable @aws-sdk/core's emitWarningIfUnsupportedVersion reads.
  t.equal(SDK_WARNING_SWITCH, 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED');
  t.end();
});

t.test('an unsupported Node: the note once, and the SDK told not to repeat it; a user setting wins', (t) => {
  let err = '';
  const old = {
    version: 'v20.19.0',
    env: {} as Record<string, string | undefined>,
    stderr: { write: (s: string) => (err += s) },
  };
  announceNodeSupport(old);
  t.match(err, /^note: Node v20\.19\.0 is not supported/);
  t.equal(old.env[SDK_WARNING_SWITCH], 'true');
  const own = { ...old, env: { [SDK_WARNING_SWITCH]: 'false' } };
  announceNodeSupport(own);
  t.equal(own.env[SDK_WARNING_SWITCH], 'false');
  err = '';
  const current = { version: 'v24.21.0', env: {} as Record<string, string | undefined>, stderr: old.stderr };
  announceNodeSupport(current);
  t.equal(err, '');
  t.same(current.env, {});
  t.end();
});
