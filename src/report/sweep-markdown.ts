import type { SweepResult } from '../sweep/sweep-result.js';
import { environmentParts } from './describe-run.js';
import { escapeMarkdown, markdownHeader, markdownRow } from './markdown-escape.js';
import { buildSweepSummary, type SweepTable } from './sweep-summary.js';

/** A sweep as GitHub-flavoured Markdown: the same tables, slopes and memory as the terminal report. Pure. */
export function renderSweepMarkdown(result: SweepResult): string {
  const summary = buildSweepSummary(result);
  const out = [`## ${escapeMarkdown(summary.title)}${result.complete ? '' : ' (incomplete)'}`, ''];
  if (result.scenario.description) out.push(escapeMarkdown(result.scenario.description), '');
  out.push(summary.context.map(escapeMarkdown).join(' · '), '');
  const table = (t: SweepTable, columns: string[]): void => {
    out.push(`**${escapeMarkdown(t.title)}**`, '');
    out.push(...markdownHeader([t.head, ...columns].map(escapeMarkdown), [false, ...columns.map(() => true)]));
    for (const r of t.rows) out.push(markdownRow([r.label, ...r.cells].map(escapeMarkdown)));
    out.push('');
  };
  for (const t of summary.tables) table(t, t.columns ?? summary.architectures);
  for (const s of summary.slopes) {
    out.push(`**Growth of ${escapeMarkdown(s.title)}**`, '');
    for (const line of s.lines) out.push(`- ${escapeMarkdown(line)}`);
    out.push('');
  }
  if (summary.memory !== undefined) {
    table(summary.memory.table, summary.memory.columns);
    for (const line of summary.memory.lines) out.push(`- ${escapeMarkdown(line)}`);
    out.push('');
  }
  for (const w of summary.warnings) out.push(`> ⚠ ${escapeMarkdown(w)}`, '');
  out.push(`<sub>${escapeMarkdown(environmentParts(result).join(' · '))}</sub>`, '');
  return out.join('\n');
}
