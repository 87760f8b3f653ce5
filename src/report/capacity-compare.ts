import type { CapacityResult } from '../capacity/capacity-result.js';
import { formatPercent, formatRate } from './format.js';
import { escapeMarkdown, markdownHeader, markdownRow } from './markdown-escape.js';

/** Two capacity searches side by side: the sustainable rate per architecture and replica count. */
export interface CapacityComparison {
  /** A drop larger than this fraction is a regression (never below either search's precision). */
  tolerance: number;
  rows: CapacityComparisonRow[];
  regressed: boolean;
}

export interface CapacityComparisonRow {
  architecture: string;
  replicas: number;
  baselineRps: number | null;
  currentRps: number | null;
  /** current / baseline − 1; null without both. */
  change: number | null;
  verdict: 'regressed' | 'improved' | 'within precision' | 'missing';
}

/**
 * Compares the sustainable rates of two capacity results. A sustainable rate is only known to
 * within the search's precision (the bisection stops there), so a change inside the larger of
 * that and `tolerance` is reported as within precision, never as a regression. Pure.
 */
export function compareCapacity(baseline: CapacityResult, current: CapacityResult, opts: { tolerance?: number } = {}): CapacityComparison {
  const tolerance = Math.max(opts.tolerance ?? 0.1, baseline.search.precision, current.search.precision);
  const rateOf = (r: CapacityResult, a: string, n: number): number | null =>
    r.architectures.find((x) => x.architecture === a)?.points.find((p) => p.replicas === n)?.sustainableRps ?? null;
  const keys = new Map<string, { architecture: string; replicas: number }>();
  for (const r of [baseline, current]) for (const a of r.architectures) for (const p of a.points) keys.set(`${a.architecture}\0${p.replicas}`, { architecture: a.architecture, replicas: p.replicas });
  const rows = [...keys.values()].map(({ architecture, replicas }): CapacityComparisonRow => {
    const baselineRps = rateOf(baseline, architecture, replicas);
    const currentRps = rateOf(current, architecture, replicas);
    if (baselineRps === null || currentRps === null || baselineRps <= 0) return { architecture, replicas, baselineRps, currentRps, change: null, verdict: 'missing' };
    const change = currentRps / baselineRps - 1;
    const verdict = change < -tolerance ? 'regressed' : change > tolerance ? 'improved' : 'within precision';
    return { architecture, replicas, baselineRps, currentRps, change, verdict };
  });
  return { tolerance, rows, regressed: rows.some((r) => r.verdict === 'regressed') };
}

const cells = (r: CapacityComparisonRow): string[] => [
  r.architecture,
  String(r.replicas),
  r.baselineRps === null ? '–' : `${formatRate(r.baselineRps)}/s`,
  r.currentRps === null ? '–' : `${formatRate(r.currentRps)}/s`,
  r.change === null ? '–' : `${r.change >= 0 ? '+' : ''}${formatPercent(r.change, 0)}`,
  r.verdict,
];
const HEAD = ['architecture', 'replicas', 'baseline', 'current', 'change', 'verdict'];

/** Plain text, one aligned line per row. */
export function renderCapacityComparison(cmp: CapacityComparison): string {
  const table = [HEAD, ...cmp.rows.map(cells)];
  const widths = HEAD.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const lines = table.map((row) => row.map((c, i) => (i === 0 || i === 5 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd());
  const verdict = cmp.regressed ? `regressed: a sustainable rate fell by more than ${formatPercent(cmp.tolerance, 0)}` : `no sustainable rate fell by more than ${formatPercent(cmp.tolerance, 0)}`;
  return `${['capacity comparison', ...lines, '', verdict].join('\n')}\n`;
}

export function renderCapacityComparisonMarkdown(cmp: CapacityComparison): string {
  return [
    '## capacity comparison',
    '',
    ...markdownHeader(HEAD, [false, true, true, true, true, false]),
    ...cmp.rows.map((r) => markdownRow(cells(r).map(escapeMarkdown))),
    '',
    cmp.regressed ? `**Regressed**: a sustainable rate fell by more than ${formatPercent(cmp.tolerance, 0)}.` : `No sustainable rate fell by more than ${formatPercent(cmp.tolerance, 0)}.`,
    '',
  ].join('\n');
}
