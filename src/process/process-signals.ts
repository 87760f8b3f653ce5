import type { ChildProcess } from 'node:child_process';
import { sleep } from './health-check.js';
import { hasProcFs, readProcStat } from './proc-stat.js';

/** True once the child has exited (and Node has reaped it). */
export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Resolves when the child exits, or false after `timeoutMs`. */
export function waitExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (hasExited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

/** SIGKILL and wait for the exit (SIGKILL also ends a stopped process). */
export async function killNow(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return;
  child.kill('SIGKILL');
  await waitExit(child, 5000);
}

/** SIGTERM (resuming it first if stopped), then SIGKILL after `graceMs`. */
export async function terminate(child: ChildProcess, graceMs: number): Promise<void> {
  if (hasExited(child)) return;
  child.kill('SIGTERM');
  child.kill('SIGCONT');
  if (!(await waitExit(child, graceMs))) await killNow(child);
}

/**
 * SIGSTOP, resolving once the kernel reports the process stopped (`T` in /proc). Without /proc
 * (not Linux) it resolves after a short delay instead.
 */
export async function stopProcess(child: ChildProcess, timeoutMs = 2000): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  child.kill('SIGSTOP');
  if (!hasProcFs()) return sleep(20);
  const deadlineMs = Date.now() + timeoutMs;
  while (Date.now() < deadlineMs) {
    const state = readProcStat(pid)?.state;
    if (state === undefined || state === 'T' || state === 't' || state === 'Z') return;
    await sleep(2);
  }
}
