import { readdirSync } from 'node:fs';
import { readProcStat } from '../process/proc-stat.js';

/** A process as /proc names it: the pid and its start time, which together survive pid reuse. */
export interface ProcessRef {
  pid: number;
  startTime: string;
}

/**
 * The live (not zombie) children of `pid`, from /proc (Linux; empty elsewhere). PostgreSQL's
 * postmaster puts every backend in a process group of its own (setsid), so a signal to the
 * postmaster's group does not reach them: they must be found by parent.
 */
export function childProcesses(pid: number): ProcessRef[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const children: ProcessRef[] = [];
  for (const name of names) {
    const child = Number(name);
    if (!Number.isInteger(child) || child <= 0) continue;
    const stat = readProcStat(child);
    if (stat !== undefined && stat.ppid === pid && stat.state !== 'Z' && stat.state !== 'X') {
      children.push({ pid: child, startTime: stat.startTime });
    }
  }
  return children;
}

/** True while this very process (not a later one with its pid) runs and is not a zombie. */
export function isRunning(ref: ProcessRef): boolean {
  const stat = readProcStat(ref.pid);
  return stat !== undefined && stat.startTime === ref.startTime && stat.state !== 'Z' && stat.state !== 'X';
}

/** True when this very process is stopped (SIGSTOP), or gone. */
export function isStoppedOrGone(ref: ProcessRef): boolean {
  const stat = readProcStat(ref.pid);
  return stat === undefined || stat.startTime !== ref.startTime || stat.state === 'T' || stat.state === 't' || stat.state === 'Z' || stat.state === 'X';
}

/** Sends `signal` to this very process; false when it is gone (never signals a reused pid). */
export function signalProcess(ref: ProcessRef, signal: NodeJS.Signals): boolean {
  if (!isRunning(ref)) return false;
  try {
    process.kill(ref.pid, signal);
    return true;
  } catch {
    return false;
  }
}
