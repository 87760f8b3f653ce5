import { readdirSync } from 'node:fs';
import { readProcStat } from '../../src/process/proc-stat.js';

/** True while the process exists and is not a zombie (PID 1 here may never reap orphans). */
export function isAlive(pid: number): boolean {
  const stat = readProcStat(pid);
  if (stat !== undefined) return stat.state !== 'Z' && stat.state !== 'X';
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Pids of the direct children of `pid` (Linux /proc). */
export function listChildren(pid: number): number[] {
  const children: number[] = [];
  for (const name of readdirSync('/proc')) {
    const child = Number(name);
    if (!Number.isInteger(child) || child <= 0) continue;
    const stat = readProcStat(child);
    if (stat?.ppid === pid && stat.state !== 'Z') children.push(child);
  }
  return children;
}

/** Polls until `predicate` holds; false after `timeoutMs`. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 20): Promise<boolean> {
  const deadlineMs = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return true;
    if (Date.now() >= deadlineMs) return false;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Waits (bounded) for every pid to be gone; returns those still alive. */
export async function survivors(pids: Iterable<number>, timeoutMs = 5000): Promise<number[]> {
  const list = [...pids];
  await waitFor(() => list.every((p) => !isAlive(p)), timeoutMs);
  return list.filter(isAlive);
}

/**
 * Waits (bounded) until this test process has no children left but the watchdog, which lives as
 * long as the process by design; returns the pids still there.
 */
export async function leftoverChildren(watchdogPid: number | undefined, timeoutMs = 5000): Promise<number[]> {
  const others = (): number[] => listChildren(process.pid).filter((p) => p !== watchdogPid);
  await waitFor(() => others().length === 0, timeoutMs);
  return others();
}

/** Every process below `pid` (children, grandchildren, ...). */
export function descendants(pid: number): number[] {
  const all: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of listChildren(queue.shift()!)) {
      all.push(child);
      queue.push(child);
    }
  }
  return all;
}
