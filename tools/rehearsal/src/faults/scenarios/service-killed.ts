// The service killed outside any deployment (as the kernel's OOM killer does: SIGKILL, no
// shutdown): systemd's Restart= brings it back after RestartSec=, and the socket unit keeps the
// listening socket meanwhile, so only the requests in flight on the killed process may fail.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { probeVersion } from '../../rehearsal-support.ts';
import { check, type Scenario } from '../scenario.ts';

/** Seconds the service gets to start after RestartSec= (Node, TLS files, listen). */
const START_ALLOWANCE_SECONDS = 3;

/** The process's established TCP connections on `port`, from /proc (proc(5): /proc/net/tcp). */
function connectionsOf(pid: number, port: number): number {
  const inodes = new Set(
    readdirSync(`/proc/${pid}/fd`).map((fd) => /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1]),
  );
  const local = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return ['tcp', 'tcp6']
    .flatMap((table) => readFileSync(`/proc/${pid}/net/${table}`, 'utf8').trim().split('\n').slice(1))
    .map((line) => line.trim().split(/\s+/))
    .filter(([, address, , state, , , , , , inode]) => address!.endsWith(local) && state === '01' && inodes.has(inode))
    .length;
}

export const serviceKilled: Scenario = {
  id: 'service-killed',
  fault: 'the service killed outside any deployment (out of memory: SIGKILL)',
  goal: "failed requests no more than were in flight on the host at the kill (one per connection the killed process held); the service back within the unit's RestartSec (plus its start)",
  async run({ stage, unitName }) {
    const target = stage.active[0]!;
    const version = stage.lastGoodVersion;
    const unit = readFileSync(join(target.layout.unitDir, unitName), 'utf8');
    const restartSec = Number(/^RestartSec=(.*)$/m.exec(unit)?.[1] ?? '0.1');
    const pid = target.ctlState('main.pid');
    // What the kill may cost: one request per connection the process holds (the one in flight on
    // it, or the next the load balancer sends there before it sees the connection closed: haproxy
    // closes its client's connection then, and neither it nor the ALB retries elsewhere). Counted
    // while the process is frozen (SIGSTOP), so none can open or end between the count and the
    // kill; connections still in the socket unit's backlog are not the process's and lose nothing.
    if (pid !== undefined) process.kill(Number(pid), 'SIGSTOP');
    const inFlight = pid === undefined ? 0 : connectionsOf(Number(pid), target.layout.port);
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
