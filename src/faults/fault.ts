import type { FaultSpec, Scenario } from '../scenario/types.js';
import type { Topology } from '../topology/types.js';

/** What a fault needs to act: the topology under load, and its own timeline entry. */
export interface FaultContext {
  topology: Topology;
  spec: FaultSpec;
  /** Resolves after `ms`, or early when the run is aborted. */
  sleep(ms: number): Promise<void>;
}

/** What a fault did, for the fault event in the result. */
export interface FaultEffect {
  /** The replica (or `store`) it acted on, resolved from `random`. */
  target?: string;
  detail?: string;
}

/**
 * One kind of fault, in its own file and named after the word users write in a scenario
 * (`kill`, `restart`, ...). Registered in src/faults/index.ts.
 */
export interface Fault {
  readonly kind: string;
  /** One line for `--help` and the README. */
  readonly summary: string;
  /** Problems with this entry for this scenario and architecture (e.g. a store fault on sticky). */
  check?(spec: FaultSpec, scenario: Scenario, architecture: string): string | undefined;
  apply(ctx: FaultContext): Promise<FaultEffect>;
}
