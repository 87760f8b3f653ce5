import type { ChildProcess } from 'node:child_process';
import { guardPid, releasePid } from '../src/process/reaper.js';
import { terminate } from '../src/process/process-signals.js';
import { stopAllTopologies } from '../src/topology/topology.js';

/**
 * Every process a bench starts (HAProxy, the fallback server, generator children, wrk) is
 * registered here right after spawning: stopped by its own pid when the bench is done with it,
 * on Ctrl-C, and by statebench's watchdog (src/process/reaper.ts) if the bench is SIGKILLed.
 */
const live = new Set<ChildProcess>();

export function track(child: ChildProcess): ChildProcess {
  if (child.pid === undefined) return child;
  const pid = child.pid;
  live.add(child);
  guardPid(pid);
  child.once('exit', () => {
    live.delete(child);
    releasePid(pid);
  });
  return child;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stop(child: ChildProcess, graceMs = 2000): Promise<void> {
  await terminate(child, graceMs);
  live.delete(child);
  if (child.pid !== undefined) releasePid(child.pid);
}

/** Stops every tracked process and every topology still up; never throws. */
export async function stopEverything(): Promise<void> {
  await Promise.allSettled([...live].map((c) => stop(c, 1000)));
  await stopAllTopologies();
}

let installed = false;
let stopping = false;

/** True once a signal asked the bench to stop: failures after that are its consequence, not news. */
export function isStopping(): boolean {
  return stopping;
}

/** On SIGINT/SIGTERM: stop everything this bench started, then exit 130 / 143. */
export function installSignalCleanup(): void {
  if (installed) return;
  installed = true;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${signal}: stopping benchmark processes...\n`);
    void stopEverything().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
