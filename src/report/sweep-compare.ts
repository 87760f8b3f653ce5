import { compareResults, type CompareOptions } from '../compare/compare-results.js';
import type { Comparison } from '../compare/types.js';
import { InvalidInputError } from '../errors.js';
import type { SweepResult } from '../sweep/sweep-result.js';
import { renderComparisonMarkdown } from './comparison-markdown.js';
import { renderComparison, type ComparisonRenderOptions } from './comparison-terminal.js';
import { headline } from './comparison-text.js';
import { escapeMarkdown, markdownHeader, markdownRow } from './markdown-escape.js';

/** Two sweeps compared point by point: each point present in both compared as two runs are. */
export interface SweepComparison {
  baseline: { source?: string; scenario: string; startedAt: string };
  current: { source?: string; scenario: string; startedAt: string };
  points: SweepPointComparison[];
  /** A point regressed, failed a threshold or lost coverage, or a baseline point is missing from the current sweep. */
  failed: boolean;
}

export interface SweepPointComparison {
  label: string;
  /** Absent when the point is in one sweep only. */
  comparison?: Comparison;
  /** Which sweep lacks the point. */
  missingFrom?: 'baseline' | 'current';
}

/**
 * Compares two sweeps of the same fields point by point, matching points by their values: each
 * pair is compared as `compare` compares two run files (the noise rule, tolerances, coverage).
 * A point of the baseline missing from the current sweep fails the comparison, as lost coverage
 * does. Pure; throws InvalidInputError for sweeps of different fields.
 */
export function compareSweeps(baseline: SweepResult, current: SweepResult, opts: CompareOptions = {}): SweepComparison {
  const fieldsOf = (r: SweepResult): string => r.scenario.sweep.fields.map((f) => f.path).join(' × ');
  if (fieldsOf(baseline) !== fieldsOf(current)) {
    throw new InvalidInputError([
      {
        file: opts.currentSource ?? 'current',
        path: 'scenario.sweep',
        message: `sweeps ${fieldsOf(current)}, the baseline ${fieldsOf(baseline)}: compare sweeps of the same fields (or a point of each: \`report --point\`)`,
      },
    ]);
  }
  const labels = [...new Set([...baseline.points, ...current.points].map((p) => p.label))];
  const points = labels.map((label): SweepPointComparison => {
    const b = baseline.points.find((p) => p.label === label);
    const c = current.points.find((p) => p.label === label);
    if (b === undefined) return { label, missingFrom: 'baseline' };
    if (c === undefined) return { label, missingFrom: 'current' };
    const source = (s: string | undefined): string | undefined => (s === undefined ? undefined : `${s} (${label})`);
    return { label, comparison: compareResults(b.run, c.run, { ...opts, baselineSource: source(opts.baselineSource), currentSource: source(opts.currentSource) }) };
  });
  const describe = (r: SweepResult, source: string | undefined) => ({ ...(source === undefined ? {} : { source }), scenario: r.scenario.name, startedAt: r.startedAt });
  return {
    baseline: describe(baseline, opts.baselineSource),
    current: describe(current, opts.currentSource),
    points,
    failed: points.some((p) => p.missingFrom === 'current' || p.comparison?.failed === true),
  };
}

function verdictOf(p: SweepPointComparison): string {
  if (p.missingFrom !== undefined) return `only in the ${p.missingFrom === 'current' ? 'baseline' : 'current'} sweep`;
  return headline(p.comparison!);
}

/** Each point's comparison as `compare` prints two runs, then one line per point. */
export function renderSweepComparison(cmp: SweepComparison, opts: ComparisonRenderOptions): string {
  const out: string[] = [];
  for (const p of cmp.points) {
    out.push(`━━ ${p.label} ━━`);
    out.push(p.comparison === undefined ? `${verdictOf(p)}\n` : renderComparison(p.comparison, opts));
  }
  out.push('sweep comparison, point by point');
  const width = Math.max(...cmp.points.map((p) => p.label.length));
  for (const p of cmp.points) out.push(`  ${p.comparison?.failed || p.missingFrom === 'current' ? '✗' : '✓'} ${p.label.padEnd(width)}  ${verdictOf(p)}`);
  out.push('', cmp.failed ? 'failed: a point regressed, failed a threshold, lost coverage or is missing' : 'no point regressed');
  return `${out.join('\n')}\n`;
}

export function renderSweepComparisonMarkdown(cmp: SweepComparison): string {
  const out = [`## statebench compare: sweep ${escapeMarkdown(cmp.current.scenario)}, point by point`, ''];
  out.push(...markdownHeader(['point', 'verdict'], [false, false]));
  for (const p of cmp.points) out.push(markdownRow([escapeMarkdown(p.label), `${p.comparison?.failed || p.missingFrom === 'current' ? '❌' : '✅'} ${escapeMarkdown(verdictOf(p))}`]));
  out.push('');
  for (const p of cmp.points) if (p.comparison !== undefined) out.push(renderComparisonMarkdown(p.comparison, { headingLevel: 3 }).replace(/^### statebench compare: .*$/m, `### ${escapeMarkdown(p.label)}`));
  return `${out.join('\n')}\n`;
}
