import { flag } from '../syntax/fields.js';
import { defineFault, passive } from './fault.js';

export interface StoreRestartSpec {
  atMs: number;
  kind: 'store-restart';
}

export const storeRestart = defineFault<StoreRestartSpec, typeof flag>({
  kind: 'store-restart',
  summary: 'Start the store server again on the same port; done when it answers (replicas reconnect on their own).',
  syntax: { description: 'Start the killed store again.', example: 'store-restart: true', value: flag, resolve: () => ({}) },
  storeAction: 'process',
  // A store that was up is stopped first; without persistence it comes back empty either way.
  losesSessions: () => ({ cause: 'store-restarted' }),
  async apply({ topology }) {
    await topology.restartStore();
    return {};
  },
  describe: (_spec, tense) => `the store ${passive(tense, 'restarted')}`,
});
