// The host's disk fills up while the agent copies the revision (Install): a real ENOSPC on the
// host's own small disk. The space comes back right after the failed Install, before the
// automatic rollback (a temporary file, or the person on call).
import { readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withVersion } from '../../release-zip.ts';
import { currentOf } from '../row-checks.ts';
import { check, type Scenario } from '../scenario.ts';

/** Fills `dir`'s file system but for `leave` bytes; the file that does it. */
function fill(dir: string, leave: number): string {
  const fs = statfsSync(dir);
  const filler = join(dir, 'filler');
  writeFileSync(filler, Buffer.alloc(Math.max(0, fs.bavail * fs.bsize - leave)));
  return filler;
}

export const diskFullAtInstall: Scenario = {
  id: 'disk-full-at-install',
  fault: 'the disk fills up during Install',
  goal: 'no failed request; the deployment fails (ENOSPC) with current untouched; the rollback then deploys the last good revision again; the CLI names the host, the event and ENOSPC',
  notReproduced:
    "The full disk is real (ENOSPC on a tmpfs of the host's own); the stand-in agent copies with Node, so the message is Node's, where the real agent's would be Ruby's (\"No space left on device\").",
  async run({ stage, release }) {
    const target = stage.active[0]!;
    const lastGood = stage.lastGoodVersion;
    const before = currentOf(target);
    let faultAt = performance.now();
    let atFailure = '';
    let filler = '';
    const d = await stage.deploy(withVersion(release.zip, 'rehearsal-disk-full'), (host, phase) => {
      if (host !== target) return undefined;
      if (phase === 'deploy')
        return {
          beforeStep: (step) => {
            if (step !== 'Install') return;
            faultAt = performance.now();
            filler = fill(host.layout.dir, 64 * 1024);
          },
        };
      return {
        beforeStep: (step) => {
          if (step !== 'ApplicationStop') return;
          atFailure = currentOf(host);
          rmSync(filler, { force: true });
        },
      };
    });
    // The copy that runs out of space is Install's, or, when Install first freed the previous
    // install's files, AfterInstall's verified copy into the release directory.
    const failed = d.rollout.hosts[0];
    const event = failed?.failed ?? 'none';
    return {
      faultAt,
      version: lastGood,
      watch: { deploymentId: d.deploymentId, expect: 'Failed', names: [target.name, event, 'ENOSPC'] },
      maxFailed: 0,
      checks: [
        check(`${target.name} failed in Install or AfterInstall`, ['Install', 'AfterInstall'].includes(event), event),
        check('current was untouched when the copy failed', atFailure === before, `${before} -> ${atFailure}`),
        check('the rollback deployed the last good revision again', d.rollout.rollback?.ok === true),
        check('the filler is gone', !readdirSync(target.layout.dir).includes('filler')),
      ],
    };
  },
};
