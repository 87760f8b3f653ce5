/**
 * The HTML report of a capacity search: one self-contained page (uPlot inlined, no network, as
 * the run report) with the capacity table, the chart of sustainable rate against replicas
 * (measured points marked, the projection dashed), the evidence at each knee, the projections,
 * and every probe with its latency, errors and CPU per component.
 */
import type { CapacityResult, Probe } from '../../capacity/capacity-result.js';
import { buildCapacitySummary } from '../capacity-summary.js';
import { environmentParts } from '../describe-run.js';
import { formatAgainstBudget } from '../budget-rows.js';
import { formatCount, formatLatencyUs, formatPercent } from '../format.js';
import { buildCapacityChartData } from './capacity-chart-data.js';
import { drawCapacityChart } from './draw-capacity-chart.js';
import { chartPage } from './chart-page.js';
import { escapeHtml } from './escape-html.js';

const cell = (text: string, cls = ''): string => `<td${cls ? ` class="${cls}"` : ''}>${escapeHtml(text)}</td>`;

function capacityTable(result: CapacityResult): string {
  const summary = buildCapacitySummary(result);
  const head = ['architecture', 'replicas', 'sustainable', 'efficiency', 'probes', 'at the knee'];
  const rows = summary.rows.map((r) => `<tr>${cell(r.architecture)}${cell(r.replicas)}${cell(r.sustainable)}${cell(r.efficiency)}${cell(r.probes)}${cell(r.knee, 'text')}</tr>`);
  return `<div class="table-wrap"><table><thead><tr>${head.map((h, i) => `<th scope="col"${i === 5 ? ' class="text"' : ''}>${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function probeRows(probes: readonly Probe[]): string {
  const components = [...new Set(probes.flatMap((p) => p.result.cpu.map((c) => c.component)))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const head = ['rate', 'SLO', 'p50', 'p99', 'errors', 'dropped', ...components.map((c) => `${c} cores`), 'load avg', 'why it failed'];
  const rows = probes.map((p) => {
    const r = p.result;
    const done = r.requests.ok + r.requests.failed;
    const cpu = components.map((name) => {
      const c = r.cpu.find((x) => x.component === name);
      return cell(c === undefined ? '–' : c.budgetCores === undefined ? c.cores.toFixed(2) : formatAgainstBudget(c));
    });
    return (
      `<tr>${cell(`${formatCount(p.rateRps)}/s${p.attempt === 2 ? ' (again)' : ''}`)}<td><span class="badge ${p.passed ? 'pass' : 'fail'}">${p.passed ? 'met' : 'missed'}</span></td>` +
      `${cell(formatLatencyUs(r.latencyUs.p50))}${cell(formatLatencyUs(r.latencyUs.p99))}${cell(`${formatCount(r.requests.failed)} (${formatPercent(done === 0 ? null : r.requests.failed / done)})`)}` +
      `${cell(formatCount(r.requests.dropped))}${cpu.join('')}${cell(p.loadAverage.toFixed(1))}${cell(p.failures.join('; ') + (p.generatorBound ? ' (the generator fell behind)' : ''), 'text')}</tr>`
    );
  });
  return `<div class="table-wrap"><table><thead><tr>${head.map((h, i) => `<th scope="col"${i === head.length - 1 ? ' class="text"' : ''}>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function probesSection(result: CapacityResult): string {
  const blocks = result.architectures.flatMap((a) =>
    a.points.map((p) => `<details><summary>${escapeHtml(`${a.architecture} × ${p.replicas}: ${p.probes.length} probes`)}</summary>${probeRows(p.probes)}</details>`),
  );
  return `<section id="probes"><h2>Every probe</h2><p class="hint">In the order run, on one topology per replica count. CPU is each component's over the probe's measured window, against its budget where it had one.</p>${blocks.join('')}</section>`;
}

/** Renders a capacity result as one self-contained HTML page. Pure apart from reading uPlot's files. */
export function renderCapacityHtml(result: CapacityResult): string {
  const summary = buildCapacitySummary(result);
  const data = buildCapacityChartData(result);
  const list = (items: string[]): string => (items.length === 0 ? '' : `<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`);
  const projections = summary.projections.map((p) => `<h3>${escapeHtml(p.lines[0])}</h3>${list(p.lines.slice(1).map((l) => l.trim()))}`).join('');
  const banner = result.complete ? '' : `<p class="banner"><strong>Incomplete</strong>${result.incompleteReason ? `: ${escapeHtml(result.incompleteReason)}` : ''}.</p>`;
  return chartPage({
    title: summary.title,
    dataId: 'statebench-capacity',
    data,
    draw: drawCapacityChart,
    sections: [
      '<header>',
      `<h1>${escapeHtml(summary.title)}</h1>`,
      result.scenario.description ? `<p class="description">${escapeHtml(result.scenario.description)}</p>` : '',
      ...summary.context.map((c) => `<p class="meta">${escapeHtml(c)}</p>`),
      banner,
      '</header>',
      `<section id="capacity"><h2>Sustainable rate</h2><p class="hint">The highest open-load rate each architecture met the SLO at, per replica count; efficiency is rate(N) ÷ (N × rate(1)).</p>${capacityTable(result)}</section>`,
      `<section id="chart"><h2>Rate against replicas</h2><p class="hint">Measured points marked on solid lines; dashed: the projection (the USL fit, capped by the store's ceiling), a projection from the measured points, not a measurement.</p>` +
        `${data.series.length > 0 ? '<div class="chart" data-chart="capacity"></div>' : '<p class="empty">Nothing was measured.</p>'}</section>`,
      summary.knees.length > 0 ? `<section id="knees"><h2>At the knee</h2><p class="hint">What the lowest failing probe's CPU per component says ran out.</p>${list(summary.knees)}</section>` : '',
      projections === '' ? '' : `<section id="projection"><h2>Projection</h2>${projections}</section>`,
      summary.warnings.length > 0 ? `<section id="warnings"><h2>Warnings</h2>${list(summary.warnings)}</section>` : '',
      probesSection(result),
      `<footer>${escapeHtml(environmentParts(result).join(' · '))} · capacity schema ${result.schemaVersion}</footer>`,
    ],
  });
}
