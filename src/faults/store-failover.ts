import { flag } from '../syntax/fields.js';
import { defineFault, passive } from './fault.js';

export interface StoreFailoverSpec {
  atMs: number;
  kind: 'store-failover';
}

export const storeFailover = defineFault<StoreFailoverSpec, typeof flag>({
  kind: 'store-failover',
  summary:
    'SIGKILL the store primary and wait until a replica is promoted (Redis Sentinels); writes the replica had not ' +
    'received yet (asynchronous replication) are lost, and show as lost sessions and items.',
  syntax: { description: 'Kill the store primary so a replica is promoted (replicated Redis only).', example: 'store-failover: true', value: flag, resolve: () => ({}) },
  storeAction: 'failover',
  losesSessions: () => ({ cause: 'failover' }),
  async apply({ topology }) {
    const { promoted, tookMs } = await topology.failoverStore();
    return { detail: `primary killed; Sentinels promoted ${promoted} after ${tookMs} ms` };
  },
  describe: (_spec, tense) => `the store primary ${passive(tense, 'killed')} and a replica promoted`,
});
