import type { FaultSpec, Scenario } from '../scenario/types.js';
import type { Topology } from '../topology/types.js';

/** What a fault needs to act: the topology under load, and its own timeline entry. */
export interface FaultContext {
  topology: Topology;
  spec: FaultSpec;
  /** Resolves after `ms`, or early when the run is aborted. */
  sleep(ms: number): Promise<void>;
  /** Aborted when the measured window ends: a fault with several steps stops taking new ones. */
  signal: AbortSignal;
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
  /**
   * Acts on the session store. On an architecture with no store (sticky memory, cookies) such a
   * fault changes nothing, which is the comparison users want (the store is a dependency sticky
   * does not have); a scenario where no architecture has a store is rejected (see check-faults.ts).
   */
  readonly actsOnStore?: boolean;
  /**
   * Why this entry cannot be carried out for this scenario and architecture (e.g. `store-kill`
   * on an embedded SQLite file); undefined when it can. Called before anything starts.
   */
  check?(spec: FaultSpec, scenario: Scenario, architecture: string): string | undefined;
  apply(ctx: FaultContext): Promise<FaultEffect>;
}
