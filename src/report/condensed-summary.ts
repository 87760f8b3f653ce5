import type { RunResult } from '../result/types.js';
import { buildSummaryTable, type SummaryRow } from './summary-table.js';

/** Options of {@link renderCondensedSummary}. */
export interface CondensedSummaryOptions {
  /**
   * Lines the summary should take at most (the demo's last frame gives it what its screen has
   * left). Rows that can go do; the header, p99, errors by kind and the losses stay even when
   * they alone are taller.
   */
  maxLines: number;
}

/**
 * The rows a room needs to read the outcome, in the order shown: what was served, how fast,
 * what failed (every kind by name: `update-lost 2` and `refused 2` tell different stories), what
 * was lost, and what the store cost.
 */
const ROWS = ['req/s', 'p50', 'p95', 'p99', 'errors', 'lost sessions', 'lost items', 'store p50'];
/** Rows given up first when the lines do not suffice; error kinds and losses never are. */
const EXPENDABLE = ['p95', 'store p50', 'p50', 'req/s'];

/**
 * The summary table condensed for a small screen (the demo's last frame at 80×24): the same
 * figures as {@link buildSummaryTable}'s rows (one source, so they never disagree with the full
 * report printed after it), without borders or repetition ranges, as few rows as tell the
 * story. Rows in {@link EXPENDABLE} go, in that order, while the table is taller than
 * `maxLines`; the others always stay. Pure: returns the lines.
 */
export function renderCondensedSummary(result: RunResult, opts: CondensedSummaryOptions): string[] {
  const summary = buildSummaryTable(result);
  if (summary.columns.length === 0) return ['No architecture produced results.'];
  const all = summary.sections.flatMap((s) => s.rows);
  const kindRows = all.filter((r) => r.shortLabel.startsWith('  ') && summary.sections.some((s) => s.title === 'Errors' && s.rows.includes(r)));
  let rows: SummaryRow[] = ROWS.flatMap((label) => {
    const row = all.find((r) => r.shortLabel === label);
    if (!row) return [];
    return label === 'errors' ? [row, ...kindRows] : [row];
  });
  for (const label of EXPENDABLE) {
    if (rows.length + 1 <= opts.maxLines) break;
    rows = rows.filter((r) => r.shortLabel !== label);
  }
  const labelWidth = Math.max(...rows.map((r) => r.shortLabel.length));
  const widths = summary.columns.map((c, i) => Math.max(c.architecture.length, ...rows.map((r) => r.cells[i].text.length)));
  const line = (label: string, cells: string[]): string => `${label.padEnd(labelWidth)}${cells.map((c, i) => `  ${c.padStart(widths[i])}`).join('')}`.trimEnd();
  return [line('', summary.columns.map((c) => c.architecture)), ...rows.map((r) => line(r.shortLabel, r.cells.map((c) => c.text)))];
}
