import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { dieWithParent } from '../process/parent-death.js';
import type { CpuBudget } from '../process/cpu-budget.js';
import { guardPid, releasePid } from '../process/reaper.js';

/** How much of a store server's output is kept to explain a failed start. */
const LOG_TAIL_CHARS = 2000;

/** A store server process statebench started, with the last lines it printed. */
export interface OwnedProcess {
  child: ChildProcess;
  /** The last few lines of its stdout and stderr together (for start errors). */
  logTail(): string;
}

/**
 * Spawns a store server in its own process group (`detached`), so a terminal Ctrl-C reaches
 * statebench alone and the stop order is ours, and so a whole server (PostgreSQL's postmaster
 * and its backends) can be paused with one signal to the group. The pid is guarded by the
 * watchdog until it exits, so a SIGKILLed statebench leaves no server behind. With `cpu`, it
 * starts inside that CPU budget (and so does everything it forks).
 */
export function spawnOwned(command: string, args: string[], options: Omit<SpawnOptions, 'detached' | 'stdio'> = {}, cpu?: CpuBudget): OwnedProcess {
  let tail = '';
  const keep = (d: Buffer | string): void => {
    tail = (tail + d.toString()).slice(-LOG_TAIL_CHARS);
  };
  // Through setpriv where available: the server dies with statebench even when the watchdog is
  // gone. Innermost, after any change of user: a change of credentials clears the death signal.
  const run = dieWithParent(command, args);
  // A budgeted process joins its group as root, then drops to the user asked for (see CpuBudget.command).
  const { uid, gid, ...rest } = options;
  const runAs = cpu !== undefined && uid !== undefined ? { uid, gid: gid ?? uid } : undefined;
  const line = cpu?.command(run.command, run.args, runAs) ?? run;
  const spawnOptions = cpu === undefined ? options : rest;
  const child = spawn(line.command, line.args, { ...spawnOptions, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('error', (err) => keep(String(err)));
  if (child.pid !== undefined) {
    const pid = child.pid;
    guardPid(pid);
    child.once('exit', () => releasePid(pid));
  }
  return { child, logTail: () => lastLines(tail) };
}

/** The last three lines of `text`, joined on one line. */
export function lastLines(text: string): string {
  const lines = text.trim().split('\n');
  return lines.slice(-3).join(' | ') || 'no output';
}
