import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { markOwner, sweepStaleTempDirs } from './stale-temp.js';

/**
 * Parent side of the watchdog (see reaper-process.ts): one per statebench process, started on
 * first use. Every child pid, temp dir and cgroup is registered here right after it is created and
 * released once it is gone, so a SIGKILLed statebench leaves nothing behind.
 */

const pids = new Set<number>();
const dirs = new Set<string>();
const cgroups = new Set<string>();
let watchdog: ChildProcess | undefined;
/** Watchdogs started lately: one that keeps dying at once must not be respawned forever. */
const recentStartsMs: number[] = [];
const MAX_RESPAWNS_PER_MINUTE = 10;
let swept = false;

/** Compiled output sits next to this file; under vitest this file is the .ts source, so use dist. */
function reaperScript(): string {
  const here = fileURLToPath(new URL('./reaper-process.js', import.meta.url));
  return existsSync(here) ? here : fileURLToPath(new URL('../../dist/src/process/reaper-process.js', import.meta.url));
}

function ensureWatchdog(): ChildProcess | undefined {
  if (watchdog !== undefined && watchdog.exitCode === null && watchdog.signalCode === null) return watchdog;
  if (!swept) {
    swept = true;
    // What an earlier statebench left when it and its watchdog were killed together.
    sweepStaleTempDirs();
  }
  const nowMs = Date.now();
  while (recentStartsMs.length > 0 && recentStartsMs[0] < nowMs - 60_000) recentStartsMs.shift();
  if (recentStartsMs.length >= MAX_RESPAWNS_PER_MINUTE) return undefined;
  recentStartsMs.push(nowMs);
  const child = spawn(process.execPath, [reaperScript(), String(process.pid)], {
    // Own process group: a Ctrl-C to the terminal's group must not kill the watchdog before
    // it is needed. stdio only stdin: its closing is the signal.
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  // The watchdog must never keep statebench alive, nor crash it if it dies first.
  child.unref();
  child.stdin?.on('error', () => {});
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  child.on('error', () => {});
  child.on('exit', () => {
    if (watchdog !== child) return;
    watchdog = undefined;
    // Killed while statebench lives (by a user, an OOM killer): a new one takes over at once,
    // told everything still guarded, so a SIGKILL of statebench right after still leaves nothing.
    if (pids.size > 0 || dirs.size > 0) ensureWatchdog();
  });
  watchdog = child;
  // A respawned watchdog must learn what its predecessor guarded.
  let lines = '';
  for (const pid of pids) lines += `+${pid}\n`;
  for (const dir of dirs) lines += `+d${dir}\n`;
  for (const group of cgroups) lines += `+c${group}\n`;
  if (lines !== '') child.stdin?.write(lines);
  return child;
}

function send(line: string): void {
  const child = watchdog;
  if (child !== undefined && child.stdin?.writable) child.stdin.write(line + '\n');
  else ensureWatchdog();
}

/** Kill this process (SIGCONT, SIGKILL) if statebench dies without stopping it. */
export function guardPid(pid: number): void {
  pids.add(pid);
  send(`+${pid}`);
}

/** The process is gone (or stopped by statebench); forget it so a reused pid is never killed. */
export function releasePid(pid: number): void {
  if (pids.delete(pid)) send(`-${pid}`);
}

/**
 * Remove this directory (or file) if statebench dies without removing it. A directory gets an
 * owner mark (this pid and its start time), so a later statebench can remove it should this one
 * and its watchdog both be killed (stale-temp.ts).
 */
export function guardDir(dir: string): void {
  dirs.add(dir);
  markOwner(dir);
  send(`+d${dir}`);
}

export function releaseDir(dir: string): void {
  if (dirs.delete(dir)) send(`-d${dir}`);
}

/**
 * SIGCONT and SIGKILL every guarded process now, synchronously: a second Ctrl-C, or a graceful
 * stop past its deadline. The pids stay guarded (the owners see them exit and release them).
 */
export function killGuardedNow(): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGCONT');
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** Empty and remove this cgroup (src/process/cpu-budget.ts) if statebench dies without removing it. */
export function guardCgroup(path: string): void {
  cgroups.add(path);
  send(`+c${path}`);
}

export function releaseCgroup(path: string): void {
  if (cgroups.delete(path)) send(`-c${path}`);
}

/** The watchdog's pid, for tests that check nothing outlives statebench. */
export function watchdogPid(): number | undefined {
  return watchdog?.pid;
}
