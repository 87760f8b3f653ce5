import type { LoadStats, RunLoadOptions } from './load-options.js';
import { runLoadHere } from './run-engine.js';

export type { EngineShard, LoadStats, RunLoadOptions } from './load-options.js';

/**
 * Drives the replicas behind `router` with virtual users for warm-up plus the measured window,
 * then waits up to the grace period for requests in flight. Records into `recorder`; never
 * prints, never throws for failed requests.
 */
export async function runLoad(opts: RunLoadOptions): Promise<LoadStats> {
  if ((opts.workers ?? 1) > 1) {
    const { runLoadInWorkers } = await import('./load-workers.js');
    return runLoadInWorkers(opts);
  }
  return runLoadHere(opts);
}
