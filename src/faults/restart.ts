import { replicaTarget } from '../syntax/fields.js';
import { defineFault, lostWithReplica, passive, pickTarget, who } from './fault.js';

export interface RestartSpec {
  atMs: number;
  kind: 'restart';
  /** A replica name, or `random`. */
  target: string;
}

export const restart = defineFault<RestartSpec, typeof replicaTarget>({
  kind: 'restart',
  summary: 'Start a killed replica again (same name and port); done when its /healthz answers.',
  syntax: {
    description: 'Start a killed replica again, with the same name.',
    example: 'restart: replica-2',
    value: replicaTarget,
    resolve: (target) => ({ target }),
  },
  targetsReplica: true,
  // Any state: an up replica is stopped first; only one still starting is refused (by the topology).
  replicaChange: () => ({ needs: ['up', 'paused', 'killed', 'stopped'], leaves: 'up' }),
  commands: () => ['restart'],
  // Restarting a replica that is up stops it first: what it held in memory is gone too.
  losesSessions: lostWithReplica,
  async apply({ topology, spec }) {
    const replica = await topology.restart(pickTarget(spec.target));
    return { target: replica.name };
  },
  describe: (spec, tense) => `${who(spec.target)} ${passive(tense, 'restarted')}`,
});
