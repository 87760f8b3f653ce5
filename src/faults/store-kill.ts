import { flag } from '../syntax/fields.js';
import { defineFault, passive } from './fault.js';

export interface StoreKillSpec {
  atMs: number;
  kind: 'store-kill';
}

export const storeKill = defineFault<StoreKillSpec, typeof flag>({
  kind: 'store-kill',
  summary: 'SIGKILL the store server (every session in it is gone unless `store.persistence`); it stays down until `store-restart`.',
  syntax: { description: 'Kill the session store process.', example: 'store-kill: true', value: flag, resolve: () => ({}) },
  storeAction: 'process',
  losesSessions: () => ({ cause: 'store-restarted' }),
  async apply({ topology }) {
    await topology.killStore();
    return {};
  },
  async heal({ topology }) {
    await topology.restartStore();
  },
  describe: (_spec, tense) => `the store ${passive(tense, 'killed')}`,
});
