import Table from 'cli-table3';
import { createColors } from 'picocolors';
import type { RunResult } from '../result/types.js';
import { environmentParts, scenarioParts } from './describe-run.js';
import { pairedDifferenceLines } from './paired-rows.js';
import { DISTURBED_HEADLINE, DISTURBED_MEANING, describeDisturbedRun, findDisturbedRuns } from './disturbance-rows.js';
import { buildFaultWindowRows, findFailedFaults, runLabel } from './fault-window-rows.js';
import { BALANCED_FRACTION, buildLatencyLevelRows, buildScaleSpreadRows } from './phase-rows.js';
import { formatCount, formatDurationMs, formatLatencyUs, formatMetricValue, plural } from './format.js';
import { joinWrapped, wrapWords } from './wrap-lines.js';
import { buildEndpointRows, errorKindsText } from './endpoint-rows.js';
import { buildSummaryTable, type SummaryCell, type SummaryTable, type Tone } from './summary-table.js';

// Always-on colours: whether to colour is the caller's decision (`opts.color`), not
// picocolors' own guess from the environment the tests or the CLI happen to run in.
const pc = createColors(true);

/** Options of {@link renderTerminalReport}. */
export interface TerminalReportOptions {
  /** ANSI colours; the CLI decides (TTY, `NO_COLOR`, `--no-color`). */
  color: boolean;
  /** Terminal width in columns; the table splits into several when it would not fit. Default 80. */
  width?: number;
  /** Add the per-endpoint table (login, add, read, checkout, logout), as `--endpoints` asks. */
  endpoints?: boolean;
}

const DEFAULT_WIDTH = 80;
/** Narrowest data column: `baseline`, `1.83 ms` and `-12%` must fit untruncated. */
const MIN_DATA_WIDTH = 8;

type Paint = (s: string) => string;

interface Palette {
  bold: Paint;
  dim: Paint;
  tone: (tone: Tone) => Paint;
}

function palette(color: boolean): Palette {
  const id: Paint = (s) => s;
  if (!color) return { bold: id, dim: id, tone: () => id };
  const tones: Record<Tone, Paint> = { good: pc.green, bad: pc.red, warn: pc.yellow, plain: id };
  return { bold: pc.bold, dim: pc.dim, tone: (t) => tones[t] };
}

/**
 * The side-by-side report of a run for a terminal: a summary table with one column per
 * architecture (median and min–max range when repeated), then fault windows, failed faults,
 * skipped architectures, thresholds, the environment and, for interrupted runs, a warning.
 * Pure: returns the text, prints nothing.
 */
export function renderTerminalReport(result: RunResult, opts: TerminalReportOptions): string {
  const width = opts.width ?? DEFAULT_WIDTH;
  const p = palette(opts.color);
  const summary = buildSummaryTable(result);
  const out: string[] = [];

  out.push(`${p.bold(`statebench · ${result.scenario.name}`)}${result.complete ? '' : p.tone('warn')(' (incomplete)')}`);
  out.push(...joinWrapped(scenarioParts(result), ' · ', width).map(p.dim));
  out.push('');

  if (summary.columns.length > 0) {
    out.push(...renderSummaryTables(summary, width, p));
    out.push(...summaryNotes(result, summary, width, p));
    out.push(...disturbanceLines(result, width, p));
    const paired = pairedDifferenceLines(result);
    if (paired.length > 0) out.push('', p.bold(paired[0]), ...paired.slice(1).flatMap((l) => wrapWords(l, width, '', '    ')));
  } else {
    out.push('No architecture produced results.');
  }

  if (opts.endpoints) out.push(...endpointSection(result, width, p));
  out.push(...faultSection(result, width, p));
  out.push(...latencyLevelSection(result, width, p));
  out.push(...scaleSpreadSection(result, width, p));
  out.push(...failedFaultSection(result, width, p));
  out.push(...skippedSection(result, width, p));
  out.push(...thresholdSection(result, width, p));

  out.push('');
  out.push(...joinWrapped(environmentParts(result), ' · ', width).map(p.dim));
  if (!result.complete) {
    out.push('');
    const reason = result.incompleteReason ? `: ${result.incompleteReason}` : '';
    out.push(...wrapWords(`⚠ Incomplete run${reason}. The figures cover only what was measured.`, width).map(p.tone('warn')));
  }
  return `${out.join('\n')}\n`;
}

function cellLines(cell: SummaryCell, p: Palette): string {
  const text = p.tone(cell.tone)(cell.text);
  return cell.range ? `${text}\n${p.dim(cell.range)}` : text;
}

function headerText(col: SummaryTable['columns'][number]): string {
  return `${col.architecture}${col.complete ? '' : '*'}${col.runs > 1 ? ` ×${col.runs}` : ''}`;
}

/**
 * The summary as one or more cli-table3 tables, split by architecture when all columns would
 * not fit `width`. Sections are separated by horizontal rules: a compact table with no rules
 * at all reads as a wall of numbers, one rule per row doubles its height.
 */
function renderSummaryTables(summary: SummaryTable, width: number, p: Palette): string[] {
  const rows = summary.sections.flatMap((s) => s.rows);
  const labelWidth = Math.max(...rows.map((r) => r.shortLabel.length)) + 2;
  const contentWidth = Math.max(
    MIN_DATA_WIDTH,
    ...summary.columns.map((c) => headerText(c).length),
    ...rows.flatMap((r) => r.cells.flatMap((c) => [c.text.length, c.range?.length ?? 0])),
  );
  // Table width = 1 + (labelWidth + 1) + n × (dataWidth + 1), borders included.
  const room = width - 2 - labelWidth;
  let dataWidth = contentWidth + 2;
  let perTable = Math.floor(room / (dataWidth + 1));
  if (perTable < 1) {
    perTable = 1;
    dataWidth = Math.max(MIN_DATA_WIDTH, room - 1);
  }

  const out: string[] = [];
  for (let start = 0; start < summary.columns.length; start += perTable) {
    const end = Math.min(start + perTable, summary.columns.length);
    if (start > 0) out.push('');
    out.push(...renderOneTable(summary, start, end, labelWidth, dataWidth, p));
  }
  return out;
}

function renderOneTable(
  summary: SummaryTable,
  start: number,
  end: number,
  labelWidth: number,
  dataWidth: number,
  p: Palette,
): string[] {
  const columns = summary.columns.slice(start, end);
  const table = new Table({
    head: ['', ...columns.map((c) => p.bold(headerText(c)))],
    colWidths: [labelWidth, ...columns.map(() => dataWidth)],
    colAligns: ['left', ...columns.map(() => 'right' as const)],
    style: { head: [], border: [], compact: true },
    wordWrap: false,
  });
  const rowHeights: number[] = [];
  const sectionStarts = new Set<number>();
  for (const section of summary.sections) {
    sectionStarts.add(rowHeights.length);
    for (const row of section.rows) {
      const cells = row.cells.slice(start, end);
      table.push([row.shortLabel, ...cells.map((c) => cellLines(c, p))]);
      rowHeights.push(cells.some((c) => c.range) ? 2 : 1);
    }
  }

  const lines = table.toString().split('\n');
  // Compact tables keep exactly one rule, under the header; copy it between sections.
  const ruleIndex = lines.findIndex((l) => l.startsWith('├'));
  if (ruleIndex < 0) return lines;
  const rule = lines[ruleIndex];
  const out = lines.slice(0, ruleIndex + 1);
  let cursor = ruleIndex + 1;
  rowHeights.forEach((height, i) => {
    if (i > 0 && sectionStarts.has(i)) out.push(rule);
    out.push(...lines.slice(cursor, cursor + height));
    cursor += height;
  });
  out.push(...lines.slice(cursor));
  return out;
}

function summaryNotes(result: RunResult, summary: SummaryTable, width: number, p: Palette): string[] {
  const notes: string[] = [];
  if (summary.columns.some((c) => c.runs > 1)) {
    notes.push(...wrapWords('×N: median of N repetitions, with the min–max range below it.', width).map(p.dim));
  }
  if (summary.baseline) {
    const note = `vs ${summary.baseline}: difference from the ${summary.baseline} column (+ is slower / more).`;
    notes.push(...wrapWords(note, width).map(p.dim));
  }
  for (const run of result.architectures) {
    if (run.complete) continue;
    const name = summary.columns.find((c) => c.architecture === run.architecture && c.runs > 1)
      ? `${run.architecture} #${run.repetition}`
      : run.architecture;
    notes.push(...wrapWords(`* ${name} did not finish${run.error ? `: ${run.error}` : ''}`, width).map(p.tone('warn')));
  }
  for (const run of result.architectures) {
    if (run.unmeasured === undefined) continue;
    notes.push(...wrapWords(`✗ ${run.architecture}${run.repetition > 1 ? ` #${run.repetition}` : ''} was not measured: ${run.unmeasured.reason}. Its figures are left out.`, width).map(p.tone('bad')));
  }
  return notes;
}

/** The warning under the table when the machine disturbed a run: what, and for which runs. */
function disturbanceLines(result: RunResult, width: number, p: Palette): string[] {
  const runs = findDisturbedRuns(result);
  if (runs.length === 0) return [];
  const warn = p.tone('warn');
  // A figure and its unit stay on one line: glued for wrapping, unglued after.
  const glue = (text: string): string => text.replace(/(\d) (µs|ms|s|cores?)\b/g, '$1\u00a0$2');
  const unglue = (line: string): string => line.replace(/\u00a0/g, ' ');
  return [
    ...wrapWords(`⚠ ${DISTURBED_HEADLINE}: ${DISTURBED_MEANING}`, width).map(warn),
    ...runs.flatMap((r) => wrapWords(glue(describeDisturbedRun(r)), width, '  ', '    ')).map((l) => warn(unglue(l))),
  ];
}

interface PlainCell {
  text: string;
  paint?: Paint;
}

/** Columns padded to their widest cell, two spaces apart; colour applied after padding. */
function alignColumns(rows: PlainCell[][], rightAligned: boolean[]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].text.length)));
  return rows.map((r) =>
    r
      .map((cell, i) => {
        const padded = rightAligned[i] ? cell.text.padStart(widths[i]) : cell.text.padEnd(widths[i]);
        return cell.paint ? cell.paint(padded) : padded;
      })
      .join('  ')
      .trimEnd(),
  );
}

function faultSection(result: RunResult, width: number, p: Palette): string[] {
  const rows = buildFaultWindowRows(result);
  if (rows.length === 0) return [];
  const header: PlainCell[] = ['', 'fault', 'at', 'errors', 'lost', 'items', 'p99', 'recovery'].map((t) => ({
    text: t,
    paint: p.dim,
  }));
  const body: PlainCell[][] = rows.map((r) => [
    { text: runLabel(r) },
    { text: r.fault },
    { text: formatDurationMs(r.startMs) },
    { text: formatCount(r.errors), paint: r.errors > 0 ? p.tone('warn') : undefined },
    { text: formatCount(r.sessionsLost), paint: r.sessionsLost > 0 ? p.tone('bad') : undefined },
    { text: formatCount(r.updatesLost), paint: r.updatesLost > 0 ? p.tone('bad') : undefined },
    { text: formatLatencyUs(r.p99Us) },
    r.timeToRecoverMs === null
      ? { text: 'not recovered', paint: p.tone('bad') }
      : { text: formatDurationMs(r.timeToRecoverMs) },
  ]);
  const out = ['', p.bold('Fault windows')];
  const aligns = [false, false, true, true, true, true, true, true];
  const table = alignColumns([header, ...body], aligns);
  const unpainted = [header, ...body].map((r) => r.map((c) => ({ text: c.text })));
  const plainWidth = Math.max(...alignColumns(unpainted, aligns).map((l) => l.length));
  if (plainWidth <= width) {
    out.push(...table);
  } else {
    // Too narrow for columns: one self-describing line per window.
    for (const r of rows) {
      const recovery = r.timeToRecoverMs === null ? 'not recovered' : `recovered after ${formatDurationMs(r.timeToRecoverMs)}`;
      const line =
        `${runLabel(r)}: ${r.fault} at ${formatDurationMs(r.startMs)}: ${plural(r.errors, 'error')}, ` +
        `${plural(r.sessionsLost, 'session')} and ${plural(r.updatesLost, 'item')} lost, ` +
        `p99 ${formatLatencyUs(r.p99Us)}, ${recovery}`;
      out.push(...wrapWords(line, width));
    }
  }
  const legend =
    'errors, lost sessions and lost cart items during the window; recovery: time until errors stopped ' +
    'and p99 came back within 20% (or 1 ms) of its level before the fault.';
  out.push(...wrapWords(legend, width, '', '').map(p.dim));
  return out;
}

/**
 * Requests, errors and latency per endpoint and architecture, and the kinds of the errors: in a
 * last column when the table still fits the width with it, else on a line of their own under
 * the row they belong to.
 */
function endpointSection(result: RunResult, width: number, p: Palette): string[] {
  const rows = buildEndpointRows(result);
  if (rows.length === 0) return [];
  const header: PlainCell[] = ['', 'endpoint', 'requests', 'errors', 'p50', 'p95', 'p99', 'error kinds'].map((t) => ({ text: t, paint: p.dim }));
  const body: PlainCell[][] = rows.map((r, i) => [
    // The architecture once, on its first endpoint: the block below reads as its own.
    { text: i > 0 && rows[i - 1].architecture === r.architecture ? '' : `${r.architecture}${r.runs > 1 ? ` ×${r.runs}` : ''}` },
    { text: r.endpoint },
    { text: formatCount(r.requests) },
    { text: formatCount(r.errors), paint: (r.errors ?? 0) > 0 ? p.tone('warn') : undefined },
    { text: formatLatencyUs(r.p50Us) },
    { text: formatLatencyUs(r.p95Us) },
    { text: formatLatencyUs(r.p99Us) },
    { text: errorKindsText(r, formatCount) },
  ]);
  const aligns = [false, false, true, true, true, true, true, false];
  const unpainted = [header, ...body].map((r) => r.map((c) => ({ text: c.text })));
  const out = ['', p.bold('Per endpoint')];
  if (rows.every((r) => r.errorKinds.length === 0)) {
    out.push(...alignColumns([header, ...body].map((r) => r.slice(0, -1)), aligns.slice(0, -1)));
  } else if (Math.max(...alignColumns(unpainted, aligns).map((l) => l.length)) <= width) {
    out.push(...alignColumns([header, ...body], aligns));
  } else {
    const lines = alignColumns([header, ...body].map((r) => r.slice(0, -1)), aligns.slice(0, -1));
    const indent = ' '.repeat(lines[0].indexOf('endpoint') + 2);
    out.push(lines[0]);
    body.forEach((r, i) => {
      out.push(lines[i + 1]);
      const kinds = r[r.length - 1].text;
      if (kinds !== '') out.push(...wrapWords(kinds, width, indent, indent).map(p.dim));
    });
  }
  if (rows.some((r) => r.runs > 1)) out.push(...wrapWords('×N: medians of N repetitions.', width).map(p.dim));
  return out;
}

/** Steady state at each added store latency: what every request costs from then on. */
function latencyLevelSection(result: RunResult, width: number, p: Palette): string[] {
  const rows = buildLatencyLevelRows(result);
  if (rows.length === 0) return [];
  const header: PlainCell[] = ['', 'store +', 'from', 'req/s', 'p50', 'p99', 'store p50', 'errors'].map((t) => ({ text: t, paint: p.dim }));
  const body: PlainCell[][] = rows.map((r) => [
    { text: runLabel(r) },
    { text: r.level.replace(/^\+/, '') },
    { text: `${formatDurationMs(r.fromMs)}–${formatDurationMs(r.toMs)}` },
    { text: formatCount(Math.round(r.throughputRps)) },
    { text: formatLatencyUs(r.p50Us) },
    { text: formatLatencyUs(r.p99Us) },
    { text: formatLatencyUs(r.storeP50Us) },
    { text: formatCount(r.errors), paint: r.errors > 0 ? p.tone('warn') : undefined },
  ]);
  const legend = 'store +: latency the proxy added to each store round trip; figures are medians of the seconds in each step.';
  return ['', p.bold('Store latency steps'), ...alignColumns([header, ...body], [false, false, true, true, true, true, true, true]), ...wrapWords(legend, width).map(p.dim)];
}

/** Each replica's share of requests after the last `scale`: does load reach the new replicas? */
function scaleSpreadSection(result: RunResult, width: number, p: Palette): string[] {
  const rows = buildScaleSpreadRows(result);
  if (rows.length === 0) return [];
  const out = ['', p.bold(`Load per replica after the last scale (from ${formatDurationMs(rows[0].fromMs)})`)];
  const legend = `even: every replica gets at least ${Math.round(BALANCED_FRACTION * 100)}% of an equal share in each second from then on.`;
  const labelWidth = Math.max(...rows.map((r) => runLabel(r).length));
  for (const r of rows) {
    const shares = Object.entries(r.share).map(([name, share]) => `${name} ${Math.round(share * 100)}%`);
    const indent = ' '.repeat(labelWidth + 2);
    out.push(...wrapWords(`${runLabel(r).padEnd(labelWidth)}  ${shares.join(' · ')}`, width, '', indent));
    out.push(`${indent}${r.balancedAfterMs === null ? 'never even' : `even ${formatDurationMs(r.balancedAfterMs)} after the scale`}`);
  }
  out.push(...wrapWords(legend, width, '', '').map(p.dim));
  return out;
}

function failedFaultSection(result: RunResult, width: number, p: Palette): string[] {
  const failed = findFailedFaults(result);
  if (failed.length === 0) return [];
  return [
    '',
    p.tone('warn')('Faults that did not take effect:'),
    ...failed.flatMap((f) => wrapWords(`${runLabel(f)}: ${f.fault} at ${formatDurationMs(f.atMs)}: ${f.error}`, width, '  ', '    ')),
  ];
}

function skippedSection(result: RunResult, width: number, p: Palette): string[] {
  if (result.skipped.length === 0) return [];
  return ['', p.bold('Skipped'), ...result.skipped.flatMap((s) => wrapWords(`${s.architecture}: ${s.reason}`, width, '  ', '    '))];
}

function thresholdSection(result: RunResult, width: number, p: Palette): string[] {
  if (result.thresholds.length === 0) return [];
  const passed = result.thresholds.filter((t) => t.passed).length;
  const total = result.thresholds.length;
  const verdict = passed === total ? p.tone('good')(`all ${total} passed`) : p.tone('bad')(`${total - passed} of ${total} failed`);
  const rows: PlainCell[][] = result.thresholds.map((t) => [
    t.passed ? { text: '✓', paint: p.tone('good') } : { text: '✗', paint: p.tone('bad') },
    { text: t.architecture },
    { text: `${t.source}: ${t.expression}` },
    { text: `actual ${formatMetricValue(t.metric, t.actual)}`, paint: t.passed ? undefined : p.tone('bad') },
  ]);
  const aligns = [false, false, false, false];
  const unpainted = rows.map((r) => r.map((c) => ({ text: c.text })));
  const fits = alignColumns(unpainted, aligns).every((l) => l.length + 2 <= width);
  const lines = fits
    ? alignColumns(rows, aligns).map((l) => `  ${l}`)
    : result.thresholds.flatMap((t, i) => {
        const paint = rows[i][0].paint ?? ((x: string) => x);
        const [first, ...rest] = wrapWords(`${t.architecture} ${t.source}: ${t.expression}, actual ${formatMetricValue(t.metric, t.actual)}`, width - 4, '', '  ');
        return [`  ${paint(rows[i][0].text)} ${first}`, ...rest.map((l) => `    ${l}`)];
      });
  return ['', `${p.bold('Thresholds')}: ${verdict}`, ...lines];
}
