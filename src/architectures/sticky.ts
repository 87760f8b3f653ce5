import type { Architecture } from './architecture.js';

export const sticky: Architecture = {
  name: 'sticky',
  help:
    'sessions in the memory of the replica that created them; the router pins each session to its replica (affinity). Killing a replica loses exactly the sessions it held.',
  stateLives: 'in the memory of the replica that created them',
  stateShort: 'sessions in replica memory',
  introduction: 'sticky keeps each session in the memory of the replica that created it',
  routing: 'sticky',
  store: undefined,
  targetStore: 'memory',
};
