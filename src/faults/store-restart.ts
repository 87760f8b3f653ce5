import type { Fault } from './fault.js';
import { SENTINEL_USE_FAILOVER, SQLITE_NOT_KILLABLE } from './store-kill.js';
import { externalRedis, hasSentinels, storeKindOf } from './store-kind.js';

export const storeRestart: Fault = {
  kind: 'store-restart',
  summary: 'Start the Redis server again on the same port; done when it answers PING (replicas reconnect on their own).',
  actsOnStore: true,
  check(_spec, scenario, architecture) {
    const external = externalRedis(scenario, architecture);
    if (external !== undefined) return external;
    if (storeKindOf(architecture) === 'sqlite') return SQLITE_NOT_KILLABLE;
    if (hasSentinels(scenario)) return SENTINEL_USE_FAILOVER;
    return undefined;
  },
  async apply({ topology }) {
    if (topology.store === undefined) return { detail: 'no store: nothing to restart' };
    await topology.restartStore();
    return {};
  },
};
