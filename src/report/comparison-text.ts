import type { ComparedRun, Comparison, MetricComparison, Tolerance, Verdict } from './compare.js';
import { NOT_APPLICABLE, formatDelta, formatMetric, formatPercent, formatRange, type MetricUnit } from './format.js';

/**
 * Wording shared by the terminal and Markdown comparisons, so both say the same thing
 * about the same data.
 */

/** Short verdict words, narrow enough for a table column. */
export const VERDICT_LABELS: Readonly<Record<Verdict, string>> = {
  regressed: 'REGRESSED',
  noise: 'in noise',
  ok: 'ok',
  improved: 'improved',
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

/** The baseline figure: its median, and the range across repetitions when there were several. */
export function baselineText(m: MetricComparison): { median: string; range?: string } {
  if (!m.baseline) return { median: NOT_APPLICABLE };
  const median = formatMetric(m.baseline.median, m.unit);
  if (m.baseline.n < 2) return { median };
  const range = formatRange(m.baseline.min, m.baseline.max, m.unit);
  return range ? { median, range } : { median };
}

export function currentText(m: MetricComparison): string {
  return m.current ? formatMetric(m.current.median, m.unit) : NOT_APPLICABLE;
}

/** Absolute change in the metric's unit. */
export function changeText(m: MetricComparison): string {
  return m.change === null ? NOT_APPLICABLE : formatDelta(m.change, m.unit);
}

/** Relative change, `+14%`; `new` from a zero baseline. */
export function changePercentText(m: MetricComparison): string {
  if (m.change === null) return NOT_APPLICABLE;
  if (m.changeFraction === null) return m.change === 0 ? '±0%' : 'new';
  if (m.changeFraction === 0) return '±0%';
  const text = formatPercent(Math.abs(m.changeFraction), Math.abs(m.changeFraction) < 0.1 ? 1 : 0);
  return `${m.changeFraction > 0 ? '+' : '-'}${text}`;
}

/** `3 runs: spread known` / `1 run: no spread known, tolerance only`. */
export function spreadNote(baselineRuns: number): string {
  return baselineRuns > 1
    ? `baseline ${baselineRuns} runs: changes inside their spread are noise`
    : 'baseline 1 run: no spread known, tolerance only';
}

/** `baseline-repeated.json · 2025-05-14 09:12 UTC · commit 3f1c2a9b7e4d`. */
export function describeComparedRun(run: ComparedRun): string {
  const when = run.startedAt.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC');
  const parts = [run.source ?? '', when];
  if (run.gitCommit) parts.push(`commit ${run.gitCommit.slice(0, 12)}`);
  if (!run.complete) parts.push('incomplete');
  return parts.filter((p) => p !== '').join(' · ');
}

/** One sentence for the top of a comparison. */
export function headline(cmp: Comparison): string {
  const regressions = cmp.architectures.flatMap((a) => a.metrics.filter((m) => m.regressed).map((m) => `${a.architecture} ${m.metric}`));
  const noise = cmp.architectures.reduce((n, a) => n + a.metrics.filter((m) => m.verdict === 'noise').length, 0);
  const noiseNote = noise > 0 ? ` (${noise} change${noise === 1 ? '' : 's'} beyond tolerance but within run-to-run noise)` : '';
  if (regressions.length === 0) return `No regression beyond tolerance${noiseNote}.`;
  return `${regressions.length} regression${regressions.length === 1 ? '' : 's'}: ${regressions.join(', ')}${noiseNote}.`;
}

/** The tolerances applied, `p99 10%`, `throughput 5%`, `error-rate +1.0 pp`, one per metric. */
export function toleranceParts(cmp: Comparison): string[] {
  const metrics = cmp.architectures[0]?.metrics ?? [];
  return metrics.map((m) => `${m.metric} ${formatTolerance(m.tolerance, m.unit)}`);
}
