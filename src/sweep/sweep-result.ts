import type { Environment, RunResult } from '../result/types.js';
import type { Scenario } from '../scenario/types.js';
import type { SweepGrowth } from './growth.js';

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
