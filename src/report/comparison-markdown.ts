import type { Comparison, Verdict } from './compare.js';
import {
  VERDICT_LABELS,
  baselineText,
  changePercentText,
  changeText,
  currentText,
  describeComparedRun,
  headline,
  spreadNote,
  toleranceParts,
} from './comparison-text.js';
import { formatMetricValue } from './format.js';
import { escapeMarkdown as esc, markdownHeader, markdownRow } from './markdown-escape.js';

const VERDICT_ICONS: Readonly<Record<Verdict, string>> = {
  regressed: '❌',
  noise: '〰️',
  ok: '✅',
  improved: '🚀',
  'not-compared': '',
  off: '',
};

/** Options of {@link renderComparisonMarkdown}. */
export interface ComparisonMarkdownOptions {
  /** Level of the top heading (default 2). */
  headingLevel?: 1 | 2 | 3 | 4;
}

/**
 * `statebench compare --markdown`: the verdict first (what a reviewer reads in a PR comment),
 * then one table per architecture and the tolerances used. Pure: returns the text.
 */
export function renderComparisonMarkdown(cmp: Comparison, opts: ComparisonMarkdownOptions = {}): string {
  const h = '#'.repeat(opts.headingLevel ?? 2);
  const out: string[] = [
    `${h} statebench compare: ${esc(cmp.scenario)}`,
    '',
    `${cmp.regressed ? '❌' : '✅'} **${esc(headline(cmp))}**`,
    '',
    `- baseline: ${esc(describeComparedRun(cmp.baseline))}`,
    `- current: ${esc(describeComparedRun(cmp.current))}`,
    '',
  ];
  for (const arch of cmp.architectures) {
    const runs = arch.currentRuns > 1 ? `; current ${arch.currentRuns} runs (median)` : '';
    const incomplete = arch.complete ? '' : '; ⚠️ a run did not finish';
    out.push(`${h}# ${esc(arch.architecture)}${arch.regressed ? ' ❌' : ''}`, '', `<sub>${esc(spreadNote(arch.baselineRuns))}${runs}${incomplete}</sub>`, '');
    out.push(...markdownHeader(['metric', 'baseline', 'current', 'change', '%', 'verdict'], [false, true, true, true, true, false]));
    for (const m of arch.metrics) {
      const b = baselineText(m);
      const label = VERDICT_LABELS[m.verdict];
      const verdict = `${VERDICT_ICONS[m.verdict]} ${m.verdict === 'regressed' ? `**${label}**` : label}`.trim();
      out.push(
        markdownRow([
          esc(m.metric),
          esc(b.range ? `${b.median} (${b.range})` : b.median),
          esc(currentText(m)),
          esc(changeText(m)),
          esc(changePercentText(m)),
          verdict,
        ]),
      );
    }
    out.push('');
  }
  if (cmp.onlyInBaseline.length > 0) out.push(`⚠️ Not in the current run (not compared): ${esc(cmp.onlyInBaseline.join(', '))}`, '');
  if (cmp.onlyInCurrent.length > 0) out.push(`New in the current run (no baseline): ${esc(cmp.onlyInCurrent.join(', '))}`, '');
  if (cmp.failedThresholds.length > 0) {
    out.push(`${h}# Thresholds failed in the current run`, '');
    for (const t of cmp.failedThresholds) {
      out.push(`- ❌ ${esc(t.architecture)}: ${esc(`${t.source}: ${t.expression}`)} (actual ${esc(formatMetricValue(t.metric, t.actual))})`);
    }
    out.push('');
  }
  out.push(
    `<sub>Tolerances: ${esc(toleranceParts(cmp).join(' · '))}. A change is a regression when it exceeds the tolerance and, ` +
      'for a repeated baseline, also the worst baseline run widened by the tolerance.</sub>',
    '',
  );
  return out.join('\n');
}
