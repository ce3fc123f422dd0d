// The service killed outside any deployment (as the kernel's OOM killer does: SIGKILL, no
// shutdown): systemd's Restart= brings it back after RestartSec=, and the socket unit keeps the
// listening socket meanwhile, so only the requests in flight on the killed process may fail.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { probeVersion, sleep } from '../../rehearsal-support.ts';
import { check, type Scenario } from '../scenario.ts';

/** Seconds the service gets to start after RestartSec= (Node, TLS files, listen). */
const START_ALLOWANCE_SECONDS = 3;

export const serviceKilled: Scenario = {
  id: 'service-killed',
  fault: 'the service killed outside any deployment (out of memory: SIGKILL)',
  goal: "failed requests no more than were in flight on the host at the kill; the service back within the unit's RestartSec (plus its start)",
  async run({ stage, unitName }) {
    const target = stage.active[0]!;
    const version = stage.lastGoodVersion;
    const unit = readFileSync(join(target.layout.unitDir, unitName), 'utf8');
    const restartSec = Number(/^RestartSec=(.*)$/m.exec(unit)?.[1] ?? '0.1');
    const pid = target.ctlState('main.pid');
    // The requests in flight on the host at the kill: the load balancer's sessions on it, read
    // while the process is frozen (SIGSTOP), so none it holds can end between the count and the
    // kill. Those the socket unit holds in its backlog count too, though they do not fail.
    if (pid !== undefined) process.kill(Number(pid), 'SIGSTOP');
    const inFlight = (await stage.lb.stats()).get(target.name)?.current ?? 0;
    const faultAt = performance.now();
    if (pid !== undefined) process.kill(Number(pid), 'SIGKILL');
    const bound = (restartSec + START_ALLOWANCE_SECONDS) * 1000;
    let back: number | undefined;
    while (back === undefined && performance.now() - faultAt < bound * 2) {
      if ((await probeVersion(target.layout.port)) === version) back = performance.now() - faultAt;
      else await sleep(50);
    }
    return {
      faultAt,
      version,
      maxFailed: inFlight,
      checks: [
        check(`the service on ${target.name} was running (main pid ${pid})`, pid !== undefined),
        check(
          `${target.name} answers again within RestartSec=${restartSec} + ${START_ALLOWANCE_SECONDS} s`,
          back !== undefined && back <= bound,
          back === undefined ? 'not back' : `${(back / 1000).toFixed(1)} s`,
        ),
      ],
    };
  },
};
