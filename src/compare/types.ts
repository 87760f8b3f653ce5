import type { MetricName, MetricUnit } from '../metrics/metric-names.js';
import type { ThresholdResult } from '../result/types.js';

/**
 * The verdict structure `compare` returns: plain, serializable data (`--json` prints it as is)
 * that the renderers in src/report/ turn into text without deciding anything themselves.
 */

/**
 * How far a metric may move in its bad direction before the move matters at all.
 * - `relative`: a fraction of the baseline (0.1 = 10%). From a baseline of 0, any worsening
 *   exceeds it: an architecture that lost no session must keep losing none.
 * - `absolute`: an amount in the metric's base unit (µs, req/s, count, or a 0..1 ratio, so
 *   0.01 is one percentage point).
 * - `off`: shown, never judged.
 */
export type Tolerance =
  | { kind: 'relative'; fraction: number }
  | { kind: 'absolute'; amount: number }
  | { kind: 'off' };

/**
 * - `regression`: worse than the baseline by more than the tolerance and more than the noise
 * - `improvement`: better by more than the tolerance and more than the noise
 * - `within-noise`: anything else that could be judged (inside the tolerance, or inside the noise)
 * - `inconclusive`: cannot be judged: a run was disturbed or incomplete, or too few seconds
 *   were measured to know the noise
 * - `not-compared`: the metric does not apply on one side (e.g. no store timings)
 * - `off`: the tolerance is `off`
 */
export type Verdict = 'regression' | 'improvement' | 'within-noise' | 'inconclusive' | 'not-compared' | 'off';

/**
 * How far a figure could have moved by chance, below and above it, in the metric's base unit.
 * Latencies are skewed, so the two differ: a run whose p99 was set by one slow second could
 * have read far lower, and only a little higher.
 */
export interface NoiseBand {
  below: number;
  above: number;
}

/** One side's figure of one metric: every repetition's value and what they say about noise. */
export interface SideFigure {
  /** Median over the repetitions, in the metric's base unit. */
  value: number;
  min: number;
  max: number;
  /** Repetitions the figure comes from. */
  runs: number;
  /**
   * Noise of one run from its own seconds: the distance from the statistic to the ends of its
   * percentile-bootstrap interval, scaled to the figure (median over repetitions); null when the
   * metric has no per-second figure.
   */
  withinRun: NoiseBand | null;
  /** Where one more repetition could land, from the median (a 90% prediction interval, at least the repetitions' range); null for a single run. */
  repetitions: NoiseBand | null;
  /** The larger of the two on each side: the noise of this side's figure; null when neither is known. */
  noise: NoiseBand | null;
  /** Fewest measured seconds any repetition had for this metric's per-second figure (0 without one). */
  seconds: number;
}

/** One metric of one architecture compared: both figures, the change, the noise, and the verdict. */
export interface MetricComparison {
  metric: MetricName;
  unit: MetricUnit;
  higherIsWorse: boolean;
  tolerance: Tolerance;
  baseline: SideFigure | null;
  current: SideFigure | null;
  /** current − baseline, in the base unit. */
  change: number | null;
  /** change / baseline; null from a zero baseline. */
  changeFraction: number | null;
  /**
   * The noise the change is measured against, in the base unit: each side's noise on the side
   * facing the other, added (the baseline's above plus the current's below, for a rise); for
   * losses, errors and drops the baseline's alone.
   */
  noise: number | null;
  /** Moved by more than the tolerance allows, in either direction. */
  beyondTolerance: boolean;
  /** Moved by more than the combined noise, in either direction. */
  beyondNoise: boolean;
  verdict: Verdict;
  /** Why the verdict is `inconclusive` or `not-compared`, in words. */
  reason?: string;
}

/** A run's own report that the machine disturbed it (from `measurementQuality`). */
export interface Disturbance {
  side: 'baseline' | 'current';
  repetition: number;
  reasons: string[];
  /**
   * True when other repetitions of the same side were not disturbed, so this one was left out
   * and the side judged on those; false when it spoiled the side (its metrics are inconclusive).
   */
  leftOut: boolean;
}

/** One architecture in both runs: every metric compared, and whether any regressed. */
export interface ArchitectureComparison {
  architecture: string;
  baselineRuns: number;
  currentRuns: number;
  /** False when a run on either side did not finish: its figures cover part of the window. */
  complete: boolean;
  /** Runs on either side that say they were disturbed: left out, or the metrics are inconclusive. */
  disturbed: Disturbance[];
  metrics: MetricComparison[];
  regressed: boolean;
}

/** A setting that differs between the two runs; `undefined` on the side that lacks it. */
export interface SettingDifference {
  /** Dotted path inside `scenario` or `environment`: `store.latencyMs`, `faults[0].atMs`, `cpus`. */
  path: string;
  baseline: unknown;
  current: unknown;
}

/** What differs between the two runs' resolved scenarios and environments. */
export interface RunDifferences {
  scenario: SettingDifference[];
  /** The git commit is left out: it is what a comparison is usually about, and shown beside each run. */
  environment: SettingDifference[];
}

/** A baseline architecture the current run does not cover: the gate lost part of its reach. */
export interface CoverageLoss {
  architecture: string;
  /** `missing`: not in the current run; `skipped`: the run skipped it; `failed`: it ran and measured nothing. */
  reason: 'missing' | 'skipped' | 'failed';
  /** The skip reason or the error, when the run recorded one. */
  detail?: string;
}

/** One side of a comparison, as reports name it. */
export interface ComparedRun {
  /** The file name given, when known. */
  source?: string;
  scenario: string;
  startedAt: string;
  gitCommit?: string;
  complete: boolean;
}

/** The parameters of the noise rule, carried so reports can state the rule they applied. */
export interface NoiseRule {
  /** Coverage of each run's bootstrap interval (0.95). */
  confidence: number;
  resamples: number;
  /** Fewer measured seconds than this in a run: the noise is unknown, the verdict inconclusive. */
  minSeconds: number;
}

/** A metric named with its architecture, for summaries. */
export interface MetricRef {
  architecture: string;
  metric: MetricName;
}

/** The outcome of comparing two results. */
export interface Comparison {
  baseline: ComparedRun;
  current: ComparedRun;
  differences: RunDifferences;
  /** Architectures in both runs, in the baseline's order. */
  architectures: ArchitectureComparison[];
  /** Baseline architectures the current run lost: each fails the comparison. */
  coverageLost: CoverageLoss[];
  /** New in the current run: shown, not judged. */
  onlyInCurrent: string[];
  /** Thresholds the current run itself failed (from its scenario). */
  failedThresholds: ThresholdResult[];
  /** The tolerances applied, defaults merged with the caller's. */
  tolerances: Partial<Record<MetricName, Tolerance>>;
  rule: NoiseRule;
  regressions: MetricRef[];
  improvements: MetricRef[];
  inconclusive: MetricRef[];
  /** Beyond the tolerance but inside the noise: what a tolerance-only gate would have failed on. */
  withinNoiseBeyondTolerance: MetricRef[];
  /** True when the comparison fails (exit 99): a regression, lost coverage or a failed threshold. */
  failed: boolean;
}
