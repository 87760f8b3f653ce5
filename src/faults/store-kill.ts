import { storeNode } from '../syntax/fields.js';
import { checkStoreNode, defineFault, passive, whichStore } from './fault.js';

export interface StoreKillSpec {
  atMs: number;
  kind: 'store-kill';
  /** One node of a store that has several (a Redis Cluster's `master-2`); absent: the whole store. */
  target?: string;
}

export const storeKill = defineFault<StoreKillSpec, typeof storeNode>({
  kind: 'store-kill',
  summary:
    'SIGKILL the store server (every session in it is gone unless `store.persistence`), or one node of a Redis Cluster (`store-kill: master-2`: the sessions in its slots); it stays down until `store-restart`.',
  syntax: {
    description: 'Kill the session store process (`true`), or one node of a Redis Cluster by name (`master-2`).',
    example: 'store-kill: true',
    value: storeNode,
    resolve: (node) => (node === true ? {} : { target: node }),
  },
  storeAction: 'process',
  commands: () => ['store-kill'],
  // A Cluster node loses the sessions in its slots; the loss is put down to the restart all the same.
  losesSessions: () => ({ cause: 'store-restarted' }),
  check: (spec, ctx) => checkStoreNode(spec.target, ctx),
  async apply({ topology, spec }) {
    await topology.killStore(spec.target);
    return spec.target === undefined ? {} : { target: spec.target };
  },
  async heal({ topology, spec }) {
    await topology.restartStore(spec.target);
  },
  describe: (spec, tense) => `${whichStore(spec.target)} ${passive(tense, 'killed')}`,
});
