import { replicaTarget } from '../syntax/fields.js';
import { assertReplicaState, defineFault, lostWithReplica, passive, pickTarget, who } from './fault.js';

const NEEDS = ['up', 'paused'] as const;

export interface KillSpec {
  atMs: number;
  kind: 'kill';
  /** A replica name, or `random`. */
  target: string;
}

export const kill = defineFault<KillSpec, typeof replicaTarget>({
  kind: 'kill',
  summary: 'SIGKILL a replica (a crash); it stays down until a `restart`.',
  syntax: {
    description: 'SIGKILL a replica (a crash: sessions in its memory are gone).',
    example: 'kill: replica-2',
    value: replicaTarget,
    resolve: (target) => ({ target }),
  },
  targetsReplica: true,
  replicaChange: () => ({ needs: NEEDS, leaves: 'killed' }),
  commands: () => ['kill'],
  losesSessions: lostWithReplica,
  async apply({ topology, spec }) {
    assertReplicaState(topology, spec.target, NEEDS, 'kill');
    const replica = await topology.kill(pickTarget(spec.target));
    return { target: replica.name };
  },
  async heal({ topology }, effect) {
    if (effect.target !== undefined) await topology.restart(effect.target);
  },
  describe: (spec, tense) => `${who(spec.target)} ${passive(tense, 'killed')}`,
});
