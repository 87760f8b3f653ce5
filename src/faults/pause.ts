import { durationMs, replicaTarget } from '../syntax/fields.js';
import { formatDurationMs } from '../syntax/figures.js';
import { assertReplicaState, defineFault, passive, pickTarget, who } from './fault.js';

const NEEDS = ['up'] as const;

export interface PauseSpec {
  atMs: number;
  kind: 'pause';
  /** A replica name, or `random`. */
  target: string;
  /** SIGCONT after this long; absent: at a `resume` entry (or never). */
  forMs?: number;
}

const options = { for: durationMs({ description: 'Resume automatically after this long.', positive: true }).optional() };

export const pause = defineFault<PauseSpec, typeof replicaTarget, typeof options>({
  kind: 'pause',
  summary: 'SIGSTOP a replica (a GC pause or hung host); with `for`, SIGCONT after that long.',
  syntax: {
    description: 'SIGSTOP a replica (a GC pause or a hung host); resumes after `for`, or at a `resume` entry.',
    example: 'pause: replica-1\n  for: 1s',
    value: replicaTarget,
    options,
    resolve: (target, o) => ({ target, ...(o.for === undefined ? {} : { forMs: o.for }) }),
  },
  targetsReplica: true,
  commands: (spec) => (spec.forMs === undefined ? ['pause'] : ['pause', 'resume']),
  replicaChange: (spec) => ({ needs: NEEDS, leaves: 'paused', ...(spec.forMs === undefined ? {} : { upAgainAfterMs: spec.forMs }) }),
  async apply({ topology, spec, sleep }) {
    assertReplicaState(topology, spec.target, NEEDS, 'pause');
    const replica = await topology.pause(pickTarget(spec.target));
    if (spec.forMs === undefined) return { target: replica.name };
    await sleep(spec.forMs);
    await topology.resume(replica.name);
    return { target: replica.name, detail: `paused for ${spec.forMs} ms`, healed: true };
  },
  async heal({ topology }, effect) {
    const replica = topology.replicas.find((r) => r.name === effect.target);
    if (replica?.state === 'paused') await topology.resume(replica.name);
  },
  describe: (spec, tense) => `${who(spec.target)} ${passive(tense, 'frozen')}${spec.forMs === undefined ? '' : ` for ${formatDurationMs(spec.forMs)}`}`,
});
