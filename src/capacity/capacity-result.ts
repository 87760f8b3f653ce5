import type { ArchitectureResult, CpuUsage, Environment } from '../result/types.js';
import type { CapacitySpec, Scenario } from '../scenario/types.js';

/** Bumped whenever a field of a capacity file changes meaning or disappears. */
export const CAPACITY_SCHEMA_VERSION = 1;

/**
 * The saved result of `statebench capacity`: every probe with its full measurement, so the
 * report can be rebuilt and two capacity runs compared without re-running anything.
 */
export interface CapacityResult {
  /** Tells a capacity file from a run file (`statebench report` reads both). */
  kind: 'capacity';
  schemaVersion: typeof CAPACITY_SCHEMA_VERSION;
  tool: { name: 'statebench'; version: string };
  /** False when interrupted or an architecture could not be searched. */
  complete: boolean;
  incompleteReason?: string;
  startedAt: string;
  finishedAt: string;
  scenarioFile?: string;
  /** The scenario as given (its `hosts:` are the budgets every probe ran with). */
  scenario: Scenario;
  /** The search as it ran: replica counts, SLO, probe length, bounds. */
  search: CapacitySpec;
  environment: Environment;
  /** The machine's 1-minute load average before the search began (a shared machine's noise). */
  loadAverageBefore: number;
  architectures: ArchitectureCapacity[];
  skipped: { architecture: string; reason: string }[];
}

/** One architecture: a point per replica count, and what they project to. */
export interface ArchitectureCapacity {
  architecture: string;
  points: CapacityPoint[];
  /** Absent with fewer than two sustained points. */
  projection?: Projection;
}

/** The sustainable rate at one replica count, and how it was found. */
export interface CapacityPoint {
  replicas: number;
  /** The highest probed rate that met the SLO, req/s; null when none did. */
  sustainableRps: number | null;
  /** The lowest probed rate that did not, req/s; null when none failed (the search hit `upTo`). */
  failedRps: number | null;
  /** rate(N) / (N × rate(1)); null without both rates. */
  efficiency: number | null;
  /** What saturated at the knee, read from the failing probe's CPU per component. */
  knee?: Knee;
  /** Every probe, in the order run. */
  probes: Probe[];
  /** The topology could not start, or the search was cut short. */
  error?: string;
}

/** One open-load probe at a fixed rate on the point's topology. */
export interface Probe {
  rateRps: number;
  /** 2 for the second probe at a rate, run to confirm a failure (absent: the first). */
  attempt?: 2;
  /** Every SLO condition held (and the probe completed). */
  passed: boolean;
  /** The conditions that failed, as sentences (`p99 84.2 ms, wanted <= 50ms`). */
  failures: string[];
  /**
   * The load generator itself fell behind (its lateness, or its CPU at a full core): a failure
   * then says nothing about the system, so it is not a knee.
   */
  generatorBound: boolean;
  /** The machine's 1-minute load average when the probe ended. */
  loadAverage: number;
  /**
   * Seconds each component's main thread waited, runnable, for a CPU per second of the probe
   * (warm-up and grace included), its budget's throttling taken out: the machine's other load.
   */
  runQueueWait?: Record<string, number>;
  /** Seconds per second each component's cgroup was throttled: held back by its own budget. */
  throttled?: Record<string, number>;
  /** The full measurement: latency, errors, CPU per component (with budgets), histograms. */
  result: ArchitectureResult;
}

/** What ran out first as the rate rose past the sustainable one. */
export type KneeLimit =
  /** The replicas ran at their CPU budgets. */
  | 'replica-budget'
  /** Unbudgeted replicas ran at a full core: their one JavaScript thread. */
  | 'replica-thread'
  /** The store ran at its CPU budget. */
  | 'store-budget'
  /** A single-threaded store (Redis) ran at a full core. */
  | 'store-thread'
  /** The load generator fell behind: not a knee of the system. */
  | 'generator'
  /** Nothing ran at its limit, but the processes waited for a CPU: the machine's other load. */
  | 'machine'
  /** Nothing measured ran at its limit (latency from elsewhere: queueing, the network). */
  | 'unexplained';

/** Where one architecture stopped scaling at one replica count, and what ran out there. */
export interface Knee {
  limit: KneeLimit;
  /** The evidence in words: `replicas at 0.19 of 0.20 core each; store 0.08 of 0.50 core`. */
  detail: string;
  /** The probe it was read from (the lowest failing rate). */
  atRps: number;
  /** CPU per component in that probe, with budgets. */
  cpu: CpuUsage[];
}

/**
 * Beyond the measured points: a fit of the Universal Scalability Law to the sustained rates,
 * and the store's ceiling from its budget and CPU per request. A projection, not a measurement.
 */
export interface Projection {
  /** How many measured points the fit used. */
  fromPoints: number;
  /**
   * How many of them are lower bounds: the generator fell behind before the system did, so
   * the system might have sustained more (the fit then projects a lower bound too).
   */
  lowerBounds: number;
  usl: UslFit;
  /** Absent without a store, or with a multi-threaded store without a budget. */
  storeCeiling?: StoreCeiling;
  /** The fit (and the ceiling) at replica counts beyond the measured ones. */
  projected: { replicas: number; uslRps: number; cappedRps: number }[];
  /** The smallest replica count at which the store ceiling caps the fit; absent when it never does. */
  storeCapsAtReplicas?: number;
  /** Where the fitted curve peaks (κ > 0), and at what rate. */
  peak?: { replicas: number; rps: number };
}

/** C(N) = λN / (1 + σ(N − 1) + κN(N − 1)) fitted to the measured points. */
export interface UslFit {
  /** Rate of one replica without contention, req/s. */
  lambdaRps: number;
  /** Contention (serialised share), 0..1. */
  sigma: number;
  /** Coherency (crosstalk between replicas), ≥ 0. */
  kappa: number;
  /** Each measured point beside the fitted value. */
  points: { replicas: number; measuredRps: number; fittedRps: number; relativeError: number }[];
  /** The largest |fitted − measured| / measured over the points. */
  maxRelativeError: number;
}

/** How many requests per second the store can serve within its CPU. */
export interface StoreCeiling {
  rps: number;
  /** The cores it may use: its budget, or 1 for a single-threaded store without one. */
  cores: number;
  basis: 'budget' | 'single-thread';
  /** The store's CPU per request, measured (median over the passing probes). */
  cpuUsPerRequest: number;
}
