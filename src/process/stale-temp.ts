import { readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readProcStat } from './proc-stat.js';

/**
 * The last line of defence against leftovers: should statebench and its watchdog be killed at
 * the same moment (nothing then runs to clean up), the next statebench removes what they left.
 * Every temporary directory statebench guards carries an owner mark (pid and start time); a
 * directory whose owner is gone is stale: any process still working in it (a PostgreSQL
 * backend stopped by `store-pause`, which no parent-death signal can wake) is killed, and the
 * directory removed. Only directories named `statebench-*` in the temp directory, owned by this
 * user and marked by statebench, are ever touched.
 */

export const OWNER_MARK = '.statebench-owner';
const PREFIX = 'statebench-';

/** Marks `dir` as this process's (no-op for a file, or where it cannot be written). */
export function markOwner(dir: string): void {
  try {
    if (!statSync(dir).isDirectory()) return;
    writeFileSync(path.join(dir, OWNER_MARK), `${process.pid} ${readProcStat(process.pid)?.startTime ?? ''}\n`, { mode: 0o600 });
  } catch {
    // Unmarked: only the watchdog will remove it.
  }
}

/** Removes stale statebench directories in the temp directory; returns the ones removed. Never throws. */
export function sweepStaleTempDirs(root = tmpdir()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(root).filter((n) => n.startsWith(PREFIX));
  } catch {
    return removed;
  }
  const uid = process.getuid?.();
  let cwds: Map<number, string> | undefined;
  for (const name of names) {
    const dir = path.join(root, name);
    try {
      const info = statSync(dir);
      if (!info.isDirectory() || (uid !== undefined && info.uid !== uid)) continue;
      const [pid, startTime] = readFileSync(path.join(dir, OWNER_MARK), 'utf8').trim().split(' ');
      if (ownerAlive(Number(pid), startTime)) continue;
      cwds ??= processCwds();
      for (const [child, cwd] of cwds) {
        if (cwd === dir || cwd.startsWith(`${dir}${path.sep}`)) {
          try {
            process.kill(child, 'SIGCONT');
            process.kill(child, 'SIGKILL');
          } catch {
            // Gone, or not ours.
          }
        }
      }
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // No owner mark (not one of ours, or made by an older statebench), or not removable.
    }
  }
  return removed;
}

function ownerAlive(pid: number, startTime: string | undefined): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return true; // unreadable mark: leave it alone
  const stat = readProcStat(pid);
  if (stat !== undefined) return stat.state !== 'Z' && (startTime === undefined || startTime === '' || stat.startTime === startTime);
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Every process's working directory that can be read (Linux /proc; empty elsewhere). */
function processCwds(): Map<number, string> {
  const cwds = new Map<number, string>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return cwds;
  }
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) continue;
    try {
      cwds.set(pid, readlinkSync(`/proc/${pid}/cwd`));
    } catch {
      // Gone, or another user's.
    }
  }
  return cwds;
}
