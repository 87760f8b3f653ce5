import Table from 'cli-table3';
import { createColors } from 'picocolors';
import type { SweepResult } from '../sweep/sweep-result.js';
import { environmentParts } from './describe-run.js';
import { FAILED_MARK, buildSweepSummary, type SweepTable } from './sweep-summary.js';
import { joinWrapped, wrapWords } from './wrap-lines.js';

const pc = createColors(true);

/**
 * A sweep for a terminal: per figure a table (rows: the swept values, columns: the
 * architectures; failed values marked ✗), then how each figure grows (the fitted slopes),
 * memory per session, and warnings. Pure: returns the text.
 */
export function renderSweepTerminal(result: SweepResult, opts: { color: boolean; width?: number }): string {
  const width = opts.width ?? 80;
  const id = (s: string): string => s;
  const bold = opts.color ? pc.bold : id;
  const dim = opts.color ? pc.dim : id;
  const warn = opts.color ? pc.yellow : id;
  const bad = opts.color ? pc.red : id;
  const summary = buildSweepSummary(result);
  const out: string[] = [bold(summary.title) + (result.complete ? '' : warn(' (incomplete)'))];
  out.push(...joinWrapped(summary.context, ' · ', width).map(dim));

  const table = (t: SweepTable, columns: string[]): void => {
    const grid = new Table({
      head: [t.head, ...columns],
      colAligns: ['left', ...columns.map(() => 'right' as const)],
      style: { head: opts.color ? ['bold'] : [], border: opts.color ? ['grey'] : [] },
      wordWrap: true,
    });
    for (const r of t.rows) grid.push([r.label, ...r.cells.map((c) => (c.startsWith(FAILED_MARK) ? bad(c) : c))]);
    out.push('', bold(t.title), grid.toString());
  };
  if (result.points.length === 0) out.push('', 'No point was measured.');
  else for (const t of summary.tables) table(t, t.columns ?? summary.architectures);

  for (const s of summary.slopes) {
    out.push('', bold(`Growth of ${s.title}`));
    for (const line of s.lines) out.push(...wrapWords(line, width, '  ', '    '));
  }
  if (summary.memory !== undefined) {
    table(summary.memory.table, summary.memory.columns);
    for (const line of summary.memory.lines) out.push(...wrapWords(line, width, '  ', '    '));
  }
  for (const w of summary.warnings) out.push('', ...wrapWords(`⚠ ${w}`, width).map(warn));
  out.push('', ...joinWrapped(environmentParts(result).join(' · ').split(' · '), ' · ', width).map(dim));
  return `${out.join('\n')}\n`;
}
