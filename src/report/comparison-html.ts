import type { Comparison } from '../compare/types.js';
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
import { escapeHtml as esc, styleText } from './html/escape-html.js';
import { REPORT_CSS } from './html/report-css.js';

/** No script at all, and nothing fetched from anywhere. */
const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

function list(title: string, items: readonly string[], cls = ''): string {
  if (items.length === 0) return '';
  return `<h2>${esc(title)}</h2><ul${cls ? ` class="${cls}"` : ''}>${items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`;
}

/**
 * `compare --html`: the comparison as one self-contained page (no script, no network): the
 * verdict, what differs between the runs, lost coverage, a table per architecture, and the rule
 * applied. The same wording as the terminal and Markdown comparisons (comparison-text.ts). Pure.
 */
export function renderComparisonHtml(cmp: Comparison): string {
  const verdictClass = cmp.failed ? 'bad' : 'good';
  const { scenario, environment } = cmp.differences;
  const tables = cmp.architectures.map((arch) => {
    const rows = arch.metrics.map((m) => {
      const b = baselineText(m);
      const cls = m.verdict === 'regression' ? ' class="bad"' : m.verdict === 'improvement' ? ' class="good"' : '';
      return (
        `<tr><th>${esc(m.metric)}</th><td>${esc(b.range ? `${b.median} (${b.range})` : b.median)}</td><td>${esc(currentText(m))}</td>` +
        `<td>${esc(changeText(m))}</td><td>${esc(changePercentText(m))}</td><td>${esc(noiseText(m))}</td><td class="text"><span${cls}>${esc(VERDICT_LABELS[m.verdict])}</span></td></tr>`
      );
    });
    return [
      `<h2>${esc(arch.architecture)}${arch.regressed ? ' <span class="badge fail">regressed</span>' : ''}</h2>`,
      `<p class="hint">${esc(runsNote(arch.baselineRuns, arch.currentRuns))}</p>`,
      '<div class="table-wrap"><table><thead><tr><th>metric</th><th>baseline</th><th>current</th><th>change</th><th>%</th><th>noise</th><th class="text">verdict</th></tr></thead>',
      `<tbody>${rows.join('')}</tbody></table></div>`,
    ].join('\n');
  });
  const tolerances = toleranceParts(cmp);
  const advice = baselineAdvice(cmp);
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>statebench compare · ${esc(cmp.baseline.scenario)}</title>`,
    `<style>${styleText(REPORT_CSS)}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>statebench compare · ${esc(cmp.baseline.scenario)}</h1>`,
    `<p class="${verdictClass}">${esc(headline(cmp))}</p>`,
    `<p class="meta">baseline: ${esc(describeComparedRun(cmp.baseline))}</p>`,
    `<p class="meta">current: ${esc(describeComparedRun(cmp.current))}</p>`,
    scenario.length + environment.length > 0
      ? list('What differs', [...scenario.map((d) => `scenario: ${differenceText(d)}`), ...environment.map((d) => `environment: ${differenceText(d)}`)])
      : '<p class="hint">Same scenario and environment (apart from the commit).</p>',
    list('Coverage lost (fails the comparison)', cmp.coverageLost.map(coverageText), 'bad'),
    ...tables,
    list('Disturbed runs left out (the other repetitions were judged)', leftOutNotes(cmp)),
    list('Inconclusive', inconclusiveNotes(cmp)),
    cmp.onlyInCurrent.length > 0 ? `<p>New in the current run (no baseline): ${esc(cmp.onlyInCurrent.join(', '))}</p>` : '',
    list(
      'Thresholds failed in the current run',
      cmp.failedThresholds.map((t) => `${t.architecture}: ${t.source}: ${t.expression} (actual ${formatMetricValue(t.metric, t.actual)})`),
      'bad',
    ),
    advice ? `<p class="banner">${esc(advice)}</p>` : '',
    `<p class="hint">${tolerances.length > 0 ? `Tolerances: ${esc(tolerances.join(' · '))}. ` : ''}${esc(ruleText(cmp))}</p>`,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
