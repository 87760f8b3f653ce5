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

/** One-sided 95% Student t quantiles by degrees of freedom (1–30); beyond, the normal's 1.645. */
const T_95 = [6.314, 2.92, 2.353, 2.132, 2.015, 1.943, 1.895, 1.86, 1.833, 1.812, 1.796, 1.782, 1.771, 1.761, 1.753, 1.746, 1.74, 1.734, 1.729, 1.725, 1.721, 1.717, 1.714, 1.711, 1.708, 1.706, 1.703, 1.701, 1.699, 1.697];

/**
 * Where one more run of the same build could land, from the median of `values` (repetitions):
 * a 90% prediction interval, mean ± t(0.95, n−1) · s · √(1 + 1/n), and at least the range the
 * repetitions themselves reached. The range alone is too narrow a guess: a fourth run falls
 * outside the range of three half the time. Measured on the quiet development machine, sticky's
 * p50 read 196–236 µs in a baseline's three repetitions and 258 µs in a fourth identical run,
 * which the range called a regression.
 */
export function repetitionBand(values: readonly number[], value: number): NoiseBand {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(values.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  const half = (T_95[n - 2] ?? 1.645) * sd * Math.sqrt(1 + 1 / n);
  return {
    below: Math.max(value - Math.min(...values), value - (mean - half)),
    above: Math.max(Math.max(...values) - value, mean + half - value),
  };
}

function larger(a: NoiseBand | null, b: NoiseBand | null): NoiseBand | null {
  if (!a) return b;
  if (!b) return a;
  return { below: Math.max(a.below, b.below), above: Math.max(a.above, b.above) };
}

/** Whether `run` has a figure of `metric` (store metrics need a store, and every value must be finite). */
function hasFigure(run: ArchitectureResult, metric: MetricName): boolean {
  if (METRICS[metric].storeOnly && !storeApplies(run)) return false;
  const v = METRICS[metric].extract(run);
  return v !== null && Number.isFinite(v);
}

/**
 * One side's figure of `metric` over its repetitions: the median value, and its noise, on each
 * side the larger of what a run says about itself (median over repetitions) and where one more
 * repetition could land ({@link repetitionBand}). Null when the metric applies to no repetition (no store
 * timings). `spread`: every repetition, disturbed ones too, when `runs` left some out: a
 * disturbed repetition does not give the figure, but how far repetitions differ is noise the
 * gate must allow for, and leaving it out would narrow the band (two of three left out once made
 * an identical run a regression).
 */
export function sideFigure(runs: readonly ArchitectureResult[], metric: MetricName, rule: NoiseRule, spread: readonly ArchitectureResult[] = runs): SideFigure | null {
  const present = runs.filter((r) => hasFigure(r, metric));
  if (present.length === 0) return null;
  const values = present.map((r) => METRICS[metric].extract(r) as number);
  const noises = present.map((r) => runNoise(r, metric, rule));
  const bands = noises.flatMap((n) => (n.noise === null ? [] : [n.noise]));
  const withinRun = bands.length === 0 ? null : { below: median(bands.map((b) => b.below)) as number, above: median(bands.map((b) => b.above)) as number };
  const value = median(values) as number;
  const min = Math.min(...values);
  const max = Math.max(...values);
  const spreadValues = spread.filter((r) => hasFigure(r, metric)).map((r) => METRICS[metric].extract(r) as number);
  const repetitions = spreadValues.length > 1 ? repetitionBand(spreadValues, value) : null;
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
