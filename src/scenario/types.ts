import type { HaproxySettings } from '../balancer/haproxy-config.js';
import type { FaultSpec } from '../faults/index.js';
import type { LoadSpec, SessionMix } from '../load/load-spec.js';
import type { StoreOptions, StoreVariants } from '../stores/store-options.js';
import type { HostBudgets } from '../topology/types.js';
import type { ExternalTargets } from '../topology/external-spec.js';

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
  /** How the HAProxy in front pins sessions and checks replicas (`haproxy:`), wherever it runs; absent: statebench's defaults. */
  haproxy?: HaproxySettings;
  /**
   * How architectures share the machine: `sequential` (one after another, each alone, with the
   * whole load) or `concurrent` (all at once, each with an equal share of the load, so the
   * machine's noise lands on all of them alike and their differences can be trusted). Resolved:
   * concurrent when two or more architectures run without faults (a fault's restart burst would
   * land on the others), sequential otherwise. Absent in older results: sequential.
   */
  pairing?: 'sequential' | 'concurrent';
  /**
   * Where the replicas come from: absent, statebench starts them here; `external`, per
   * architecture, replicas (and a store) someone else runs, broken by the scenario's commands.
   */
  topology?: ScenarioTopology;
  /** How `statebench capacity` searches (`capacity:`); absent: its defaults. */
  capacity?: CapacitySpec;
  /**
   * `sweep:` resolved: the fields varied and every point's changes to this scenario (which is
   * the file without its sweep). `run` runs every architecture at every point.
   */
  sweep?: SweepSpec;
  /**
   * What flags, `--set` and `STATEBENCH_*` variables changed in the file (or in the defaults,
   * for a run without one), in the order applied; absent when nothing did.
   */
  overrides?: AppliedOverride[];
}

/** What a swept field's values are a quantity of: bytes, ms, req/s, a count, or not a number (`none`). */
export type SweepUnit = 'bytes' | 'ms' | 'rps' | 'count' | 'none';

/** A sweep: one or two fields (a grid), each with its values, and every combination of them. */
export interface SweepSpec {
  fields: SweepField[];
  /** Every combination of the fields' values, the first field varying slowest. */
  points: SweepPointSpec[];
}

/** One swept field: its path, its values as written and as numbers. */
export interface SweepField {
  /** As written under `sweep:` (`session.payload`). */
  path: string;
  /** Each value as written (`512B`, `2ms`, `1000`). */
  values: string[];
  unit: SweepUnit;
  /** Each value in `unit` (bytes, ms, req/s, the count); null when the unit is `none`. */
  numbers: (number | null)[];
}

/** One point of a sweep: which value of each field, its label, and what it changes in the scenario. */
export interface SweepPointSpec {
  /** Index of this point's value in each field's `values`. */
  at: number[];
  /** `session.payload=512B`; `session.payload=512B, store.latency=2ms` in a grid. */
  label: string;
  /**
   * What the point changes in the resolved scenario: each differing field's path there
   * (`['session', 'payloadBytes']`) and its value; without `value`, the field is removed.
   * Derived fields change too (an open load's default `sessions` follows its `rate`).
   */
  changes: { path: string[]; value?: unknown }[];
}

/** `topology:` resolved. */
export interface ScenarioTopology {
  /** By architecture name: every architecture of the scenario has its entry. */
  external: Record<string, ExternalTargets>;
}

/** One field a flag, `--set` or an environment variable changed, as the result records it. */
export interface AppliedOverride {
  /** Who changed it: `--duration`, `--set`, `STATEBENCH_RATE`. */
  source: string;
  /** The field, as messages write it: `load.rate`, `thresholds["sticky.p99"]`. */
  path: string;
  /** The value given, as the file would hold it (before units are converted); absent when removed. */
  value?: unknown;
  /** The field was removed, so its default applies (`load.users` when `--rate` makes the load open). */
  removed?: true;
  /** What the file (or an earlier override) had there; absent when nothing. */
  was?: unknown;
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

/** How a threshold compares a metric with its value. */
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
