import type { Comparison, Verdict } from '../compare/types.js';
import {
  VERDICT_LABELS,
  baselineAdvice,
  baselineText,
  changePercentText,
  changeText,
  coverageText,
  currentText,
  describeComparedRun,
  differenceText,
  headline,
  inconclusiveNotes,
  leftOutNotes,
  noiseText,
  ruleText,
  runsNote,
  toleranceParts,
} from './comparison-text.js';
import { formatMetricValue } from './format.js';
import { escapeMarkdown as esc, markdownHeader, markdownRow } from './markdown-escape.js';

const VERDICT_ICONS: Readonly<Record<Verdict, string>> = {
  regression: '❌',
  improvement: '🚀',
  'within-noise': '✅',
  inconclusive: '❔',
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
 * what differs between the runs, lost coverage, then one table per architecture and the rule
 * applied. Pure: returns the text.
 */
export function renderComparisonMarkdown(cmp: Comparison, opts: ComparisonMarkdownOptions = {}): string {
  const h = '#'.repeat(opts.headingLevel ?? 2);
  const out: string[] = [
    `${h} statebench compare: ${esc(cmp.baseline.scenario)}`,
    '',
    `${cmp.failed ? '❌' : '✅'} **${esc(headline(cmp))}**`,
    '',
    `- baseline: ${esc(describeComparedRun(cmp.baseline))}`,
    `- current: ${esc(describeComparedRun(cmp.current))}`,
    '',
  ];
  const { scenario, environment } = cmp.differences;
  if (scenario.length + environment.length > 0) {
    out.push('**What differs**', '');
    for (const d of scenario) out.push(`- scenario: ${esc(differenceText(d))}`);
    for (const d of environment) out.push(`- environment: ${esc(differenceText(d))}`);
    out.push('');
  } else {
    out.push('<sub>Same scenario and environment (apart from the commit).</sub>', '');
  }
  if (cmp.coverageLost.length > 0) {
    out.push('**❌ Coverage lost** (fails the comparison)', '');
    for (const loss of cmp.coverageLost) out.push(`- ${esc(coverageText(loss))}`);
    out.push('');
  }
  for (const arch of cmp.architectures) {
    out.push(`${h}# ${esc(arch.architecture)}${arch.regressed ? ' ❌' : ''}`, '', `<sub>${esc(runsNote(arch.baselineRuns, arch.currentRuns))}</sub>`, '');
    out.push(...markdownHeader(['metric', 'baseline', 'current', 'change', '%', 'noise', 'verdict'], [false, true, true, true, true, true, false]));
    for (const m of arch.metrics) {
      const b = baselineText(m);
      const label = VERDICT_LABELS[m.verdict];
      const verdict = `${VERDICT_ICONS[m.verdict]} ${m.verdict === 'regression' ? `**${label}**` : label}`.trim();
      out.push(
        markdownRow([
          esc(m.metric),
          esc(b.range ? `${b.median} (${b.range})` : b.median),
          esc(currentText(m)),
          esc(changeText(m)),
          esc(changePercentText(m)),
          esc(noiseText(m)),
          verdict,
        ]),
      );
    }
    out.push('');
  }
  const leftOut = leftOutNotes(cmp);
  if (leftOut.length > 0) {
    out.push('**⚠️ Disturbed runs left out** (the other repetitions were judged)', '');
    for (const n of leftOut) out.push(`- ${esc(n)}`);
    out.push('');
  }
  const notes = inconclusiveNotes(cmp);
  if (notes.length > 0) {
    out.push('**❔ Inconclusive**', '');
    for (const n of notes) out.push(`- ${esc(n)}`);
    out.push('');
  }
  if (cmp.onlyInCurrent.length > 0) out.push(`New in the current run (no baseline): ${esc(cmp.onlyInCurrent.join(', '))}`, '');
  if (cmp.failedThresholds.length > 0) {
    out.push(`${h}# Thresholds failed in the current run`, '');
    for (const t of cmp.failedThresholds) {
      out.push(`- ❌ ${esc(t.architecture)}: ${esc(`${t.source}: ${t.expression}`)} (actual ${esc(formatMetricValue(t.metric, t.actual))})`);
    }
    out.push('');
  }
  const tolerances = toleranceParts(cmp);
  const advice = baselineAdvice(cmp);
  if (advice) out.push(`⚠️ ${esc(advice)}`, '');
  out.push(`<sub>${tolerances.length > 0 ? `Tolerances: ${esc(tolerances.join(' · '))}. ` : ''}${esc(ruleText(cmp))}</sub>`, '');
  return out.join('\n');
}
