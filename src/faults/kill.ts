import type { Fault } from './fault.js';

export const kill: Fault = {
  kind: 'kill',
  summary: 'SIGKILL a replica (a crash); it stays down until a `restart`.',
  async apply({ topology, spec }) {
    const replica = await topology.kill(pickTarget(spec.target));
    return { target: replica.name };
  },
};

/** `random` (or nothing) lets the topology choose among live replicas. */
export function pickTarget(target: string | undefined): string | undefined {
  return target === undefined || target === 'random' ? undefined : target;
}
