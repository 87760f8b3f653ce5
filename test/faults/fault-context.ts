import type { FaultContext } from '../../src/faults/fault.js';
import type { FaultSpec } from '../../src/scenario/types.js';
import type { Topology } from '../../src/topology/types.js';

/** What the fault timeline hands a fault, for calling `apply` directly on a real topology. */
export function faultContext(topology: Topology, spec: Omit<FaultSpec, 'atMs'>): FaultContext {
  return {
    topology,
    spec: { atMs: 0, ...spec },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    signal: new AbortController().signal,
  };
}
