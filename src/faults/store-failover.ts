import type { Fault } from './fault.js';
import { externalRedis, hasSentinels, storeKindOf } from './store-kind.js';

export const storeFailover: Fault = {
  kind: 'store-failover',
  summary:
    'SIGKILL the Redis primary and wait until the Sentinels promote a replica; writes the replica had not ' +
    'received yet (asynchronous replication) are lost, and show as lost sessions and items.',
  actsOnStore: true,
  check(_spec, scenario, architecture) {
    const external = externalRedis(scenario, architecture);
    if (external !== undefined) return external;
    if (storeKindOf(architecture) === 'sqlite') return 'SQLite is one file with no replica to promote; `store-failover` needs a replicated Redis';
    if (!hasSentinels(scenario) || (scenario.store.replicas ?? 0) < 1) {
      return 'needs a replicated Redis to fail over: add `store: { replicas: 1, sentinels: 3 }`';
    }
    return undefined;
  },
  async apply({ topology }) {
    if (topology.store === undefined) return { detail: 'no store: nothing to fail over' };
    const { promoted, tookMs } = await topology.failoverStore();
    return { detail: `primary killed; Sentinels promoted ${promoted} after ${tookMs} ms` };
  },
};
