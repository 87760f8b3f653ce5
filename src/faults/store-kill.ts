import type { Scenario } from '../scenario/types.js';
import type { Fault } from './fault.js';
import { externalRedis, hasSentinels, storeKindOf } from './store-kind.js';

/** Why SQLite cannot be "killed": shared by store-kill and store-restart. */
export const SQLITE_NOT_KILLABLE =
  'SQLite is embedded: every replica opens the file itself, so there is no store process to kill, and ' +
  'deleting, renaming or chmod-ing the file does not reach the handles replicas already hold (they would ' +
  'go on serving while the report showed an outage). Use `store-pause` (another connection holds the ' +
  'write lock) for an SQLite outage';

export const SENTINEL_USE_FAILOVER =
  'with `store.sentinels` the primary is killed by `store-failover`, which also waits for a replica to be promoted';

/** Why the store process cannot be killed or restarted in this scenario, if it cannot. */
export function checkStoreProcessFault(scenario: Scenario, architecture: string): string | undefined {
  const external = externalRedis(scenario, architecture);
  if (external !== undefined) return external;
  if (storeKindOf(architecture) === 'sqlite') return SQLITE_NOT_KILLABLE;
  if (hasSentinels(scenario)) return SENTINEL_USE_FAILOVER;
  return undefined;
}

export const storeKill: Fault = {
  kind: 'store-kill',
  summary: 'SIGKILL the Redis server (every session in it is gone unless `store.persistence`); it stays down until `store-restart`.',
  actsOnStore: true,
  check: (_spec, scenario, architecture) => checkStoreProcessFault(scenario, architecture),
  async apply({ topology }) {
    if (topology.store === undefined) return { detail: 'no store: nothing to kill' };
    await topology.killStore();
    return {};
  },
};
