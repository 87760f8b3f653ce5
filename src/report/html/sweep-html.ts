/**
 * The HTML report of a sweep: one self-contained page (uPlot inlined, no network) with each
 * figure charted against the swept value (one line per architecture, failed values left as gaps
 * and listed), the tables, the fitted slopes, memory per session, and each point's summary.
 */
import type { SweepResult } from '../../sweep/sweep-result.js';
import { environmentParts } from '../describe-run.js';
import { formatLatencyUs, formatPercent, formatRate } from '../format.js';
import { FAILED_MARK, buildSweepSummary, type SweepTable } from '../sweep-summary.js';
import { buildSweepChartData } from './sweep-chart-data.js';
import { drawSweepCharts } from './draw-sweep-charts.js';
import { chartPage } from './chart-page.js';
import { escapeHtml } from './escape-html.js';

const list = (items: readonly string[]): string => (items.length === 0 ? '' : `<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`);

function table(t: SweepTable, columns: readonly string[]): string {
  const head = [t.head, ...columns].map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  const rows = t.rows.map(
    (r) => `<tr><td>${escapeHtml(r.label)}</td>${r.cells.map((c) => `<td${c.startsWith(FAILED_MARK) ? ' class="bad"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`,
  );
  return `<h3>${escapeHtml(t.title)}</h3><div class="table-wrap"><table><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function pointsSection(result: SweepResult): string {
  const rows = result.points.map((p, i) =>
    p.run.architectures
      .map(
        (a, j) =>
          `<tr>${j === 0 ? `<td rowspan="${p.run.architectures.length}">${escapeHtml(`${i + 1}. ${p.label}`)}</td>` : ''}<td>${escapeHtml(a.architecture)}</td>` +
          `<td>${escapeHtml(formatRate(a.throughputRps))}/s</td><td>${escapeHtml(formatLatencyUs(a.latencyUs.p50))}</td><td>${escapeHtml(formatLatencyUs(a.latencyUs.p99))}</td>` +
          `<td>${escapeHtml(formatPercent(a.requests.ok + a.requests.failed === 0 ? null : a.requests.failed / (a.requests.ok + a.requests.failed)))}</td>` +
          `<td>${a.measurementQuality?.disturbed ? '<span class="badge">disturbed</span>' : ''}${a.unmeasured ? '<span class="badge fail">not measured</span>' : ''}</td></tr>`,
      )
      .join(''),
  );
  const head = ['point', 'architecture', 'throughput', 'p50', 'p99', 'errors', ''].map((h) => `<th scope="col">${h}</th>`).join('');
  return (
    '<section id="points"><h2>Every point</h2><p class="hint">Each point is a full run, histograms included: <code>statebench report FILE --point N</code> renders one as a run report, and <code>statebench compare</code> of two sweeps compares them point by point.</p>' +
    `<div class="table-wrap"><table><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div></section>`
  );
}

/** Renders a sweep result as one self-contained HTML page. Pure apart from reading uPlot's files. */
export function renderSweepHtml(result: SweepResult): string {
  const summary = buildSweepSummary(result);
  const data = buildSweepChartData(result);
  const charts = data.charts
    .map(
      (c) =>
        `<div class="card"><h3>${escapeHtml(c.title)}</h3><div class="chart" data-chart="sweep-${escapeHtml(c.metric)}"></div>` +
        (c.failures.length === 0 ? '' : `<p class="hint">Not drawn (the architecture failed there):</p>${list(c.failures)}`) +
        `${list(summary.slopes.find((s) => s.title === c.title)?.lines ?? [])}</div>`,
    )
    .join('');
  const banner = result.complete ? '' : `<p class="banner"><strong>Incomplete</strong>${result.incompleteReason ? `: ${escapeHtml(result.incompleteReason)}` : ''}.</p>`;
  return chartPage({
    title: summary.title,
    dataId: 'statebench-sweep',
    data,
    draw: drawSweepCharts,
    sections: [
      '<header>',
      `<h1>${escapeHtml(summary.title)}</h1>`,
      result.scenario.description ? `<p class="description">${escapeHtml(result.scenario.description)}</p>` : '',
      ...summary.context.map((c) => `<p class="meta">${escapeHtml(c)}</p>`),
      banner,
      '</header>',
      `<section id="charts"><h2>Against ${escapeHtml(data.xTitle)}</h2><p class="hint">One line per architecture; a value where it failed (more than 1% of requests, or not measured) is a gap, listed under the chart. Slopes are least-squares fits over the values it did not fail at.</p>` +
        `${result.points.length === 0 ? '<p class="empty">Nothing was measured.</p>' : `<div class="grid">${charts}</div>`}</section>`,
      `<section id="tables"><h2>The figures</h2>${summary.tables.map((t) => table(t, t.columns ?? summary.architectures)).join('')}</section>`,
      summary.memory === undefined
        ? ''
        : `<section id="memory"><h2>Memory per session</h2><p class="hint">Where sessions live (the replicas' RSS for sticky, the store's own figure otherwise), its growth over the load ÷ the sessions held at the end (an upper bound: a heap warming up is in it); over a sweep of <code>load.sessions</code>, fitted against the sessions held.</p>${table(summary.memory.table, summary.memory.columns)}${list(summary.memory.lines)}</section>`,
      summary.warnings.length > 0 ? `<section id="warnings"><h2>Warnings</h2>${list(summary.warnings)}</section>` : '',
      pointsSection(result),
      `<footer>${escapeHtml(environmentParts(result).join(' · '))} · sweep schema ${result.schemaVersion}</footer>`,
    ],
  });
}
