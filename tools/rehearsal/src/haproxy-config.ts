// haproxy configuration standing in for the ALB and its target group: TLS in front, HTTPS health
// checks on HEALTH_PATH with the target group's thresholds, and an admin socket through which the
// rehearsal drains and re-enables hosts as CodeDeploy's traffic control does.
import { HEALTH_CHECK, HEALTH_PATH } from '@hello/config/constants';

export interface HaproxyConfigOptions {
  readonly frontendPort: number;
  /** Combined certificate and key (PEM) for the frontend. */
  readonly certPem: string;
  readonly adminSocket: string;
  /** A disabled server is a spare slot: out until the runtime API makes it ready. */
  readonly servers: readonly { readonly name: string; readonly port: number; readonly disabled?: boolean }[];
  /** Divides the health check interval and timeout; 1 = the target group's own numbers. */
  readonly timeScale: number;
  /** Keep-alive toward the client, as the ALB's idle timeout. */
  readonly idleTimeoutSeconds: number;
}

export const BACKEND = 'hosts';

export function haproxyConfig(o: HaproxyConfigOptions): string {
  if (!(o.timeScale >= 1 && o.timeScale <= 100))
    throw new Error(`timeScale ${o.timeScale} is not allowed; expected 1 to 100`);
  if (o.servers.length === 0) throw new Error('haproxy needs at least one server');
  const ms = (seconds: number): string => `${Math.round((seconds * 1000) / o.timeScale)}ms`;
  return [
    'global',
    `  stats socket ${o.adminSocket} mode 600 level admin`,
    '  maxconn 2000',
    '',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 30s',
    '  timeout server 30s',
    `  timeout http-keep-alive ${o.idleTimeoutSeconds}s`,
    // The ALB does not retry a request on another target; neither does this.
    '  retries 0',
    '',
    'frontend https',
    `  bind 127.0.0.1:${o.frontendPort} ssl crt ${o.certPem}`,
    `  default_backend ${BACKEND}`,
    '',
    `backend ${BACKEND}`,
    '  balance roundrobin',
    '  option httpchk',
    `  http-check send meth GET uri ${HEALTH_PATH}`,
    '  http-check expect status 200',
    `  timeout check ${ms(HEALTH_CHECK.timeoutSeconds)}`,
    `  default-server check ssl verify none inter ${ms(HEALTH_CHECK.intervalSeconds)} rise ${HEALTH_CHECK.healthyThreshold} fall ${HEALTH_CHECK.unhealthyThreshold}`,
    ...o.servers.map((s) => `  server ${s.name} 127.0.0.1:${s.port}${s.disabled === true ? ' disabled' : ''}`),
    '',
  ].join('\n');
}
