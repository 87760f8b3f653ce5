import type {
  ComparedRun,
  Comparison,
  CoverageLoss,
  MetricComparison,
  MetricRef,
  SettingDifference,
  Tolerance,
  Verdict,
} from '../compare/types.js';
import { NOT_APPLICABLE, formatDelta, formatMetric, formatPercent, formatRange, type MetricUnit } from './format.js';

/**
 * Wording shared by the terminal and Markdown comparisons, so both say the same thing about
 * the same verdict structure. Nothing here decides anything: it reads what src/compare decided.
 */

/** Short verdict words, narrow enough for a table column. */
export const VERDICT_LABELS: Readonly<Record<Verdict, string>> = {
  regression: 'REGRESSION',
  improvement: 'improvement',
  'within-noise': 'within noise',
  inconclusive: 'inconclusive',
  'not-compared': 'n/a',
  off: 'off',
};

/** `10%`, `+1 pp`, `+2.00 ms`, `off`. */
export function formatTolerance(tolerance: Tolerance, unit: MetricUnit): string {
  switch (tolerance.kind) {
    case 'off':
      return 'off';
    case 'relative':
      return `${Number((tolerance.fraction * 100).toFixed(2))}%`;
    case 'absolute':
      return tolerance.amount === 0 ? 'any increase' : formatDelta(tolerance.amount, unit);
  }
}

/** An error-rate range to two decimals of a percent (`0.01–0.04%`): narrow enough for the column. */
function ratioRange(min: number, max: number): string | undefined {
  const lo = (min * 100).toFixed(2);
  const hi = (max * 100).toFixed(2);
  return lo === hi ? undefined : `${lo}–${hi}%`;
}

/** The baseline figure: its median, and the range across repetitions when there were several. */
export function baselineText(m: MetricComparison): { median: string; range?: string } {
  if (!m.baseline) return { median: NOT_APPLICABLE };
  const median = formatMetric(m.baseline.value, m.unit);
  if (m.baseline.runs < 2) return { median };
  const range = m.unit === 'ratio' ? ratioRange(m.baseline.min, m.baseline.max) : formatRange(m.baseline.min, m.baseline.max, m.unit);
  return range ? { median, range } : { median };
}

export function currentText(m: MetricComparison): string {
  return m.current ? formatMetric(m.current.value, m.unit) : NOT_APPLICABLE;
}

/**
 * A signed amount in the metric's unit; ratios in percentage points to two decimals at most
 * (`+0.78 pp`, `-0.005 pp`), so a rounding-level change in the error rate stays narrow.
 */
function deltaText(delta: number, unit: MetricUnit): string {
  if (unit !== 'ratio' || delta === 0) return formatDelta(delta, unit);
  const pp = Math.abs(delta) * 100;
  const sign = delta > 0 ? '+' : '-';
  if (pp < 0.001) return '~0 pp';
  return `${sign}${pp < 0.01 ? pp.toFixed(3) : pp < 0.1 ? pp.toFixed(2) : pp.toFixed(1)} pp`;
}

/** Absolute change in the metric's unit. */
export function changeText(m: MetricComparison): string {
  return m.change === null ? NOT_APPLICABLE : deltaText(m.change, m.unit);
}

/** Relative change, `+14%`; `new` from a zero baseline; empty when there is no change to speak of. */
export function changePercentText(m: MetricComparison): string {
  if (m.change === null) return NOT_APPLICABLE;
  if (m.changeFraction === null) return m.change === 0 ? '±0%' : 'new';
  if (m.changeFraction === 0) return '±0%';
  const text = formatPercent(Math.abs(m.changeFraction), Math.abs(m.changeFraction) < 0.1 ? 1 : 0);
  return `${m.changeFraction > 0 ? '+' : '-'}${text}`;
}

/** The combined noise of the change: `±120 µs`, `±0.30 pp`; `?` when unknown. */
export function noiseText(m: MetricComparison): string {
  if (m.change === null) return NOT_APPLICABLE;
  if (m.noise === null) return '?';
  const delta = deltaText(m.noise, m.unit);
  return delta === '±0' ? '±0' : `±${delta.slice(1)}`;
}

/** `baseline 3 runs, current 1 run`. */
export function runsNote(baselineRuns: number, currentRuns: number): string {
  const runs = (n: number): string => `${n} run${n === 1 ? '' : 's'}`;
  return `baseline ${runs(baselineRuns)}${baselineRuns > 1 ? ' (median, range)' : ''}, current ${runs(currentRuns)}${currentRuns > 1 ? ' (median)' : ''}`;
}

/** `baseline-repeated.json`, `ci-smoke`, `2025-05-14 09:12 UTC`, `commit 3f1c2a9b7e4d`. */
export function comparedRunParts(run: ComparedRun): string[] {
  const when = run.startedAt.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC');
  const parts = [run.source ?? '', run.scenario, when];
  if (run.gitCommit) parts.push(`commit ${run.gitCommit.slice(0, 12)}`);
  if (!run.complete) parts.push('incomplete');
  return parts.filter((p) => p !== '');
}

/** `baseline-repeated.json · ci-smoke · 2025-05-14 09:12 UTC · commit 3f1c2a9b7e4d`. */
export function describeComparedRun(run: ComparedRun): string {
  return comparedRunParts(run).join(' · ');
}

/** A unit read off the field name (`latencyMs`, `rateRps`, `payloadBytes`), for the settings diff. */
function formatScalar(key: string, value: unknown): string {
  if (typeof value !== 'number') return typeof value === 'string' ? value : JSON.stringify(value);
  if (/Ms$/.test(key)) return `${value} ms`;
  if (/Rps$/.test(key)) return `${value}/s`;
  if (/Bytes$/.test(key)) return `${value} B`;
  if (/S$/.test(key)) return `${value} s`;
  return String(value);
}

/** A setting's value as one short phrase: `1 ms`, `sticky, redis`, `{atMs: 2000, kind: kill}`, `(none)`. */
export function formatSetting(path: string, value: unknown): string {
  if (value === undefined || value === null) return '(none)';
  const key = path.slice(path.lastIndexOf('.') + 1).replace(/\[\d+\]$/, '');
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.map((v) => formatSetting(key, v)).join(', ');
  if (typeof value === 'object') {
    const fields = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}: ${formatSetting(k, v)}`);
    return `{${fields.join(', ')}}`;
  }
  return formatScalar(key, value);
}

/** `store.latencyMs: 0 ms → 1 ms`. */
export function differenceText(d: SettingDifference): string {
  return `${d.path}: ${formatSetting(d.path, d.baseline)} → ${formatSetting(d.path, d.current)}`;
}

/** `redis: skipped in the current run: redis-server not found on PATH`. */
export function coverageText(loss: CoverageLoss): string {
  const what = loss.reason === 'missing' ? 'not in the current run' : loss.reason === 'skipped' ? 'skipped in the current run' : 'failed in the current run, nothing measured';
  return `${loss.architecture}: ${what}${loss.detail ? `: ${loss.detail}` : ''}`;
}

function refList(refs: readonly MetricRef[]): string {
  return refs.map((r) => `${r.architecture} ${r.metric}`).join(', ');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** One sentence for the end (terminal) or top (Markdown) of a comparison. */
export function headline(cmp: Comparison): string {
  const parts: string[] = [];
  if (cmp.coverageLost.length > 0) parts.push(`Coverage lost: ${cmp.coverageLost.map((l) => l.architecture).join(', ')}`);
  if (cmp.regressions.length > 0) parts.push(`${plural(cmp.regressions.length, 'regression')} beyond tolerance and noise: ${refList(cmp.regressions)}`);
  if (cmp.failedThresholds.length > 0) parts.push(`${plural(cmp.failedThresholds.length, 'threshold')} failed in the current run`);
  const main = parts.length > 0 ? parts.join('. ') : 'No regression beyond tolerance and noise';
  const notes: string[] = [];
  if (cmp.withinNoiseBeyondTolerance.length > 0) notes.push(`${plural(cmp.withinNoiseBeyondTolerance.length, 'change')} beyond tolerance but within noise`);
  if (cmp.inconclusive.length > 0) notes.push(`${cmp.inconclusive.length} inconclusive`);
  if (cmp.improvements.length > 0) notes.push(`${plural(cmp.improvements.length, 'improvement')}`);
  return `${main}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}.`;
}

/** The tolerances applied, `p99 10%`, `throughput 5%`, `error-rate +1.0 pp`, one per metric. */
export function toleranceParts(cmp: Comparison): string[] {
  const metrics = cmp.architectures[0]?.metrics ?? [];
  return metrics.map((m) => `${m.metric} ${formatTolerance(m.tolerance, m.unit)}`);
}

/** The rule, in two sentences, with the parameters it ran with. */
export function ruleText(cmp: Comparison): string {
  const pct = Math.round(cmp.rule.confidence * 100);
  return (
    `A change is a regression only when it exceeds the tolerance and the noise: the current run's ${pct}% band ` +
    `(from resampling its seconds, widened by its repetitions) lies wholly beyond the baseline's. ` +
    `Disturbed or unfinished runs, and runs under ${cmp.rule.minSeconds} measured seconds, are inconclusive.`
  );
}

/** Advice when the baseline cannot show the noise between runs, or undefined. */
export function baselineAdvice(cmp: Comparison): string | undefined {
  const single = cmp.architectures.filter((a) => a.baselineRuns < 2).map((a) => a.architecture);
  if (single.length === 0) return undefined;
  return (
    `The baseline has a single run of ${single.join(', ')}: only each run's own noise is known, not how much ` +
    'runs differ from one another, which on a shared machine is often more. Record the baseline with `run --repeat 3`.'
  );
}

/** Distinct reasons for inconclusive verdicts, per architecture: `redis: the current run was disturbed: …`. */
export function inconclusiveNotes(cmp: Comparison): string[] {
  const notes: string[] = [];
  for (const a of cmp.architectures) {
    const reasons = [...new Set(a.metrics.filter((m) => m.verdict === 'inconclusive' && m.reason).map((m) => m.reason as string))];
    for (const r of reasons) {
      const metrics = a.metrics.filter((m) => m.verdict === 'inconclusive' && m.reason === r).map((m) => m.metric);
      const judged = a.metrics.filter((m) => m.verdict !== 'not-compared' && m.verdict !== 'off').length;
      const which = metrics.length === judged ? 'every metric' : metrics.join(', ');
      notes.push(`${a.architecture} (${which}): ${r}`);
    }
  }
  return notes;
}

/** Disturbed repetitions left out while others were judged: `redis baseline run 3: foreign CPU 1.7 cores`. */
export function leftOutNotes(cmp: Comparison): string[] {
  return cmp.architectures.flatMap((a) =>
    a.disturbed.filter((d) => d.leftOut).map((d) => `${a.architecture} ${d.side} run ${d.repetition}${d.reasons.length > 0 ? `: ${d.reasons.join('; ')}` : ''}`),
  );
}
