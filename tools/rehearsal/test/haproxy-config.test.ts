import t from 'tap';
import { HEALTH_CHECK, HEALTH_PATH } from '@hello/config/constants';
import { haproxyConfig, type HaproxyConfigOptions } from '../src/haproxy-config.ts';
import { parseStats } from '../src/haproxy.ts';

const options: HaproxyConfigOptions = {
  frontendPort: 9443,
  certPem: '/tmp/lb.pem',
  adminSocket: '/tmp/lb.sock',
  servers: [
    { name: 'h1', port: 18441 },
    { name: 'h2', port: 18442 },
  ],
  timeScale: 1,
  idleTimeoutSeconds: 60,
};

t.test('the target group health check, on loopback only', async (t) => {
  const text = haproxyConfig(options);
  t.match(text, 'bind 127.0.0.1:9443 ssl crt /tmp/lb.pem');
  t.match(text, `http-check send meth GET uri ${HEALTH_PATH}`);
  t.match(
    text,
    `inter ${HEALTH_CHECK.intervalSeconds * 1000}ms rise ${HEALTH_CHECK.healthyThreshold} fall ${HEALTH_CHECK.unhealthyThreshold}`,
  );
  t.match(text, `timeout check ${HEALTH_CHECK.timeoutSeconds * 1000}ms`);
  t.match(text, 'server h2 127.0.0.1:18442\n');
  t.match(
    haproxyConfig({ ...options, servers: [...options.servers, { name: 'h3', port: 18443, disabled: true }] }),
    'server h3 127.0.0.1:18443 disabled\n',
    'a spare slot stays out until the runtime API readies it',
  );
  t.match(text, 'retries 0');
  t.notMatch(text, /0\.0\.0\.0|\*:/, 'nothing listens beyond loopback');
});

t.test('scaling keeps the ratios', async (t) => {
  const text = haproxyConfig({ ...options, timeScale: 10 });
  t.match(text, `inter ${HEALTH_CHECK.intervalSeconds * 100}ms rise ${HEALTH_CHECK.healthyThreshold}`);
  t.match(text, `timeout check ${HEALTH_CHECK.timeoutSeconds * 100}ms`);
  t.throws(() => haproxyConfig({ ...options, timeScale: 0 }), /timeScale 0 is not allowed/);
  t.throws(() => haproxyConfig({ ...options, servers: [] }), /at least one server/);
});

t.test('stats of the backend servers', async (t) => {
  const csv =
    '# pxname,svname,qcur,qmax,scur,smax,status\nhttps,FRONTEND,,,3,9,OPEN\nhosts,h1,0,0,2,5,UP\nhosts,h2,0,0,0,1,DRAIN\nhosts,BACKEND,0,0,2,6,UP\n';
  t.same(
    [...parseStats(csv)],
    [
      ['h1', { status: 'UP', current: 2 }],
      ['h2', { status: 'DRAIN', current: 0 }],
    ],
  );
  t.throws(() => parseStats('# pxname,svname\n'), /no status column/);
  t.throws(() => parseStats(''), /no pxname column/, 'an empty answer is an error, not an empty backend');
});
