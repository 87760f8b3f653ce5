import { METRICS, type MetricName } from '../metrics/metric-names.js';
import { storeApplies } from '../metrics/store-applies.js';
import type { ArchitectureResult } from '../result/types.js';
import { median, stratifiedBootstrap } from './bootstrap.js';
import { PER_SECOND_FIGURES, secondsFor, strataOf } from './per-second-figures.js';
import type { NoiseBand, NoiseRule, SideFigure } from './types.js';

/** One seed for every bootstrap: the same files always give the same verdict. */
const SEED = 0x5eed;

/**
 * How much one run's figure of `metric` could have moved by chance, from its own seconds: the
 * distance from the per-second statistic to the ends of its percentile-bootstrap interval,
 * scaled from the statistic to the run's figure (the statistic re-makes the figure from the
 * seconds, approximately; the scale corrects the difference). Null when the metric has no
 * per-second figure or the run has no seconds it applies to.
 *
 * Seconds are resampled within their stratum (the steady seconds, each fault window: see
 * {@link strataOf}). Resampling treats them as independent, which they are not quite: a slow
 * spell lasts several seconds. The interval is therefore a floor of the noise, which is why
 * repetitions (`run --repeat`) widen it when they disagree more.
 */
export function runNoise(run: ArchitectureResult, metric: MetricName, rule: NoiseRule): { noise: NoiseBand | null; seconds: number } {
  const figure = PER_SECOND_FIGURES[metric];
  if (!figure) return { noise: null, seconds: 0 };
  const seconds = secondsFor(figure, run);
  // Only whole seconds of load count towards "enough seconds to know the noise".
  const counted = seconds.filter((s) => s.second < Math.floor(run.measuredMs / 1000)).length;
  const whole = figure.statistic(seconds);
  const interval = stratifiedBootstrap(strataOf(seconds, run), figure.statistic, { confidence: rule.confidence, resamples: rule.resamples, seed: SEED });
  if (!interval || whole === null) return { noise: null, seconds: counted };
  const value = METRICS[metric].extract(run);
  // A figure of 0 (sticky's store p99) has no room to move; a statistic of 0 (no loss in any
  // second) leaves the band in the metric's own unit.
  const scale = whole > 0 && value !== null ? Math.max(0, value) / whole : 1;
  return {
    noise: { below: Math.max(0, whole - interval.lo) * scale, above: Math.max(0, interval.hi - whole) * scale },
    seconds: counted,
  };
}

function larger(a: NoiseBand | null, b: NoiseBand | null): NoiseBand | null {
  if (!a) return b;
  if (!b) return a;
  return { below: Math.max(a.below, b.below), above: Math.max(a.above, b.above) };
}

/**
 * One side's figure of `metric` over its repetitions: the median value, and its noise, on each
 * side the larger of what a run says about itself (median over repetitions) and how far the
 * repetitions reach from their median. Null when the metric applies to no repetition (no store
 * timings).
 */
export function sideFigure(runs: readonly ArchitectureResult[], metric: MetricName, rule: NoiseRule): SideFigure | null {
  const present = runs.filter((r) => {
    if (METRICS[metric].storeOnly && !storeApplies(r)) return false;
    const v = METRICS[metric].extract(r);
    return v !== null && Number.isFinite(v);
  });
  if (present.length === 0) return null;
  const values = present.map((r) => METRICS[metric].extract(r) as number);
  const noises = present.map((r) => runNoise(r, metric, rule));
  const bands = noises.flatMap((n) => (n.noise === null ? [] : [n.noise]));
  const withinRun = bands.length === 0 ? null : { below: median(bands.map((b) => b.below)) as number, above: median(bands.map((b) => b.above)) as number };
  const value = median(values) as number;
  const min = Math.min(...values);
  const max = Math.max(...values);
  const repetitions = present.length > 1 ? { below: value - min, above: max - value } : null;
  return {
    value,
    min,
    max,
    runs: present.length,
    withinRun,
    repetitions,
    noise: larger(withinRun, repetitions),
    seconds: Math.min(...noises.map((n) => n.seconds)),
  };
}
