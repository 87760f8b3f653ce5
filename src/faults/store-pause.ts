import type { Fault } from './fault.js';
import { externalRedis, hasSentinels, storeKindOf } from './store-kind.js';

export const storePause: Fault = {
  kind: 'store-pause',
  summary:
    'Freeze the store for `for`: Redis is SIGSTOPped (commands hang until the replicas time out); an SQLite ' +
    'file has its write lock held by another connection (writers wait out busy_timeout, readers go on).',
  actsOnStore: true,
  check(_spec, scenario, architecture) {
    const external = externalRedis(scenario, architecture);
    if (external !== undefined) return external;
    if (storeKindOf(architecture) === 'redis' && hasSentinels(scenario)) {
      return 'with `store.sentinels` a paused primary would be failed over and then come back as a second primary; that split brain is not modelled yet (use `store-failover`)';
    }
    return undefined;
  },
  async apply({ topology, spec, sleep }) {
    if (topology.store === undefined) return { detail: 'no store: nothing to pause' };
    const forMs = spec.forMs ?? 0;
    await topology.pauseStore();
    try {
      await sleep(forMs);
    } finally {
      await topology.resumeStore();
    }
    const how = topology.store.kind === 'sqlite' ? 'write lock held' : 'SIGSTOP';
    return { detail: `${how} for ${forMs} ms` };
  },
};
