import type { Scenario } from '../scenario/types.js';
import { STORE_OF } from '../topology/topology.js';
import type { ArchitectureName } from '../topology/types.js';

/**
 * Where an architecture keeps sessions, as store faults see it: a Redis server (a process and a
 * network hop), an embedded SQLite file (neither), or nowhere outside the replicas (sticky
 * memory, signed cookies).
 */
export function storeKindOf(architecture: string): 'redis' | 'sqlite' | undefined {
  const store = STORE_OF[architecture as ArchitectureName] ?? '';
  if (store.startsWith('redis')) return 'redis';
  if (store.startsWith('sqlite')) return 'sqlite';
  return undefined;
}

/** Where an architecture without a store keeps sessions (`in the client's cookie`); undefined if it has a store. */
export function sessionsLiveWhere(architecture: string): string | undefined {
  if (storeKindOf(architecture) !== undefined) return undefined;
  return STORE_OF[architecture as ArchitectureName] === 'cookie' ? "in the client's signed cookie" : 'in replica memory';
}

/** True when the scenario asks for a replicated Redis watched by Sentinels. */
export function hasSentinels(scenario: Scenario): boolean {
  return (scenario.store.sentinels ?? 0) > 0;
}

/** Why a fault that kills or freezes the store cannot apply: the Redis is not statebench's. */
export function externalRedis(scenario: Scenario, architecture: string): string | undefined {
  if (storeKindOf(architecture) !== 'redis' || scenario.store.redisUrl === undefined) return undefined;
  return 'needs a Redis statebench starts itself, but the run uses an existing one (`store.redisUrl` or `--redis-url`), which it will not kill or pause';
}
