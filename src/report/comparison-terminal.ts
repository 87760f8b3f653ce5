import Table from 'cli-table3';
import { createColors } from 'picocolors';
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
    case 'regressed':
      return (s) => pc.bold(pc.red(s));
    case 'noise':
      return pc.yellow;
    case 'improved':
      return pc.green;
    case 'ok':
      return plain;
    case 'not-compared':
    case 'off':
      return pc.dim;
  }
}

/**
 * `statebench compare` for a terminal: one table per architecture (metric, baseline median
 * with its range when repeated, current, change, %, verdict), then the verdict in one line.
 * Fits 80 columns. Pure: returns the text.
 */
export function renderComparison(cmp: Comparison, opts: ComparisonRenderOptions): string {
  const width = opts.width ?? 80;
  const bold: Paint = opts.color ? pc.bold : plain;
  const dim: Paint = opts.color ? pc.dim : plain;
  const out: string[] = [
    bold(`statebench compare · ${cmp.scenario}`),
    `baseline: ${describeComparedRun(cmp.baseline)}`,
    `current:  ${describeComparedRun(cmp.current)}`,
  ];

  for (const arch of cmp.architectures) {
    out.push('');
    const runs = arch.currentRuns > 1 ? `, current ${arch.currentRuns} runs (median)` : '';
    out.push(`${bold(arch.architecture)}  ${dim(`${spreadNote(arch.baselineRuns)}${runs}`)}`);
    if (!arch.complete) out.push(opts.color ? pc.yellow('  a run did not finish: its figures cover part of the window') : '  a run did not finish: its figures cover part of the window');
    const table = new Table({
      head: ['metric', 'baseline', 'current', 'change', '%', 'verdict'].map((h) => bold(h)),
      colAligns: ['left', 'right', 'right', 'right', 'right', 'left'],
      style: { head: [], border: [], compact: true },
    });
    for (const m of arch.metrics) {
      const b = baselineText(m);
      const paint = verdictPaint(m.verdict, opts.color);
      table.push([
        m.metric,
        b.range ? `${b.median}\n${dim(b.range)}` : b.median,
        currentText(m),
        changeText(m),
        changePercentText(m),
        paint(VERDICT_LABELS[m.verdict]),
      ]);
    }
    out.push(table.toString());
  }

  if (cmp.onlyInBaseline.length > 0) {
    out.push('', warn(opts.color, `Not in the current run (not compared): ${cmp.onlyInBaseline.join(', ')}`));
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
  out.push('', ...joinWrapped([`Tolerances: ${toleranceParts(cmp)[0] ?? ''}`, ...toleranceParts(cmp).slice(1)], ' · ', width, '  ').map(dim));
  const rule =
    'A change is a regression when it exceeds the tolerance and, for a repeated baseline, also ' +
    'the worst baseline run widened by the tolerance.';
  out.push(...wrapWords(rule, width, '', '').map(dim));
  out.push('');
  const verdictLine = headline(cmp);
  out.push(opts.color ? (cmp.regressed ? pc.bold(pc.red(verdictLine)) : pc.green(verdictLine)) : verdictLine);
  return `${out.join('\n')}\n`;
}

function warn(color: boolean, text: string): string {
  return color ? pc.yellow(text) : text;
}
