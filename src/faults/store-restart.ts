import { storeNode } from '../syntax/fields.js';
import { checkStoreNode, defineFault, passive, whichStore } from './fault.js';

export interface StoreRestartSpec {
  atMs: number;
  kind: 'store-restart';
  /** The node of a Redis Cluster to start again (`master-2`); absent: the whole store. */
  target?: string;
}

export const storeRestart = defineFault<StoreRestartSpec, typeof storeNode>({
  kind: 'store-restart',
  summary: 'Start the store server (or the Redis Cluster node named) again on the same port; done when it answers (replicas reconnect on their own).',
  syntax: {
    description: 'Start the killed store again (`true`), or the Redis Cluster node named (`master-2`).',
    example: 'store-restart: true',
    value: storeNode,
    resolve: (node) => (node === true ? {} : { target: node }),
  },
  storeAction: 'process',
  commands: () => ['store-restart'],
  // A store that was up is stopped first; without persistence it comes back empty either way.
  losesSessions: () => ({ cause: 'store-restarted' }),
  check: (spec, ctx) => checkStoreNode(spec.target, ctx),
  async apply({ topology, spec }) {
    await topology.restartStore(spec.target);
    return spec.target === undefined ? {} : { target: spec.target };
  },
  describe: (spec, tense) => `${whichStore(spec.target)} ${passive(tense, 'restarted')}`,
});
