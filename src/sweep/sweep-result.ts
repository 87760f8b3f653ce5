import type { Environment, RunResult, SessionMemory } from '../result/types.js';
import type { Scenario } from '../scenario/types.js';

/** Bumped whenever a field of a sweep file changes meaning or disappears. */
export const SWEEP_SCHEMA_VERSION = 1;

/**
 * The saved result of a sweep (`run` of a scenario with `sweep:`): every point with the full
 * result of its run, histograms included, so `report --point` renders any point as a run and
 * `compare` compares two sweeps point by point, without re-running anything.
 */
export interface SweepResult {
  /** Tells a sweep file from a run file (`statebench report` and `compare` read both). */
  kind: 'sweep';
  schemaVersion: typeof SWEEP_SCHEMA_VERSION;
  tool: { name: 'statebench'; version: string };
  /** False when interrupted, or when a point's run was incomplete. */
  complete: boolean;
  incompleteReason?: string;
  startedAt: string;
  finishedAt: string;
  scenarioFile?: string;
  /** The scenario as given: the file without its sweep, and `sweep` (the fields and each point's changes). */
  scenario: Scenario & { sweep: NonNullable<Scenario['sweep']> };
  environment: Environment;
  /** The machine's 1-minute load average before the sweep began (a shared machine's noise). */
  loadAverageBefore: number;
  /** How long the sweep was expected to take when it started, ms (said before it started). */
  estimatedMs: number;
  /** In the order run: the first field's values slowest. */
  points: SweepPoint[];
  /**
   * What the points show, fitted (src/sweep/growth.ts): for JSON readers. Reports recompute it
   * from the points.
   */
  growth?: SweepGrowth;
}

/** One point of a sweep: its values and the full result of its run. */
export interface SweepPoint {
  /** `session.payload=512B`. */
  label: string;
  /** Index of this point's value in each swept field's `values`. */
  at: number[];
  /** The machine's 1-minute load average when the point ended. */
  loadAverage: number;
  /** Every architecture at this point, as `statebench run` saves it (its `scenario` is the point's). */
  run: RunResult;
}

/** The figures a sweep draws and fits against the swept value. */
export type GrowthMetric = 'p50' | 'p99' | 'cpu' | 'bytes' | 'p50-added' | 'cpu-added';

/** How one figure of one architecture grows along one field. */
export interface GrowthFit {
  metric: GrowthMetric;
  architecture: string;
  /** The swept field the fit runs along. */
  along: string;
  /** In a grid, the other fields' values held: `store.latency=2ms`. */
  held?: string;
  /**
   * `linear`: a line fits (r² ≥ 0.9 over three or more points; two points are a line by
   * definition, said so); `flat`: it moved less than 10% of its mean (or a floor) over the whole
   * range; `not-linear`: it grew, but not along a line; `too-few`: fewer than two values measured.
   */
  verdict: 'linear' | 'flat' | 'not-linear' | 'too-few';
  /** Growth per step of the axis in the metric's unit (µs, bytes); null for `too-few`. */
  slopePerStep: number | null;
  /** Completes "per …": `KiB of session`. */
  stepWords: string;
  r2: number | null;
  /** Values fitted (those where the architecture did not fail). */
  points: number;
  /** The figure at the first and last value fitted. */
  fromValue: number | null;
  toValue: number | null;
  /** Values where it failed, as written (`8KiB`), not fitted. */
  failedAt: string[];
  /** Values fitted whose run the machine disturbed (measurementQuality): the slope is then less sure. */
  disturbedAt: string[];
}

/** Memory per session of one architecture, from every point that read it. */
export interface MemoryFit {
  architecture: string;
  holder: SessionMemory['holder'];
  /** What was read: `RSS of the replicas`, `used_memory (INFO memory)`. */
  measure: string;
  /**
   * The holder's growth fitted against the sessions held over the points, bytes per session
   * (growth that is not sessions, a heap warming up, goes to the intercept). Null when the
   * sessions held did not vary enough across points (less than 1.5 times) to fit.
   */
  bytesPerSession: number | null;
  r2: number | null;
  /** Each point's growth ÷ sessions held (an upper bound), in point order; null where not read. */
  perPoint: (number | null)[];
  /** Sessions held at each point, in point order. */
  sessionsHeld: (number | null)[];
}

/** What a sweep shows across its points: each figure per architecture and value, where an architecture failed, and the fitted slopes. */
export interface SweepGrowth {
  fits: GrowthFit[];
  memory: MemoryFit[];
}

