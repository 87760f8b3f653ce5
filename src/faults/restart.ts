import type { Fault } from './fault.js';
import { pickTarget } from './kill.js';

export const restart: Fault = {
  kind: 'restart',
  summary: 'Start a killed replica again (same name and port); done when its /healthz answers.',
  async apply({ topology, spec }) {
    const replica = await topology.restart(pickTarget(spec.target));
    return { target: replica.name };
  },
};
