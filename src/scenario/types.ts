import type { FaultSpec } from '../faults/index.js';
import type { LoadSpec, SessionMix } from '../load/load-spec.js';
import type { StoreOptions, StoreVariants } from '../stores/store-options.js';
import type { HostBudgets } from '../topology/types.js';

/**
 * A scenario after validation, with every default filled in and every duration in
 * milliseconds, every rate in requests per second. This is what the runner consumes and
 * what result files store under `scenario`.
 */
export interface Scenario {
  name: string;
  description?: string;
  /** Architecture names (src/architectures), run one after another, each on a fresh topology. */
  architectures: string[];
  replicas: number;
  /** Measured window (after warm-up). */
  durationMs: number;
  /** Load runs but nothing is recorded. */
  warmupMs: number;
  load: LoadSpec;
  session: SessionMix;
  store: StoreOptions;
  /**
   * A store setting compared within the run (`store.readFrom: [primary, replica]`): each
   * architecture whose store honours it runs once per value; `store` holds the first value.
   * Absent: none.
   */
  storeVariants?: StoreVariants;
  /** CPU budgets of each replica and store process (`hosts:`); absent: none. */
  hosts?: HostBudgets;
  /** Times are relative to the start of the measured window (after warm-up). */
  faults: FaultSpec[];
  thresholds: ThresholdSpec[];
  /** `run` exits with code 98 when the machine disturbed the run (as `--strict`). */
  strict?: boolean;
  /**
   * What routes requests (src/balancer): every architecture runs behind each, in turn. Absent:
   * the in-process router alone.
   */
  balancers?: ('router' | 'haproxy')[];
  /**
   * How architectures share the machine: `sequential` (one after another, each alone, with the
   * whole load) or `concurrent` (all at once, each with an equal share of the load, so the
   * machine's noise lands on all of them alike and their differences can be trusted). Resolved:
   * concurrent when two or more architectures run without faults (a fault's restart burst would
   * land on the others), sequential otherwise. Absent in older results: sequential.
   */
  pairing?: 'sequential' | 'concurrent';
  /** How `statebench capacity` searches (`capacity:`); absent: its defaults. */
  capacity?: CapacitySpec;
}

/** `capacity:` resolved: what the capacity search runs. */
export interface CapacitySpec {
  /** Replica counts searched, each on a fresh topology. */
  replicaCounts: number[];
  /** Every condition must hold for a rate to be sustainable (no architecture prefix). */
  slo: ThresholdSpec[];
  /** Measured window of each probe, after `probeWarmupMs`. */
  probeMs: number;
  probeWarmupMs: number;
  /** First rate probed, req/s. */
  startRps: number;
  /** Highest rate ever probed, req/s. */
  maxRps: number;
  /** Bisection stops when the failing rate is within this fraction above the sustained one. */
  precision: number;
  /** A failing probe is run once more, and the rate fails only if that fails too. */
  confirmFailures: boolean;
}

export type { ClosedLoad, LoadSpec, OpenLoad, SessionMix } from '../load/load-spec.js';
export type { StoreOptions } from '../stores/store-options.js';
export type { FaultSpec } from '../faults/index.js';

export type ThresholdOp = '<' | '<=' | '>' | '>=' | '==';

/** `p99: "< 50ms"` or `sticky.sessions-lost: "> 0"`, parsed. */
export interface ThresholdSpec {
  /** What the user wrote as the key. */
  source: string;
  /** Architecture it applies to; undefined means every architecture. */
  architecture?: string;
  /** A metric name from src/metrics/metric-names.ts (e.g. `p99`, `throughput`, `sessions-lost`). */
  metric: string;
  op: ThresholdOp;
  /** In the metric's base unit: microseconds for latencies, req/s, counts, ratios 0..1. */
  value: number;
  /** What the user wrote as the condition, for messages. */
  expression: string;
}

/** One threshold checked against one architecture's result, as result files store it. */
export interface ThresholdResult {
  source: string;
  architecture: string;
  metric: string;
  expression: string;
  actual: number;
  passed: boolean;
}
