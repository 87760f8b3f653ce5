import type { Fault } from './fault.js';
import { checkStoreProcessFault } from './store-kill.js';

export const storeRestart: Fault = {
  kind: 'store-restart',
  summary: 'Start the Redis server again on the same port; done when it answers PING (replicas reconnect on their own).',
  actsOnStore: true,
  check: (_spec, scenario, architecture) => checkStoreProcessFault(scenario, architecture),
  async apply({ topology }) {
    if (topology.store === undefined) return { detail: 'no store: nothing to restart' };
    await topology.restartStore();
    return {};
  },
};
