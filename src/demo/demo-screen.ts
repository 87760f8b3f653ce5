import { createElement as h, type ReactElement, type ReactNode } from 'react';
import { Box, Text } from 'ink';
import { formatCount, formatLatencyUs } from '../report/format.js';
import type { ArchitecturePanel, DemoState, FinalFrame } from './demo-state.js';
import { renderCondensedSummary } from '../report/condensed-summary.js';
import type { ReplicaView } from './run-demo.js';
import { barChart } from './sparkline.js';
import { faultMarker } from './story.js';
import { wrapWords } from '../report/wrap-lines.js';
import { ARCHITECTURES } from '../architectures/index.js';

/** Below this the full layout cannot fit: a compact one keeps the figures readable. */
const MIN_COLUMNS = 60;
const MIN_ROWS = 18;
/** Lines the layout uses besides charts and narration: header 2, panel 8, timeline 2, footer 1. */
const FIXED_ROWS = 13;
const MIN_NARRATION_ROWS = 3;
const NARRATION_ROWS = 6;
const MAX_CHART_ROWS = 5;
/** `req/s ` / `p99   ` before a chart, and room for the figure after it. */
const CHART_LABEL = 6;
const CHART_FIGURE = 10;
/**
 * The opening (what is on stage, where each keeps its sessions) stays up until the story is this
 * far in, or its first fault strikes if sooner: long enough to read, while the status lines of
 * the start and the warm-up scroll beneath it. Under `--pace slow` the story waits at 0 s for the
 * presenter, and the opening with it.
 */
const OPENING_MS = 8000;
/** The last frame's lines besides the table and the conclusions: header 2, blank, heading, blank, footer. */
const FINAL_FIXED_ROWS = 6;

/** Props of {@link DemoScreen}. */
export interface DemoScreenProps {
  state: DemoState;
  /** Terminal size; the screen uses one row less so the terminal never scrolls. */
  columns: number;
  rows: number;
  color: boolean;
}

type Tone = 'red' | 'green' | 'yellow' | 'cyan' | 'magenta' | 'gray' | undefined;

/**
 * The full-screen live view: per architecture a panel with throughput and p99 charts, the
 * lost-session counter and the replicas as boxes (red when killed); then the fault timeline
 * with a cursor at "now", the latest narration and the keys. Pure: a function of the state
 * and the terminal size.
 */
export function DemoScreen({ state, columns, rows, color }: DemoScreenProps): ReactElement {
  const tone = (t: Tone): Tone => (color ? t : undefined);
  const height = Math.max(1, rows - 1);
  if (state.final !== undefined) return finalFrame(state, state.final, columns, height, tone);
  if (columns < MIN_COLUMNS || height < MIN_ROWS) return compact(state, columns, height, tone);

  // Narration gets its few lines first; every row beyond goes to taller charts, then back to narration.
  const chartRows = Math.max(1, Math.min(MAX_CHART_ROWS, Math.floor((height - FIXED_ROWS - NARRATION_ROWS) / 2)));
  const panelWidth = Math.floor(columns / state.panels.length);
  const narrationRows = Math.max(MIN_NARRATION_ROWS, height - FIXED_ROWS - 2 * chartRows);

  return h(
    Box,
    { flexDirection: 'column', width: columns, height },
    header(state, columns, tone),
    h(
      Box,
      { flexDirection: 'row' },
      ...state.panels.map((p) => panel(p, state, panelWidth, chartRows, scales(state, panelWidth), tone)),
    ),
    timeline(state, columns, tone),
    narration(state, narrationRows, columns, tone),
    footer(state, tone),
  );
}

function header(state: DemoState, columns: number, tone: (t: Tone) => Tone): ReactNode {
  const total = Math.round(state.story.scenario.durationMs / 1000);
  const act = state.actNumber > 0 ? `act ${state.actNumber}/${state.story.acts.length} · ` : '';
  const clock = `${act}${Math.floor(state.storyMs / 1000)} s / ${total} s`;
  return h(
    Box,
    { flexDirection: 'column', key: 'header' },
    h(
      Box,
      { justifyContent: 'space-between', width: columns },
      h(Text, { bold: true, wrap: 'truncate-end' }, `statebench demo · ${state.story.scenario.name}`),
      h(Text, { color: tone('cyan') }, clock),
    ),
    h(Text, { dimColor: true, wrap: 'truncate-end' }, state.sharing),
  );
}

function chartWidthFor(panelWidth: number): number {
  return Math.max(4, panelWidth - 4 - CHART_LABEL - CHART_FIGURE);
}

/** One scale per chart row across panels: the audience compares bar heights side by side. */
function scales(state: DemoState, panelWidth: number): { rps: number; p99Us: number } {
  const w = chartWidthFor(panelWidth);
  const top = (pick: (p: ArchitecturePanel) => number[]): number => Math.max(0, ...state.panels.flatMap((p) => pick(p).slice(-w)));
  return { rps: top((p) => p.throughputRps), p99Us: top((p) => p.p99Us) };
}

function panel(p: ArchitecturePanel, state: DemoState, width: number, chartRows: number, scale: { rps: number; p99Us: number }, tone: (t: Tone) => Tone): ReactNode {
  const inner = width - 4;
  const chartWidth = chartWidthFor(width);
  const lastRps = p.throughputRps.at(-1) ?? 0;
  const lastP99 = p.p99Us.at(-1);
  const lostTone: Tone = p.sessionsLost > 0 ? 'red' : 'green';
  return h(
    Box,
    { key: p.architecture, flexDirection: 'column', width, borderStyle: 'round', borderColor: tone('gray'), paddingX: 1 },
    h(Text, { bold: true, wrap: 'truncate-end' }, p.architecture, h(Text, { bold: false, dimColor: true }, ` · ${shortWhere(p.architecture)}`)),
    chart('req/s', p.throughputRps, chartWidth, chartRows, scale.rps, formatCount(lastRps), tone('green')),
    chart('p99', p.p99Us, chartWidth, chartRows, scale.p99Us, lastP99 === undefined ? '–' : formatLatencyUs(lastP99), tone('yellow')),
    h(
      Text,
      { wrap: 'truncate-end' },
      'lost sessions ',
      h(Text, { bold: true, color: tone(lostTone) }, formatCount(p.sessionsLost)),
      h(Text, { dimColor: true }, `   errors ${formatCount(p.errors)}`),
    ),
    h(
      Box,
      { flexDirection: 'row' },
      ...p.replicas.map((r) => replicaBox(r, p.replicaRps[r.name], Math.floor(inner / Math.max(1, p.replicas.length)), state, tone)),
    ),
  );
}

function chart(label: string, values: number[], width: number, rows: number, max: number, figure: string, color: Tone): ReactNode {
  const lines = barChart(values, width, rows, max);
  return h(
    Box,
    { key: label, flexDirection: 'row' },
    h(Text, {}, label.padEnd(CHART_LABEL)),
    h(Box, { flexDirection: 'column' }, ...lines.map((line, i) => h(Text, { key: i, color }, line))),
    h(Text, { bold: true }, ` ${figure}`.padStart(CHART_FIGURE)),
  );
}

/** A replica: green and its requests per second while up, red when killed, yellow when frozen. */
function replicaBox(r: ReplicaView, rps: number | undefined, width: number, state: DemoState, tone: (t: Tone) => Tone): ReactNode {
  const look: { text: string; color: Tone } =
    r.state === 'killed'
      ? { text: '✖ KILLED', color: 'red' }
      : r.state === 'paused'
        ? { text: '‖ FROZEN', color: 'yellow' }
        : r.state === 'stopped'
          ? { text: 'stopped', color: 'gray' }
          : r.state === 'starting'
            ? { text: 'starting', color: 'gray' }
            : { text: state.phase === 'running' || state.phase === 'warmup' ? `${formatCount(rps ?? 0)}/s` : 'up', color: 'green' };
  return h(
    Box,
    { key: r.name, flexDirection: 'column', width: Math.max(8, width), borderStyle: 'single', borderColor: tone(look.color) },
    h(Text, { wrap: 'truncate-end' }, r.name),
    h(Text, { bold: look.color === 'red', color: tone(look.color), wrap: 'truncate-end' }, look.text),
  );
}

/** `0s ───●kill r2──────restart r2─── 55s`, and below it a cursor at story time. */
function timeline(state: DemoState, columns: number, tone: (t: Tone) => Tone): ReactNode {
  const { line, cursor } = timelineText(state, columns);
  return h(
    Box,
    { key: 'timeline', flexDirection: 'column' },
    h(Text, { color: tone('magenta'), wrap: 'truncate-end' }, line),
    h(Text, { color: tone('cyan'), wrap: 'truncate-end' }, cursor),
  );
}

/**
 * The timeline as two lines of text: faults at their story times on a rule, and a `▲` under
 * "now". Labels that would overlap are pushed right. Exported for tests.
 */
export function timelineText(state: DemoState, columns: number): { line: string; cursor: string } {
  const durationMs = state.story.scenario.durationMs;
  const startLabel = '0s ';
  const endLabel = ` ${Math.round(durationMs / 1000)}s`;
  const ruleWidth = Math.max(10, columns - startLabel.length - endLabel.length);
  const rule = Array.from({ length: ruleWidth }, () => '─');
  const at = (ms: number): number => Math.min(ruleWidth - 1, Math.max(0, Math.round((ms / durationMs) * (ruleWidth - 1))));
  let free = 0;
  for (const fault of state.story.scenario.faults) {
    const label = `◆${faultMarker(fault)}`;
    const pos = Math.max(at(fault.atMs), free);
    for (let i = 0; i < label.length && pos + i < ruleWidth; i++) rule[pos + i] = label[i];
    free = pos + label.length + 1;
  }
  const now = at(state.storyMs);
  const cursorText = `▲ ${Math.floor(state.storyMs / 1000)}s`;
  const cursor = ' '.repeat(startLabel.length + now) + cursorText;
  return { line: `${startLabel}${rule.join('')}${endLabel}`, cursor };
}

/** Whether the opening is kept on screen (see {@link OPENING_MS}). */
function openingPinned(state: DemoState): boolean {
  if (state.phase === 'stopping' || state.phase === 'done') return false;
  const firstFaultMs = state.story.acts.find((a) => a.faults.length > 0)?.startMs ?? Number.POSITIVE_INFINITY;
  return state.storyMs < Math.min(OPENING_MS, firstFaultMs);
}

function narration(state: DemoState, rows: number, columns: number, tone: (t: Tone) => Tone): ReactNode {
  // Wrapped here rather than by ink, so the newest line always shows in full at the bottom.
  const last = state.narration.length - 1;
  const wrap = (line: string, i: number): { text: string; newest: boolean }[] =>
    wrapWords(line, columns - 3, '', '').map((text, j) => ({ text: `${j === 0 ? '›' : ' '} ${text}`, newest: i === last }));
  // The header's second line already says how the architectures share the machine.
  const said = state.narration.map((line, i) => ({ line, i })).filter((x) => x.line !== state.sharing);
  const pinned = openingPinned(state) ? said.filter((x) => x.i < state.openingLines) : [];
  // The opening first, as much as leaves a row for the newest line; then the newest lines.
  const top = pinned.flatMap((x) => wrap(x.line, x.i)).slice(0, Math.max(0, rows - 1));
  const below = said.filter((x) => !pinned.includes(x)).flatMap((x) => wrap(x.line, x.i));
  const lines = [...top, ...below.slice(Math.max(0, below.length - (rows - top.length)))];
  return h(
    Box,
    { key: 'narration', flexDirection: 'column', height: rows },
    ...lines.map((line, i) => h(Text, { key: i, wrap: 'truncate-end', bold: line.newest, color: line.newest ? tone('cyan') : undefined }, line.text)),
  );
}

function footer(state: DemoState, tone: (t: Tone) => Tone): ReactNode {
  const keys = state.paced ? 'space: go on · Ctrl-C: stop' : 'Ctrl-C: stop';
  if (state.hold) return h(Text, { key: 'footer', inverse: true, color: tone('yellow'), wrap: 'truncate-end' }, ` waiting for the presenter · ${keys} `);
  const phase = state.phase === 'running' ? '' : `${state.phase} · `;
  return h(Text, { key: 'footer', dimColor: true, wrap: 'truncate-end' }, `${phase}${keys}`);
}

/**
 * The last frame: the result condensed to what the screen holds (the full report follows once
 * the terminal is given back), and what the numbers say. The table's losses and error kinds come
 * first; conclusions that would not fit go, whole sentences from the last.
 */
function finalFrame(state: DemoState, final: FinalFrame, columns: number, height: number, tone: (t: Tone) => Tone): ReactElement {
  const sentences = final.conclusions.map((sentence) => wrapWords(sentence, columns, '  ', '    '));
  const table = renderCondensedSummary(final.result, { maxLines: height - FINAL_FIXED_ROWS - sentences.flat().length });
  const told: string[] = [];
  for (const lines of sentences) {
    if (FINAL_FIXED_ROWS + table.length + told.length + lines.length > height) break;
    told.push(...lines);
  }
  const total = Math.round(state.story.scenario.durationMs / 1000);
  return h(
    Box,
    { flexDirection: 'column', width: columns, height },
    h(
      Box,
      { justifyContent: 'space-between', width: columns },
      h(Text, { bold: true, wrap: 'truncate-end' }, `statebench demo · ${state.story.scenario.name} · the result`),
      h(Text, { color: tone('cyan') }, `${Math.floor(state.storyMs / 1000)} s / ${total} s`),
    ),
    h(Text, { dimColor: true, wrap: 'truncate-end' }, state.sharing),
    h(Text, {}, ' '),
    ...table.map((line, i) => h(Text, { key: `t${i}`, bold: i === 0, wrap: 'truncate-end' }, line)),
    h(Text, {}, ' '),
    h(Text, { bold: true }, 'What the numbers say'),
    ...told.map((line, i) => h(Text, { key: `c${i}`, wrap: 'truncate-end' }, line)),
    h(Box, { flexGrow: 1 }),
    h(Text, { dimColor: true, wrap: 'truncate-end' }, final.dismiss),
  );
}

/** For terminals smaller than the layout: one line per architecture, and the narration. */
function compact(state: DemoState, columns: number, height: number, tone: (t: Tone) => Tone): ReactElement {
  const lines = state.panels.map((p) => {
    const down = p.replicas.filter((r) => r.state === 'killed').map((r) => `${r.name} KILLED`);
    return `${p.architecture}: lost ${formatCount(p.sessionsLost)}${down.length ? ` · ${down.join(', ')}` : ''} · ${formatCount(p.throughputRps.at(-1) ?? 0)} req/s · p99 ${formatLatencyUs(p.p99Us.at(-1))}`;
  });
  const room = Math.max(1, height - lines.length - 2);
  return h(
    Box,
    { flexDirection: 'column', width: columns, height },
    h(Text, { bold: true, wrap: 'truncate-end' }, `statebench demo · ${Math.floor(state.storyMs / 1000)} s (80×24 for the full view)`),
    ...lines.map((l, i) => h(Text, { key: `a${i}`, wrap: 'truncate-end', color: tone(state.panels[i].sessionsLost > 0 ? 'red' : undefined) }, l)),
    ...state.narration.slice(-room).map((l, i) => h(Text, { key: `n${i}`, wrap: 'truncate-end' }, `› ${l}`)),
  );
}

function shortWhere(architecture: string): string {
  return ARCHITECTURES.get(architecture)?.stateShort ?? 'sessions outside the replicas';
}
