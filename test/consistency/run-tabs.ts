import type { ArchitectureResult } from '../../src/result/types.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';

import { HAS_REDIS } from '../helpers/redis.js';

/** The architectures a consistency test can run here: the Redis ones need redis-server. */
export function runnable(architectures: string[]): string[] {
  return architectures.filter((a) => HAS_REDIS || (a !== 'redis' && a !== 'redis-atomic'));
}

/**
 * Runs `architectures` with real replicas under a short closed load where every session keeps
 * `tabs` cart requests in flight, and returns each architecture's result by name.
 *
 * Sized so that races are certain rather than likely: 20 adds per session leave many chances for
 * two adds to overlap before checkout, and with 2 replicas and round robin, consecutive tabs of a
 * session land on different processes. A blob store loses hundreds of items in this window; one
 * lost item is enough for the assertions.
 */
export async function runTabs(architectures: string[], tabs: number): Promise<Map<string, ArchitectureResult>> {
  const yaml = `
name: consistency-${tabs}-tabs
architectures: [${architectures.join(', ')}]
replicas: 2
duration: 1500ms
warmup: 300ms
load:
  model: closed
  users: ${Math.max(4, Math.ceil(32 / tabs))}
  parallelPerSession: ${tabs}
  grace: 1s
session:
  adds: 20
  readRatio: 0.3
  payload: 16B
`;
  const result = await runScenario(parseScenario(yaml, 'consistency.yaml'));
  const byName = new Map(result.architectures.map((a) => [a.architecture, a]));
  for (const a of result.architectures) {
    if (!a.complete) throw new Error(`${a.architecture} did not complete: ${a.error}`);
  }
  return byName;
}

/** Items lost from sessions that lived on: overwritten, not failed over. */
export function overwritten(a: ArchitectureResult): number {
  return a.updatesLost - (a.itemsLostWithSessions ?? 0);
}
