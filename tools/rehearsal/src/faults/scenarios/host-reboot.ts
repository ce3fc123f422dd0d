// A host that reboots outside any deployment: systemd stops the service (SIGTERM), then its socket
// (stop runs in the reverse of start order), the host is down for a while, /run is empty again,
// and systemd starts what is enabled: sockets.target comes before multi-user.target.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { check, type Scenario } from '../scenario.ts';

/** A reboot of an EC2 instance, before the time scale: shutdown, firmware, boot. */
const DOWN_SECONDS = 30;

const sha = (file: string): string => {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 12);
  } catch {
    return 'missing';
  }
};

export const hostReboot: Scenario = {
  id: 'host-reboot',
  fault: 'a host that reboots',
  goal: 'after the reboot the host serves the same version with the same settings (env file, certificate)',
  notReproduced:
    'A reboot is not drained: the load balancer keeps sending requests until its health checks fail, and those fail (reported, not a goal). On AWS, Auto Scaling may replace a rebooted instance whose health checks fail instead of waiting for it (https://repost.aws/knowledge-center/auto-scaling-instance-how-terminated), and a reboot during a deployment fails that deployment (https://docs.aws.amazon.com/codedeploy/latest/userguide/troubleshooting-auto-scaling.html).',
  async run({ stage, unitName, timeScale }) {
    const target = stage.active.at(-1)!;
    const version = stage.lastGoodVersion;
    const settings = () => [sha(target.layout.envFile), sha(join(target.layout.tlsDir, 'cert.pem'))].join(' ');
    const before = settings();
    const faultAt = performance.now();
    const enabledBy = (t: string) => {
      try {
        return readdirSync(join(target.layout.unitDir, `${t}.wants`));
      } catch {
        return [];
      }
    };
    const enabled = [...enabledBy('sockets.target'), ...enabledBy('multi-user.target')];
    for (const unit of enabled.toReversed()) target.ctl('stop', unit);
    rmSync(target.layout.supervisorDir, { recursive: true, force: true });
    await sleep((DOWN_SECONDS * 1000) / timeScale);
    for (const unit of enabled) target.ctl('start', unit);
    return {
      faultAt,
      version,
      maxFailed: undefined,
      checks: [
        check(`systemd starts ${unitName} at boot (enabled)`, enabled.includes(unitName), enabled.join(', ')),
        check('the same settings after the reboot', settings() === before, `${before} -> ${settings()}`),
      ],
    };
  },
};
