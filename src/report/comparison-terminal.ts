import Table from 'cli-table3';
import { createColors } from 'picocolors';
import type { Comparison, Verdict } from '../compare/types.js';
import {
  VERDICT_LABELS,
  baselineAdvice,
  baselineText,
  changePercentText,
  changeText,
  comparedRunParts,
  coverageText,
  currentText,
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
import { joinWrapped, wrapWords } from './wrap-lines.js';

// Always-on colours: whether to colour is the caller's decision (`opts.color`), not
// picocolors' own guess from the environment the tests or the CLI happen to run in.
const pc = createColors(true);

/** Options of {@link renderComparison}. */
export interface ComparisonRenderOptions {
  color: boolean;
  /** Terminal width for wrapping notes (default 80); the tables themselves stay under 80. */
  width?: number;
}

type Paint = (s: string) => string;
const plain: Paint = (s) => s;

function verdictPaint(verdict: Verdict, color: boolean): Paint {
  if (!color) return plain;
  switch (verdict) {
    case 'regression':
      return (s) => pc.bold(pc.red(s));
    case 'inconclusive':
      return pc.yellow;
    case 'improvement':
      return pc.green;
    case 'within-noise':
      return plain;
    case 'not-compared':
    case 'off':
      return pc.dim;
  }
}

/**
 * `statebench compare` for a terminal: what differs between the runs, the coverage lost, one
 * table per architecture (metric, baseline with its range when repeated, current, change, the
 * combined noise, verdict), then the verdict in one line. Fits 80 columns. Pure: returns the text.
 */
export function renderComparison(cmp: Comparison, opts: ComparisonRenderOptions): string {
  const width = opts.width ?? 80;
  const bold: Paint = opts.color ? pc.bold : plain;
  const dim: Paint = opts.color ? pc.dim : plain;
  const yellow: Paint = opts.color ? pc.yellow : plain;
  const red: Paint = opts.color ? (s) => pc.bold(pc.red(s)) : plain;
  const out: string[] = [
    bold(`statebench compare · ${cmp.baseline.scenario}`),
    ...joinWrapped(comparedRunParts(cmp.baseline).map((p, i) => (i === 0 ? `baseline: ${p}` : p)), ' · ', width, '          '),
    ...joinWrapped(comparedRunParts(cmp.current).map((p, i) => (i === 0 ? `current:  ${p}` : p)), ' · ', width, '          '),
    '',
  ];

  const { scenario, environment } = cmp.differences;
  if (scenario.length === 0 && environment.length === 0) {
    out.push(dim('Same scenario and environment (apart from the commit).'));
  } else {
    out.push(bold('What differs'));
    for (const d of scenario) out.push(...wrapWords(`scenario     ${differenceText(d)}`, width, '  ', '                 '));
    for (const d of environment) out.push(...wrapWords(`environment  ${differenceText(d)}`, width, '  ', '                 '));
  }

  if (cmp.coverageLost.length > 0) {
    out.push('', red('Coverage lost (fails the comparison)'));
    for (const loss of cmp.coverageLost) out.push(...wrapWords(coverageText(loss), width, '  ', '    '));
  }

  for (const arch of cmp.architectures) {
    out.push('');
    out.push(`${bold(arch.architecture)}  ${dim(runsNote(arch.baselineRuns, arch.currentRuns))}`);
    const table = new Table({
      head: ['metric', 'baseline', 'current', 'change', 'noise', 'verdict'].map((h) => bold(h)),
      colAligns: ['left', 'right', 'right', 'right', 'right', 'left'],
      style: { head: [], border: [], compact: true },
    });
    for (const m of arch.metrics) {
      const b = baselineText(m);
      const pct = changePercentText(m);
      table.push([
        m.metric,
        b.range ? `${b.median}\n${dim(b.range)}` : b.median,
        currentText(m),
        m.change === null || m.change === 0 ? changeText(m) : `${changeText(m)}\n${dim(pct)}`,
        noiseText(m),
        verdictPaint(m.verdict, opts.color)(VERDICT_LABELS[m.verdict]),
      ]);
    }
    out.push(table.toString());
  }

  const leftOut = leftOutNotes(cmp);
  if (leftOut.length > 0) {
    out.push('', yellow('Disturbed runs left out (the other repetitions were judged)'));
    for (const n of leftOut) out.push(...wrapWords(n, width, '  ', '    ').map(yellow));
  }
  const notes = inconclusiveNotes(cmp);
  if (notes.length > 0) {
    out.push('', yellow('Inconclusive'));
    for (const n of notes) out.push(...wrapWords(n, width, '  ', '    ').map(yellow));
  }
  if (cmp.onlyInCurrent.length > 0) {
    out.push('', dim(`New in the current run (no baseline): ${cmp.onlyInCurrent.join(', ')}`));
  }
  if (cmp.failedThresholds.length > 0) {
    out.push('', bold('Thresholds failed in the current run'));
    for (const t of cmp.failedThresholds) {
      out.push(`  ✗ ${t.architecture}  ${t.source}: ${t.expression}  actual ${formatMetricValue(t.metric, t.actual)}`);
    }
  }
  const tolerances = toleranceParts(cmp);
  if (tolerances.length > 0) out.push('', ...joinWrapped([`Tolerances: ${tolerances[0]}`, ...tolerances.slice(1)], ' · ', width, '  ').map(dim));
  out.push(...wrapWords(ruleText(cmp), width, '', '').map(dim));
  const advice = baselineAdvice(cmp);
  if (advice) out.push(...wrapWords(advice, width, '', '').map(yellow));
  out.push('');
  const verdict: Paint = opts.color ? (cmp.failed ? (s) => pc.bold(pc.red(s)) : pc.green) : plain;
  out.push(...wrapWords(headline(cmp), width, '', '').map(verdict));
  return `${out.join('\n')}\n`;
}
