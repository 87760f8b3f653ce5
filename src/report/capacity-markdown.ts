import type { CapacityResult } from '../capacity/capacity-result.js';
import { buildCapacitySummary } from './capacity-summary.js';
import { environmentParts } from './describe-run.js';
import { escapeMarkdown, markdownHeader, markdownRow } from './markdown-escape.js';

/** A capacity search as GitHub-flavoured Markdown (a CI job summary, docs/capacity.md). Pure. */
export function renderCapacityMarkdown(result: CapacityResult): string {
  const summary = buildCapacitySummary(result);
  const out = [`## ${escapeMarkdown(summary.title)}${result.complete ? '' : ' (incomplete)'}`, ''];
  out.push(summary.context.map(escapeMarkdown).join(' · '), '');
  if (summary.rows.length > 0) {
    out.push(...markdownHeader(['architecture', 'replicas', 'sustainable', 'efficiency', 'probes', 'at the knee'], [false, true, true, true, true, false]));
    for (const r of summary.rows) out.push(markdownRow([r.architecture, r.replicas, r.sustainable, r.efficiency, r.probes, r.knee].map(escapeMarkdown)));
    out.push('');
  }
  if (summary.knees.length > 0) {
    out.push('**At the knee** (the lowest failing rate):', '');
    for (const k of summary.knees) out.push(`- ${escapeMarkdown(k)}`);
    out.push('');
  }
  for (const p of summary.projections) {
    out.push(`**${escapeMarkdown(p.lines[0])}**`, '');
    for (const line of p.lines.slice(1)) out.push(`- ${escapeMarkdown(line.trim())}`);
    out.push('');
  }
  for (const w of summary.warnings) out.push(`> ⚠ ${escapeMarkdown(w)}`, '');
  out.push(`<sub>${escapeMarkdown(environmentParts(result).join(' · '))}</sub>`, '');
  return out.join('\n');
}
