import { InvalidInputError, type InputProblem } from '../errors.js';
import { METRICS, METRIC_NAMES, isMetricName, type MetricName, type MetricUnit } from '../metrics/metric-names.js';
import type { ArchitectureResult, RunResult, ThresholdResult } from '../result/types.js';
import { didYouMean } from '../scenario/suggest.js';
import { parseDuration } from '../syntax/units.js';
import { groupByArchitecture, spreadOf, type Spread } from './architecture-groups.js';
import { checkRunResult } from './read-result.js';

/**
 * How far a metric may move in its bad direction before it counts as a regression.
 * - `relative`: a fraction of the baseline (0.1 = 10%). From a baseline of 0, any worsening
 *   exceeds it: an architecture that lost no session must keep losing none.
 * - `absolute`: an amount in the metric's base unit (µs, req/s, count, or a 0..1 ratio, so
 *   0.01 is one percentage point).
 * - `off`: shown, never a regression.
 */
export type Tolerance =
  | { kind: 'relative'; fraction: number }
  | { kind: 'absolute'; amount: number }
  | { kind: 'off' };

/**
 * The tolerances `compare` applies unless told otherwise (`--max-regress`). Chosen for a
 * shared 2-core machine, where run-to-run wobble of a few percent is normal:
 * - throughput 5%: the headline figure, and the steadiest;
 * - p50, p90, p99 10%; p99.9 20% (the tail rests on few samples: 1 in 1,000 requests);
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
  p50: { kind: 'relative', fraction: 0.1 },
  p90: { kind: 'relative', fraction: 0.1 },
  p99: { kind: 'relative', fraction: 0.1 },
  p999: { kind: 'relative', fraction: 0.2 },
  'error-rate': { kind: 'absolute', amount: 0.01 },
  'sessions-lost': { kind: 'relative', fraction: 0.25 },
  'updates-lost': { kind: 'relative', fraction: 0.25 },
  dropped: { kind: 'relative', fraction: 0.25 },
  'store-p50': { kind: 'relative', fraction: 0.15 },
  'store-p99': { kind: 'relative', fraction: 0.2 },
};

/**
 * - `regressed`: worse beyond the tolerance and (when the baseline was repeated) beyond its spread
 * - `noise`: worse beyond the tolerance, but within the baseline's repetitions widened by it
 * - `ok`: within the tolerance
 * - `improved`: better beyond the tolerance (and the spread, when known)
 * - `not-compared`: the metric does not apply on one side (e.g. no store timings)
 * - `off`: the tolerance is `off`
 */
export type Verdict = 'regressed' | 'noise' | 'ok' | 'improved' | 'not-compared' | 'off';

export interface MetricComparison {
  metric: MetricName;
  unit: MetricUnit;
  higherIsWorse: boolean;
  tolerance: Tolerance;
  /** Median and min–max over the baseline's repetitions; null when the metric does not apply. */
  baseline: Spread | null;
  current: Spread | null;
  /** current − baseline medians, in the base unit. */
  change: number | null;
  /** change / baseline; null from a zero baseline. */
  changeFraction: number | null;
  /** Worse than the baseline median by more than the tolerance. */
  exceedsTolerance: boolean;
  /** Worse than the worst baseline repetition widened by the tolerance; null when no spread is known. */
  beyondNoise: boolean | null;
  regressed: boolean;
  verdict: Verdict;
}

export interface ArchitectureComparison {
  architecture: string;
  baselineRuns: number;
  currentRuns: number;
  /** True when the baseline has several repetitions, so noise can be told from change. */
  spreadKnown: boolean;
  /** False when a run on either side did not finish: its figures cover part of the window. */
  complete: boolean;
  metrics: MetricComparison[];
  regressed: boolean;
}

export interface ComparedRun {
  /** The file name given, when known. */
  source?: string;
  startedAt: string;
  gitCommit?: string;
  complete: boolean;
}

/** The outcome of comparing two results: plain data the renderers and the CLI read. */
export interface Comparison {
  scenario: string;
  baseline: ComparedRun;
  current: ComparedRun;
  /** Architectures in both files, in the baseline's order. */
  architectures: ArchitectureComparison[];
  /** Ran in the baseline but not now (e.g. redis skipped): shown as a warning, not a regression. */
  onlyInBaseline: string[];
  onlyInCurrent: string[];
  /** Thresholds the current run itself failed (from its scenario). */
  failedThresholds: ThresholdResult[];
  /** The tolerances applied, defaults merged with the caller's. */
  tolerances: Partial<Record<MetricName, Tolerance>>;
  /** True when any metric of any architecture regressed (thresholds are reported apart). */
  regressed: boolean;
}

export interface CompareOptions {
  /** Merged over {@link DEFAULT_MAX_REGRESS}; a bare number is a relative fraction. Unknown names are input errors. */
  maxRegress?: Readonly<Record<string, Tolerance | number>>;
  /** Names used in messages and output (default `baseline` / `current`). */
  baselineSource?: string;
  currentSource?: string;
}

function knownNamesHint(name: string): string {
  const hint = didYouMean(name, METRIC_NAMES);
  return hint || `; known metrics: ${METRIC_NAMES.join(', ')}`;
}

function resolveTolerances(
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

/** The worst value still within `tolerance` of `reference`, in the metric's bad direction. */
function limitOf(reference: number, tolerance: Tolerance, higherIsWorse: boolean): number {
  const margin =
    tolerance.kind === 'relative' ? Math.abs(reference) * tolerance.fraction : tolerance.kind === 'absolute' ? tolerance.amount : Infinity;
  return higherIsWorse ? reference + margin : reference - margin;
}

/** The best value still within `tolerance` of `reference` (for improvements). */
function betterLimitOf(reference: number, tolerance: Tolerance, higherIsWorse: boolean): number {
  return limitOf(reference, tolerance, !higherIsWorse);
}

function compareMetric(
  metric: MetricName,
  tolerance: Tolerance,
  baselineRuns: ArchitectureResult[],
  currentRuns: ArchitectureResult[],
): MetricComparison {
  const { unit, higherIsWorse, extract } = METRICS[metric];
  const baseline = spreadOf(baselineRuns.map(extract));
  const current = spreadOf(currentRuns.map(extract));
  const base = { metric, unit, higherIsWorse, tolerance, baseline, current };
  if (!baseline || !current) {
    return { ...base, change: null, changeFraction: null, exceedsTolerance: false, beyondNoise: null, regressed: false, verdict: 'not-compared' };
  }
  const change = current.median - baseline.median;
  const changeFraction = baseline.median === 0 ? null : change / Math.abs(baseline.median);
  const worse = (value: number, limit: number): boolean => (higherIsWorse ? value > limit : value < limit);
  const better = (value: number, limit: number): boolean => (higherIsWorse ? value < limit : value > limit);

  const spreadKnown = baseline.n > 1;
  const exceedsTolerance = tolerance.kind !== 'off' && worse(current.median, limitOf(baseline.median, tolerance, higherIsWorse));
  // The noise rule: the slowest (or, for throughput, the lowest) baseline repetition, widened
  // by the tolerance, is the worst the baseline machine produced by chance.
  const worstBaseline = higherIsWorse ? baseline.max : baseline.min;
  const bestBaseline = higherIsWorse ? baseline.min : baseline.max;
  const beyondNoise = spreadKnown
    ? tolerance.kind !== 'off' && worse(current.median, limitOf(worstBaseline, tolerance, higherIsWorse))
    : null;
  const regressed = exceedsTolerance && beyondNoise !== false;
  const improved =
    tolerance.kind !== 'off' &&
    better(current.median, betterLimitOf(baseline.median, tolerance, higherIsWorse)) &&
    (!spreadKnown || better(current.median, betterLimitOf(bestBaseline, tolerance, higherIsWorse)));

  const verdict: Verdict =
    tolerance.kind === 'off' ? 'off' : regressed ? 'regressed' : exceedsTolerance ? 'noise' : improved ? 'improved' : 'ok';
  return { ...base, change, changeFraction, exceedsTolerance, beyondNoise, regressed, verdict };
}

function checkedResult(value: RunResult, source: string): RunResult {
  // Callers may hand over objects that never went through readResultFile (tests, the API).
  return checkRunResult(value, source);
}

/**
 * Compares a current result with a baseline, architecture by architecture (matched by name)
 * and metric by metric. A change is a regression when it is worse than the tolerance allows
 * and, when the baseline has several repetitions, also worse than its worst repetition widened
 * by the tolerance; with a single baseline run no spread is known and the tolerance decides.
 * Several current repetitions are compared through their median.
 *
 * @throws InvalidInputError for results of different scenarios, an unknown schema version,
 *   an unknown metric in `maxRegress`, or no architecture in common.
 */
export function compareResults(baseline: RunResult, current: RunResult, opts: CompareOptions = {}): Comparison {
  const baselineSource = opts.baselineSource ?? 'baseline';
  const currentSource = opts.currentSource ?? 'current';
  checkedResult(baseline, baselineSource);
  checkedResult(current, currentSource);
  if (baseline.scenario.name !== current.scenario.name) {
    throw new InvalidInputError(
      [{ file: currentSource, path: 'scenario.name', message: `scenario \`${current.scenario.name}\` differs from the baseline's \`${baseline.scenario.name}\`` }],
      `cannot compare results of different scenarios: ${baselineSource} ran \`${baseline.scenario.name}\`, ` +
        `${currentSource} ran \`${current.scenario.name}\``,
    );
  }
  const tolerances = resolveTolerances(opts.maxRegress);
  const metricNames = METRIC_NAMES.filter((m) => tolerances[m] !== undefined);

  const baselineGroups = groupByArchitecture(baseline.architectures);
  const currentGroups = groupByArchitecture(current.architectures);
  const currentByName = new Map(currentGroups.map((g) => [g.architecture, g]));
  const baselineNames = new Set(baselineGroups.map((g) => g.architecture));

  const architectures: ArchitectureComparison[] = [];
  for (const b of baselineGroups) {
    const c = currentByName.get(b.architecture);
    if (!c) continue;
    const metrics = metricNames.map((m) => compareMetric(m, tolerances[m] as Tolerance, b.runs, c.runs));
    architectures.push({
      architecture: b.architecture,
      baselineRuns: b.runs.length,
      currentRuns: c.runs.length,
      spreadKnown: b.runs.length > 1,
      complete: b.runs.every((r) => r.complete) && c.runs.every((r) => r.complete),
      metrics,
      regressed: metrics.some((m) => m.regressed),
    });
  }
  if (architectures.length === 0) {
    throw new InvalidInputError(
      [{ file: currentSource, path: 'architectures', message: 'no architecture in common with the baseline' }],
      `nothing to compare: ${baselineSource} ran ${[...baselineNames].join(', ') || 'no architecture'}, ` +
        `${currentSource} ran ${currentGroups.map((g) => g.architecture).join(', ') || 'no architecture'}`,
    );
  }

  const describeRun = (r: RunResult, source: string | undefined): ComparedRun => ({
    ...(source ? { source } : {}),
    startedAt: r.startedAt,
    ...(r.environment.gitCommit ? { gitCommit: r.environment.gitCommit } : {}),
    complete: r.complete,
  });
  return {
    scenario: baseline.scenario.name,
    baseline: describeRun(baseline, opts.baselineSource),
    current: describeRun(current, opts.currentSource),
    architectures,
    onlyInBaseline: baselineGroups.filter((g) => !currentByName.has(g.architecture)).map((g) => g.architecture),
    onlyInCurrent: currentGroups.filter((g) => !baselineNames.has(g.architecture)).map((g) => g.architecture),
    failedThresholds: current.thresholds.filter((t) => !t.passed),
    tolerances,
    regressed: architectures.some((a) => a.regressed),
  };
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

export { renderComparison, type ComparisonRenderOptions } from './comparison-terminal.js';
export { renderComparisonMarkdown, type ComparisonMarkdownOptions } from './comparison-markdown.js';
