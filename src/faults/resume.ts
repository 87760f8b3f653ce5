import { replicaTarget } from '../syntax/fields.js';
import { assertReplicaState, defineFault, passive, pickTarget, who } from './fault.js';

const NEEDS = ['paused'] as const;

export interface ResumeSpec {
  atMs: number;
  kind: 'resume';
  /** A replica name, or `random` (a random paused replica). */
  target: string;
}

export const resume = defineFault<ResumeSpec, typeof replicaTarget>({
  kind: 'resume',
  summary: 'SIGCONT a paused replica; done when its /healthz answers.',
  syntax: {
    description: 'SIGCONT a paused replica.',
    example: 'resume: replica-1',
    value: replicaTarget,
    resolve: (target) => ({ target }),
  },
  targetsReplica: true,
  replicaChange: () => ({ needs: NEEDS, leaves: 'up' }),
  commands: () => ['resume'],
  async apply({ topology, spec }) {
    assertReplicaState(topology, spec.target, NEEDS, 'resume');
    const replica = await topology.resume(pickTarget(spec.target));
    return { target: replica.name };
  },
  describe: (spec, tense) => `${who(spec.target)} ${passive(tense, 'resumed')}`,
});
