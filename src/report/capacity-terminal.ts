import Table from 'cli-table3';
import { createColors } from 'picocolors';
import type { CapacityResult } from '../capacity/capacity-result.js';
import { buildCapacitySummary } from './capacity-summary.js';
import { environmentParts } from './describe-run.js';
import { joinWrapped, wrapWords } from './wrap-lines.js';

const pc = createColors(true);

/**
 * A capacity search for a terminal: what was searched, the table of sustainable rates per
 * architecture and replica count with the scaling efficiency and what saturated, the evidence
 * at each knee, and each architecture's projection. Pure: returns the text.
 */
export function renderCapacityTerminal(result: CapacityResult, opts: { color: boolean; width?: number }): string {
  const width = opts.width ?? 80;
  const id = (s: string): string => s;
  const bold = opts.color ? pc.bold : id;
  const dim = opts.color ? pc.dim : id;
  const warn = opts.color ? pc.yellow : id;
  const summary = buildCapacitySummary(result);
  const out: string[] = [bold(summary.title) + (result.complete ? '' : warn(' (incomplete)'))];
  out.push(...joinWrapped(summary.context, ' · ', width).map(dim), '');

  if (summary.rows.length === 0) out.push('No architecture was searched.');
  else {
    const table = new Table({
      head: ['architecture', 'replicas', 'sustainable', 'efficiency', 'probes', 'at the knee'],
      colAligns: ['left', 'right', 'right', 'right', 'right', 'left'],
      style: { head: opts.color ? ['bold'] : [], border: opts.color ? ['grey'] : [] },
    });
    let last = '';
    for (const r of summary.rows) {
      table.push([r.architecture === last ? '' : r.architecture, r.replicas, r.sustainable, r.efficiency, r.probes, r.knee]);
      last = r.architecture;
    }
    out.push(table.toString());
  }
  if (summary.knees.length > 0) {
    out.push('', bold('At the knee (the lowest failing rate)'));
    for (const k of summary.knees) out.push(...wrapWords(k, width, '  ', '    '));
  }
  for (const p of summary.projections) {
    out.push('');
    out.push(...wrapWords(p.lines[0], width).map(bold));
    for (const line of p.lines.slice(1)) out.push(...joinWrapped(line.trim().split(' · '), ' · ', width - 2, '    ').map((l) => `  ${l}`));
  }
  for (const w of summary.warnings) out.push('', ...wrapWords(`⚠ ${w}`, width).map(warn));
  out.push('', ...joinWrapped(environmentParts(result), ' · ', width).map(dim));
  return `${out.join('\n')}\n`;
}
