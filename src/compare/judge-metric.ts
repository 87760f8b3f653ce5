import { METRICS, type MetricName } from '../metrics/metric-names.js';
import type { ArchitectureResult } from '../result/types.js';
import { PER_SECOND_FIGURES } from './per-second-figures.js';
import { sideFigure } from './side-figure.js';
import { toleranceMargin } from './tolerances.js';
import type { MetricComparison, NoiseRule, SideFigure, Tolerance, Verdict } from './types.js';

/**
 * Losses, errors and drops are rare events: a burst of them in the current run is the thing
 * under test, not noise, so their noise is the baseline's alone (a baseline that never lost a
 * session has no noise for a loss to hide in). Latency and throughput wobble on both sides, so
 * both sides' noise counts.
 */
const EVENT_METRICS: ReadonlySet<MetricName> = new Set<MetricName>(['errors', 'error-rate', 'sessions-lost', 'updates-lost', 'dropped', 'unfinished']);

/** Why nothing can be judged about an architecture, whatever the metric (a disturbed or unfinished run). */
export type ArchitectureDoubt = string | undefined;

/**
 * The noise a change from `baseline` to `current` is measured against: for a rise, how far the
 * baseline could have read higher plus how far the current could have read lower (the reverse
 * for a fall). A change larger than that leaves the two runs' noise bands apart: the current
 * run's best plausible figure is still worse than the baseline's worst. Adding the two (rather
 * than the root of their squares) is deliberately strict: about twenty metrics are judged in
 * every comparison, and a gate that cries wolf once in five comparisons gets switched off. For
 * events, the baseline's band alone.
 */
export function combinedNoise(metric: MetricName, baseline: SideFigure, current: SideFigure): number | null {
  const rise = current.value >= baseline.value;
  const b = baseline.noise === null ? null : rise ? baseline.noise.above : baseline.noise.below;
  if (EVENT_METRICS.has(metric)) return b;
  const c = current.noise === null ? null : rise ? current.noise.below : current.noise.above;
  if (b === null || c === null) return null;
  return b + c;
}

function inconclusiveReason(metric: MetricName, baseline: SideFigure, current: SideFigure, noise: number | null, rule: NoiseRule): string | undefined {
  const figure = PER_SECOND_FIGURES[metric];
  if (figure) {
    const fewest = Math.min(baseline.seconds, current.seconds);
    if (fewest < rule.minSeconds) {
      const side = baseline.seconds <= current.seconds ? 'baseline' : 'current';
      return `too few measured seconds to know the noise (${fewest} in the ${side} run, at least ${rule.minSeconds} needed)`;
    }
  }
  if (noise === null) return 'no per-second figure and no repetitions: the noise is unknown';
  return undefined;
}

/**
 * The verdict on one metric of one architecture: a change counts only when it exceeds both the
 * tolerance (how much change matters) and the combined noise (how much the machine produces by
 * chance). Worse by both is a `regression`, better by both an `improvement`; anything else is
 * `within-noise`. `doubt` (a disturbed or unfinished run) and too few seconds make it
 * `inconclusive`, whatever the figures say.
 */
export function judgeMetric(
  metric: MetricName,
  tolerance: Tolerance,
  baselineRuns: readonly ArchitectureResult[],
  currentRuns: readonly ArchitectureResult[],
  doubt: ArchitectureDoubt,
  rule: NoiseRule,
  /** Every repetition of each side, disturbed ones too: how far they differ is noise (see sideFigure). */
  all: { baseline: readonly ArchitectureResult[]; current: readonly ArchitectureResult[] } = { baseline: baselineRuns, current: currentRuns },
): MetricComparison {
  const { unit, higherIsWorse } = METRICS[metric];
  const baseline = sideFigure(baselineRuns, metric, rule, all.baseline);
  const current = sideFigure(currentRuns, metric, rule, all.current);
  const head = { metric, unit, higherIsWorse, tolerance, baseline, current };
  if (!baseline || !current) {
    const reason = `does not apply to the ${!baseline && !current ? 'either run' : !baseline ? 'baseline' : 'current run'}`;
    return { ...head, change: null, changeFraction: null, noise: null, beyondTolerance: false, beyondNoise: false, verdict: 'not-compared', reason };
  }
  const change = current.value - baseline.value;
  const changeFraction = baseline.value === 0 ? null : change / Math.abs(baseline.value);
  const noise = combinedNoise(metric, baseline, current);
  const size = Math.abs(change);
  const beyondTolerance = tolerance.kind !== 'off' && size > toleranceMargin(baseline.value, tolerance);
  const beyondNoise = noise !== null && size > noise;
  const body = { ...head, change, changeFraction, noise, beyondTolerance, beyondNoise };

  if (tolerance.kind === 'off') return { ...body, verdict: 'off' };
  const reason = doubt ?? inconclusiveReason(metric, baseline, current, noise, rule);
  if (reason !== undefined) return { ...body, verdict: 'inconclusive', reason };
  const worse = higherIsWorse ? change > 0 : change < 0;
  const verdict: Verdict = beyondTolerance && beyondNoise ? (worse ? 'regression' : 'improvement') : 'within-noise';
  return { ...body, verdict };
}
