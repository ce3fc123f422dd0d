// The stand-in CodeDeploy's record: statuses as CodeDeploy's API reports them.
import t from 'tap';
import { DeploymentBook, HEALTH_CONSTRAINTS, INSTANCE_EVENTS } from '../../src/faults/deployment-book.ts';

/** A clock that ticks one second at each reading. */
const clock = () => {
  let now = 0;
  return () => new Date(++now * 1000);
};

t.test('a host through every event succeeds; the deployment says so', async (t) => {
  const book = new DeploymentBook(clock());
  const id = book.create('app', 'staging', ['h1', 'h2']);
  t.equal(id, 'd-REHEARSAL001');
  for (const e of INSTANCE_EVENTS) {
    book.event(id, 'h1', e, 'InProgress');
    book.event(id, 'h1', e, 'Succeeded');
  }
  book.finish(id, 'Succeeded');
  const d = book.get(id)!;
  t.same(
    [d.status, d.errorInformation, d.targets.map((x) => x.status)],
    ['Succeeded', undefined, ['Succeeded', 'Skipped']],
  );
  t.same(d.targets[0]!.lifecycleEvents[0], {
    lifecycleEventName: 'BeforeBlockTraffic',
    status: 'Succeeded',
    startTime: new Date(4000),
    endTime: new Date(5000),
  });
  t.ok(
    d.targets[1]!.lifecycleEvents.every((e) => e.status === 'Skipped'),
    'a host never reached is Skipped',
  );
});

t.test('a failed event fails its host and skips the rest; a lost host keeps the event it was in', async (t) => {
  const book = new DeploymentBook(clock());
  const id = book.create('app', 'staging', ['h1', 'h2']);
  book.event(id, 'h1', 'ValidateService', 'InProgress');
  const diagnostics = { errorCode: 'ScriptFailed' as const, scriptName: 's', message: 'm', logTail: 'l' };
  book.event(id, 'h1', 'ValidateService', 'Failed', diagnostics);
  book.event(id, 'h2', 'BeforeInstall', 'InProgress');
  book.lost(id, 'h2');
  book.finish(id, 'Failed');
  const [h1, h2] = book.get(id)!.targets;
  t.equal(h1!.status, 'Failed');
  t.match(
    h1!.lifecycleEvents.find((e) => e.lifecycleEventName === 'ValidateService'),
    { status: 'Failed', diagnostics },
  );
  t.equal(h1!.lifecycleEvents.at(-1)!.status, 'Skipped');
  t.equal(h2!.status, 'Failed');
  t.equal(h2!.lifecycleEvents.find((e) => e.lifecycleEventName === 'BeforeInstall')!.status, 'InProgress');
  t.same(book.get(id)!.errorInformation, HEALTH_CONSTRAINTS);
  t.throws(() => book.event(id, 'h9', 'Install', 'InProgress'), /deployment d-REHEARSAL001 has no target h9/);
  t.equal(book.get('d-NONE'), undefined);
});

t.test('real time by default', async (t) => {
  const book = new DeploymentBook();
  t.ok(book.get(book.create('a', 'g', []))!.createTime.getTime() > 0);
});
