import type { Fault } from './fault.js';
import { pickTarget } from './kill.js';

export const resume: Fault = {
  kind: 'resume',
  summary: 'SIGCONT a paused replica; done when its /healthz answers.',
  async apply({ topology, spec }) {
    const replica = await topology.resume(pickTarget(spec.target));
    return { target: replica.name };
  },
};
