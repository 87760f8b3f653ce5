import type { FaultContext } from '../../src/faults/fault.js';
import type { FaultSpec } from '../../src/scenario/types.js';
import type { Topology } from '../../src/topology/types.js';

type WithoutAt<T> = T extends unknown ? Omit<T, 'atMs'> : never;
type Spec<S> = S & { atMs: number; kind: string };

/** What the fault timeline hands a fault, for calling `apply` directly on a real topology. */
export function faultContext<S extends WithoutAt<FaultSpec>>(topology: Topology, spec: S): FaultContext<Spec<S>> {
  return {
    topology,
    spec: { atMs: 0, ...spec } as Spec<S>,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    signal: new AbortController().signal,
  };
}
