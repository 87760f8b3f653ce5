import type { ThresholdOp, ThresholdResult, ThresholdSpec } from './types.js';
import { closestMatch, didYouMean } from './suggest.js';
import { parseDuration, parseRate } from '../syntax/units.js';

/** How a metric's value is written in a threshold and stored in ThresholdSpec.value. */
export type MetricUnit =
  /** Written as a duration (`50ms`), stored in microseconds. */
  | 'latency-us'
  /** Written as a rate (`1500/s`), stored in requests per second. */
  | 'rps'
  /** Written as a plain number. */
  | 'count'
  /** Written as a percentage (`1%`) or a fraction (`0.01`), stored as a fraction 0..1. */
  | 'ratio';

/**
 * The metrics a threshold may name, with their units.
 * MUST match the names in src/metrics/metric-names.ts (which owns how each is extracted from a
 * result); kept here too so scenario validation does not depend on the metrics module.
 */
export const THRESHOLD_METRICS = {
  throughput: { unit: 'rps', description: 'completed requests (ok or failed) per second of the measured window' },
  mean: { unit: 'latency-us', description: 'mean request latency' },
  p50: { unit: 'latency-us', description: 'median request latency' },
  p90: { unit: 'latency-us', description: '90th percentile request latency' },
  p95: { unit: 'latency-us', description: '95th percentile request latency' },
  p99: { unit: 'latency-us', description: '99th percentile request latency' },
  p999: { unit: 'latency-us', description: '99.9th percentile request latency' },
  max: { unit: 'latency-us', description: 'slowest request' },
  errors: { unit: 'count', description: 'failed requests, all kinds' },
  'error-rate': { unit: 'ratio', description: 'failed requests / completed requests' },
  'sessions-lost': { unit: 'count', description: 'live sessions the servers forgot' },
  'updates-lost': { unit: 'count', description: 'acknowledged cart adds later missing' },
  'store-p50': { unit: 'latency-us', description: 'median store round trip inside the server' },
  'store-p99': { unit: 'latency-us', description: '99th percentile store round trip' },
  dropped: { unit: 'count', description: 'requests that could not be sent in time (open load)' },
  unfinished: { unit: 'count', description: 'requests still in flight when the run ended' },
} as const satisfies Record<string, { unit: MetricUnit; description: string }>;

/** A metric name a threshold may use. */
export type ThresholdMetric = keyof typeof THRESHOLD_METRICS;
/** Every metric name, in the order messages list them. */
export const THRESHOLD_METRIC_NAMES = Object.keys(THRESHOLD_METRICS) as ThresholdMetric[];

const OPS: readonly ThresholdOp[] = ['<=', '>=', '==', '<', '>'];

/** Regular expression source of a threshold condition, shared with the JSON Schema. */
export const THRESHOLD_CONDITION_PATTERN = String.raw`^\s*(<=|>=|==|<|>)\s*\S.*$`;

/** A threshold parsed, or the problems found (each with the part of the key it concerns). */
export type ThresholdParse = { ok: true; spec: ThresholdSpec } | { ok: false; errors: string[] };

/**
 * Parses one threshold: a key `[architecture.]metric` and a condition such as `< 50ms`,
 * `<= 1%`, `>= 1500/s` or `== 0`. `architectures` lists the prefixes allowed (those the
 * scenario runs); an unknown metric or prefix is an error, so a typo can never pass silently.
 */
export function parseThreshold(key: string, condition: string, architectures: readonly string[]): ThresholdParse {
  const errors: string[] = [];
  const dot = key.lastIndexOf('.');
  const architecture = dot === -1 ? undefined : key.slice(0, dot);
  const metric = dot === -1 ? key : key.slice(dot + 1);

  if (architecture !== undefined && !architectures.includes(architecture)) {
    errors.push(
      `\`${architecture}\` in \`${key}\` is not an architecture this scenario runs${didYouMean(architecture, architectures)}; ` +
        `expected one of ${list(architectures)}, or no prefix for every architecture`,
    );
  }
  const known = metric in THRESHOLD_METRICS;
  if (!known) {
    // `sticky-p99` or `sticky_p99`: the user meant a prefix but used the wrong separator.
    const guess = closestMatch(metric, THRESHOLD_METRIC_NAMES);
    errors.push(
      `unknown metric \`${metric}\`${guess ? ` (did you mean \`${guess}\`?)` : ''}; expected one of ${list(THRESHOLD_METRIC_NAMES)}`,
    );
  }

  const match = /^\s*(<=|>=|==|<|>)\s*(.*?)\s*$/.exec(condition);
  if (!match || match[2] === '') {
    errors.push(`expected a comparison such as \`< 50ms\`, \`<= 1%\`, \`>= 1500/s\` or \`== 0\` (operators: ${OPS.join(' ')}), got \`${condition}\``);
    return { ok: false, errors };
  }
  if (!known) return { ok: false, errors };

  const value = parseMetricValue(metric as ThresholdMetric, match[2]);
  if (typeof value === 'string') errors.push(value);
  if (errors.length > 0 || typeof value === 'string') return { ok: false, errors };
  return {
    ok: true,
    spec: { source: key, architecture, metric, op: match[1] as ThresholdOp, value, expression: condition.trim() },
  };
}

/** A value in the metric's base unit, or an error message. */
function parseMetricValue(metric: ThresholdMetric, text: string): number | string {
  const unit: MetricUnit = THRESHOLD_METRICS[metric].unit;
  switch (unit) {
    case 'latency-us': {
      const parsed = parseDuration(text);
      return parsed.ok ? Math.round(parsed.value * 1000) : `\`${metric}\` is a latency: ${parsed.error}`;
    }
    case 'rps': {
      const parsed = parseRate(text);
      return parsed.ok ? parsed.value : `\`${metric}\` is a rate: ${parsed.error}`;
    }
    case 'count': {
      const n = Number(text);
      return /^\d+(\.\d+)?$/.test(text) && Number.isFinite(n) ? n : `\`${metric}\` is a count: expected a plain number such as \`0\`, got \`${text}\``;
    }
    case 'ratio': {
      const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(text);
      const n = percent ? Number(percent[1]) / 100 : /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
      return n >= 0 && n <= 1 ? n : `\`${metric}\` is a ratio: expected a percentage such as \`1%\` or a fraction between 0 and 1, got \`${text}\``;
    }
  }
}

export type { ThresholdResult };

function compare(actual: number, op: ThresholdOp, limit: number): boolean {
  switch (op) {
    case '<':
      return actual < limit;
    case '<=':
      return actual <= limit;
    case '>':
      return actual > limit;
    case '>=':
      return actual >= limit;
    case '==':
      return actual === limit;
  }
}

/**
 * Checks every threshold against every architecture result it applies to (all of them when it
 * has no prefix). Pure: `value` extracts a metric, in base units, from one result. A value that
 * is not a number (NaN: the metric does not apply) fails, and so does a threshold whose
 * architecture has no result at all (e.g. redis skipped because no Redis is installed; then
 * `actual` is NaN): a check that could not run must not pass.
 */
export function evaluateThresholds<R extends { architecture: string }>(
  specs: readonly ThresholdSpec[],
  archResults: readonly R[],
  value: (result: R, metric: string) => number,
): ThresholdResult[] {
  const results: ThresholdResult[] = [];
  for (const spec of specs) {
    const base = { source: spec.source, metric: spec.metric, expression: spec.expression };
    const targets = spec.architecture === undefined ? archResults : archResults.filter((r) => r.architecture === spec.architecture);
    if (targets.length === 0) {
      results.push({ ...base, architecture: spec.architecture ?? '*', actual: Number.NaN, passed: false });
      continue;
    }
    for (const result of targets) {
      const actual = value(result, spec.metric);
      results.push({ ...base, architecture: result.architecture, actual, passed: Number.isFinite(actual) && compare(actual, spec.op, spec.value) });
    }
  }
  return results;
}

function list(words: readonly string[]): string {
  return words.map((w) => `\`${w}\``).join(', ');
}
