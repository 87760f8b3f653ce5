import type { MetricName } from '../metrics/metric-names.js';
import type { ArchitectureResult, TimelineSecond } from '../result/types.js';
import { median } from './bootstrap.js';

/**
 * How a metric is re-made from a set of timeline seconds, so that resampling a run's seconds
 * shows how much the run's own figure could have moved by chance. Each statistic mirrors how
 * the figure is made from requests: counts add up, throughput averages, and a latency
 * percentile is the percentile of the seconds' latencies put together ({@link mixtureQuantile}).
 * Store latency has only a per-second p50, whose median stands for store p50; store p99 borrows
 * the request p99's statistic (its relative noise carries over, see side-figure.ts).
 */
export interface PerSecondFigure {
  /** Only seconds that completed requests carry a latency. */
  latency: boolean;
  /** Reads the window's seconds only, not the grace period's stragglers (throughput is per second of window). */
  windowOnly?: boolean;
  statistic(seconds: readonly TimelineSecond[]): number | null;
}

function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

function sum(seconds: readonly TimelineSecond[], of: (s: TimelineSecond) => number): number {
  let total = 0;
  for (const s of seconds) total += of(s);
  return total;
}

function errorsOf(s: TimelineSecond): number {
  let n = 0;
  for (const v of Object.values(s.errors)) n += v ?? 0;
  return n;
}

function withCompletions(seconds: readonly TimelineSecond[]): TimelineSecond[] {
  return seconds.filter((s) => s.completed > 0);
}

/** z of the 99th percentile of the standard normal. */
const Z99 = 2.3263478740408408;

/** Standard normal upper tail, P(Z > z) (Abramowitz & Stegun 7.1.26, error under 1.5e-7). */
function upperTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

/**
 * The `q` quantile of the window's latency re-made from its seconds: each second is taken as a
 * log-normal through its own p50 and p99 (latencies are skewed, and multiplicative noise is
 * what a busy machine adds), weighted by its completions, and the mixture's quantile is found
 * by bisection in log space. This is how the window's own percentile arises from its seconds:
 * one second with 1% of its requests slow can set the window's p99 on its own, which neither
 * the mean nor the median of the seconds' p99s would show.
 */
export function mixtureQuantile(seconds: readonly TimelineSecond[], q: number): number | null {
  let total = 0;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  const shapes: LogNormal[] = [];
  for (const s of seconds) {
    const shape = logNormalOf(s);
    if (!shape) continue;
    shapes.push(shape);
    total += shape.n;
    lo = Math.min(lo, shape.mu);
    hi = Math.max(hi, shape.mu + shape.sigma * Z99);
  }
  if (total === 0) return null;
  const target = (1 - q) * total;
  // The quantile lies within a factor of 100 of the seconds' own figures for any q up to 1 - 1e-6;
  // 24 halvings of that bracket leave it under 0.1% wide.
  let a = lo - Math.log(100);
  let b = hi + Math.log(100);
  for (let i = 0; i < 24; i++) {
    const m = (a + b) / 2;
    let slower = 0;
    for (const sh of shapes) slower += sh.n * (sh.sigma === 0 ? (m < sh.mu ? 1 : 0) : upperTail((m - sh.mu) / sh.sigma));
    if (slower > target) a = m;
    else b = m;
  }
  return Math.exp((a + b) / 2);
}

/**
 * The window's mean latency re-made from its seconds, with the same model as
 * {@link mixtureQuantile}: each second a log-normal through its p50 and p99 (whose mean is
 * exp(μ + σ²/2)), weighted by its completions. The tail of a slow second lifts it as it lifts the
 * window's own mean.
 */
export function mixtureMean(seconds: readonly TimelineSecond[]): number | null {
  let total = 0;
  let sum = 0;
  for (const s of seconds) {
    const shape = logNormalOf(s);
    if (!shape) continue;
    total += shape.n;
    sum += shape.n * Math.exp(shape.mu + (shape.sigma * shape.sigma) / 2);
  }
  return total === 0 ? null : sum / total;
}

/** One second's latency as a log-normal: log-median, log-spread, completions. */
interface LogNormal {
  mu: number;
  sigma: number;
  n: number;
}

// Resampling draws the same seconds thousands of times: fit each once.
const fitted = new WeakMap<TimelineSecond, LogNormal | null>();

function logNormalOf(s: TimelineSecond): LogNormal | null {
  let shape = fitted.get(s);
  if (shape === undefined) {
    if (s.completed <= 0 || !(s.p50Us > 0)) shape = null;
    else {
      const mu = Math.log(s.p50Us);
      shape = { mu, sigma: s.p99Us > s.p50Us ? (Math.log(s.p99Us) - mu) / Z99 : 0, n: s.completed };
    }
    fitted.set(s, shape);
  }
  return shape;
}

const latencyQuantile = (q: number): PerSecondFigure => ({
  latency: true,
  statistic: (seconds) => mixtureQuantile(seconds, q),
});

const medianOf = (of: (s: TimelineSecond) => number): PerSecondFigure => ({
  latency: true,
  statistic: (seconds) => median(withCompletions(seconds).map(of)),
});

const sumOf = (of: (s: TimelineSecond) => number): PerSecondFigure => ({
  latency: false,
  statistic: (seconds) => sum(seconds, of),
});

/** The per-second figure of each metric; `unfinished` has none (it exists only at the end). */
export const PER_SECOND_FIGURES: Readonly<Partial<Record<MetricName, PerSecondFigure>>> = {
  throughput: { latency: false, windowOnly: true, statistic: (seconds) => mean(seconds.map((s) => s.completed)) },
  mean: { latency: true, statistic: mixtureMean },
  p50: latencyQuantile(0.5),
  p90: latencyQuantile(0.9),
  p95: latencyQuantile(0.95),
  p99: latencyQuantile(0.99),
  p999: latencyQuantile(0.999),
  max: latencyQuantile(0.9999),
  errors: sumOf(errorsOf),
  'error-rate': {
    latency: false,
    statistic: (seconds) => {
      const completed = sum(seconds, (s) => s.completed);
      return completed === 0 ? null : sum(seconds, errorsOf) / completed;
    },
  },
  'sessions-lost': sumOf((s) => s.sessionsLost),
  'updates-lost': sumOf((s) => s.updatesLost),
  dropped: sumOf((s) => s.dropped),
  'store-p50': medianOf((s) => s.storeP50Us),
  // The timeline keeps no per-second store p99; the request p99 of the same seconds stands in
  // for it, scaled to the store's figure, since both tails move with the same scheduling stalls.
  'store-p99': latencyQuantile(0.99),
};

/**
 * The whole seconds of the measured window. The timeline may end with a second past the window
 * holding the few requests that completed during the grace period: it is not a second of load,
 * and would read as a fake slow (or empty) second.
 */
export function measuredSeconds(run: ArchitectureResult): TimelineSecond[] {
  const whole = Math.floor(run.measuredMs / 1000);
  return run.timeline.filter((s) => s.second >= 0 && s.second < whole);
}

/** Seconds past the whole seconds of the window: requests sent in it that completed during the grace period. */
export function graceSeconds(run: ArchitectureResult): TimelineSecond[] {
  const whole = Math.floor(run.measuredMs / 1000);
  return run.timeline.filter((s) => s.second >= whole);
}

/**
 * The seconds a metric's statistic reads in `run`: the window's, and, except for throughput, the
 * grace period's stragglers (few, and slow: the run's own p99.9 counts them, so its re-made
 * figure must too; weighted by their count they barely touch the median). Latencies need
 * completions.
 */
export function secondsFor(figure: PerSecondFigure, run: ArchitectureResult): TimelineSecond[] {
  const seconds = figure.windowOnly ? measuredSeconds(run) : [...measuredSeconds(run), ...graceSeconds(run)];
  return figure.latency ? withCompletions(seconds) : seconds;
}

/**
 * `seconds` split into strata for resampling: each fault window (from the fault's second until
 * it recovered, or until the next fault or the end when it did not) is one stratum, the steady
 * seconds another, the grace period's stragglers a third. A fault is part of the experiment, not
 * an accident of the run: each run has exactly one kill, and its resamples must too.
 */
export function strataOf(seconds: readonly TimelineSecond[], run: ArchitectureResult): TimelineSecond[][] {
  const windowOf = new Map<number, number>();
  run.faultWindows.forEach((w, i) => {
    const first = Math.floor(Math.max(0, w.startMs) / 1000);
    const next = run.faultWindows.find((o) => o.startMs > w.startMs)?.startMs;
    const endMs = w.recoveredAtMs ?? next ?? run.measuredMs;
    const last = Math.max(first, Math.ceil(endMs / 1000) - 1);
    for (let s = first; s <= last; s++) if (!windowOf.has(s)) windowOf.set(s, i);
  });
  // Steady seconds first, then one stratum per fault window, then the grace period's stragglers.
  const whole = Math.floor(run.measuredMs / 1000);
  const strata: TimelineSecond[][] = [[], ...run.faultWindows.map(() => []), []];
  for (const s of seconds) strata[s.second >= whole ? strata.length - 1 : (windowOf.get(s.second) ?? -1) + 1].push(s);
  return strata;
}
