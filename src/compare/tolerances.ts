import { InvalidInputError, type InputProblem } from '../errors.js';
import { METRICS, METRIC_NAMES, isMetricName, type MetricName } from '../metrics/metric-names.js';
import { didYouMean } from '../scenario/suggest.js';
import { parseDuration } from '../syntax/units.js';
import type { Tolerance } from './types.js';

/**
 * The tolerances `compare` applies unless told otherwise (`--max-regress`). A change must exceed
 * both its tolerance and the measured noise to count; the tolerance says how much change matters
 * to you, the noise how much the machine can produce by chance.
 * - throughput 5%: the headline figure, and the steadiest;
 * - mean, p50, p90, p95, p99 10%; p99.9 20% (the tail rests on few samples: 1 in 1,000 requests);
 * - error-rate +1 percentage point absolute (a relative rule would flag 0.01% → 0.02%);
 * - sessions-lost, updates-lost, dropped 25%, which from a baseline of 0 means any loss at
 *   all: redis, sqlite and cookie must keep losing nothing, while sticky's losses (which
 *   depend on how many sessions the killed replica held) may wobble;
 * - store-p50 15%, store-p99 20%.
 * `max`, `errors` (a count that grows with run length) and `unfinished` are not compared
 * unless named.
 */
export const DEFAULT_MAX_REGRESS: Readonly<Partial<Record<MetricName, Tolerance>>> = {
  throughput: { kind: 'relative', fraction: 0.05 },
  mean: { kind: 'relative', fraction: 0.1 },
  p50: { kind: 'relative', fraction: 0.1 },
  p90: { kind: 'relative', fraction: 0.1 },
  p95: { kind: 'relative', fraction: 0.1 },
  p99: { kind: 'relative', fraction: 0.1 },
  p999: { kind: 'relative', fraction: 0.2 },
  'error-rate': { kind: 'absolute', amount: 0.01 },
  'sessions-lost': { kind: 'relative', fraction: 0.25 },
  'updates-lost': { kind: 'relative', fraction: 0.25 },
  dropped: { kind: 'relative', fraction: 0.25 },
  'store-p50': { kind: 'relative', fraction: 0.15 },
  'store-p99': { kind: 'relative', fraction: 0.2 },
};

/** How far from `reference` a value may move before it exceeds `tolerance`; Infinity when off. */
export function toleranceMargin(reference: number, tolerance: Tolerance): number {
  switch (tolerance.kind) {
    case 'relative':
      return Math.abs(reference) * tolerance.fraction;
    case 'absolute':
      return tolerance.amount;
    case 'off':
      return Number.POSITIVE_INFINITY;
  }
}

function knownNamesHint(name: string): string {
  const hint = didYouMean(name, METRIC_NAMES);
  return hint || `; known metrics: ${METRIC_NAMES.join(', ')}`;
}

/**
 * The defaults merged with the caller's tolerances; a bare number is a relative fraction.
 *
 * @throws InvalidInputError listing every unknown metric and bad size at once.
 */
export function resolveTolerances(
  maxRegress: Readonly<Record<string, Tolerance | number>> | undefined,
): Partial<Record<MetricName, Tolerance>> {
  const tolerances: Partial<Record<MetricName, Tolerance>> = { ...DEFAULT_MAX_REGRESS };
  const problems: InputProblem[] = [];
  for (const [name, value] of Object.entries(maxRegress ?? {})) {
    if (!isMetricName(name)) {
      problems.push({ file: '--max-regress', path: name, message: `unknown metric \`${name}\`${knownNamesHint(name)}` });
      continue;
    }
    const tolerance: Tolerance = typeof value === 'number' ? { kind: 'relative', fraction: value } : value;
    const size = tolerance.kind === 'relative' ? tolerance.fraction : tolerance.kind === 'absolute' ? tolerance.amount : 0;
    if (!Number.isFinite(size) || size < 0) {
      problems.push({ file: '--max-regress', path: name, message: `a tolerance must be a non-negative number, got ${size}` });
      continue;
    }
    tolerances[name] = tolerance;
  }
  if (problems.length > 0) throw new InvalidInputError(problems);
  return tolerances;
}

function parseTolerance(name: MetricName, text: string): Tolerance | string {
  const unit = METRICS[name].unit;
  const value = text.trim();
  if (value === 'off') return { kind: 'off' };
  let m = /^(\d+(?:\.\d+)?)\s*%$/.exec(value);
  if (m) return { kind: 'relative', fraction: Number(m[1]) / 100 };
  m = /^\+?(\d+(?:\.\d+)?)\s*pp$/.exec(value);
  if (m) {
    if (unit !== 'ratio') return `\`pp\` (percentage points) applies to ratios only; write \`${m[1]}%\` for a relative tolerance`;
    return { kind: 'absolute', amount: Number(m[1]) / 100 };
  }
  if (unit === 'us') {
    const d = parseDuration(value);
    if (d.ok) return { kind: 'absolute', amount: Math.round(d.value * 1000) };
    return `expected a percentage (\`10%\`), a duration (\`2ms\`) or \`off\`, got \`${value}\``;
  }
  m = /^\+?(\d+(?:\.\d+)?)(?:\/s)?$/.exec(value);
  if (m && unit !== 'ratio') return { kind: 'absolute', amount: Number(m[1]) };
  return unit === 'ratio'
    ? `expected a percentage (\`10%\` of the baseline), percentage points (\`1pp\`) or \`off\`, got \`${value}\``
    : `expected a percentage (\`10%\`), an absolute amount (\`5\`) or \`off\`, got \`${value}\``;
}

/**
 * Parses `--max-regress`: comma-separated `metric=tolerance`, e.g.
 * `p99=10%,throughput=5%,error-rate=0.5pp,p50=2ms,sessions-lost=0,max=off`.
 * `N%` is relative to the baseline; `Npp` is percentage points (ratios); a duration is an
 * absolute latency; a bare number an absolute amount in the metric's unit; `off` disables.
 *
 * @throws InvalidInputError listing every bad entry at once (unknown metric, bad value).
 */
export function parseMaxRegress(spec: string): Partial<Record<MetricName, Tolerance>> {
  const out: Partial<Record<MetricName, Tolerance>> = {};
  const problems: InputProblem[] = [];
  for (const raw of spec.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const eq = entry.indexOf('=');
    if (eq < 0) {
      problems.push({ file: '--max-regress', path: entry, message: 'expected `metric=tolerance`, e.g. `p99=10%`' });
      continue;
    }
    const name = entry.slice(0, eq).trim();
    if (!isMetricName(name)) {
      problems.push({ file: '--max-regress', path: name, message: `unknown metric \`${name}\`${knownNamesHint(name)}` });
      continue;
    }
    const parsed = parseTolerance(name, entry.slice(eq + 1));
    if (typeof parsed === 'string') problems.push({ file: '--max-regress', path: name, message: parsed });
    else out[name] = parsed;
  }
  if (problems.length > 0) throw new InvalidInputError(problems);
  return out;
}
