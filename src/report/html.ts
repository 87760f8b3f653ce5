/**
 * The HTML report: one self-contained file that opens offline, with the summary, the fault
 * windows, the charts and the context of a run. Everything the charts draw is computed here
 * (the percentile spectrum from the decoded histograms) and embedded as JSON; uPlot and its
 * stylesheet are inlined, and a Content-Security-Policy forbids the page any network access,
 * so an archived report can neither break nor leak when a CDN or the network is gone.
 */
import type { RunResult } from '../result/types.js';
import { describeScenario } from './describe-run.js';
import { DISTURBED_HEADLINE, DISTURBED_MEANING, findDisturbedRuns } from './disturbance-rows.js';
import { runLabel } from './fault-window-rows.js';
import { formatLatencyUs, plural, threeSignificant } from './format.js';
import { buildChartData, type ChartData } from './html/chart-data.js';
import { renderEnvironmentSection, renderScenarioSection, renderThresholdsSection } from './html/context-sections.js';
import { drawCharts } from './html/draw-charts.js';
import { escapeHtml, jsonForScript, scriptText, styleText } from './html/escape-html.js';
import { renderFaultsSection } from './html/faults-section.js';
import { renderEndpointsSection } from './html/endpoints-section.js';
import { REPORT_CSS } from './html/report-css.js';
import { renderSummarySection } from './html/summary-section.js';
import { uplotAssets } from './html/uplot-assets.js';

/** Inline scripts and styles only; no fetch, image, font or frame from anywhere. */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

function card(title: string, chart: string, color?: string, note?: string): string {
  const swatch = color ? `<span class="swatch" style="background:${escapeHtml(color)}"></span>` : '';
  const aside = note ? ` <span class="note">${escapeHtml(note)}</span>` : '';
  return `<div class="card"><h3>${swatch}${escapeHtml(title)}${aside}</h3>${chart}</div>`;
}

function chartSlot(kind: string, run?: number): string {
  return `<div class="chart" data-chart="${kind}"${run === undefined ? '' : ` data-run="${run}"`}></div>`;
}

/**
 * One card per run, or a note for a run with no timeline (it failed before measuring), or with
 * a timeline that lacks what the chart draws (`unrecorded`: a result older than the figure).
 */
function perRunCharts(
  result: RunResult,
  data: ChartData,
  kind: string,
  note: (run: number) => string | undefined,
  unrecorded: (run: number) => boolean = () => false,
): string {
  const cards = data.runs.map((r, i) => {
    const chart =
      r.seconds.length === 0
        ? '<p class="empty">Nothing was measured.</p>'
        : unrecorded(i)
          ? '<p class="empty">Not recorded: this result was written before statebench recorded it.</p>'
          : chartSlot(kind, i);
    const incomplete = r.complete ? '' : ' (incomplete)';
    return card(`${r.label}${incomplete}`, chart, r.color, note(i));
  });
  return `<div class="grid">${cards.join('')}</div>`;
}

/** Flat lines at zero look like a broken chart; say plainly when nothing was lost. */
function lostNote(result: RunResult): string | undefined {
  return result.architectures.every((a) => a.sessions.lost === 0) ? 'no session was lost' : undefined;
}

function section(id: string, title: string, hint: string, body: string): string {
  return `<section id="${id}"><h2>${escapeHtml(title)}</h2><p class="hint">${escapeHtml(hint)}</p>${body}</section>`;
}

function renderCharts(result: RunResult, data: ChartData): string {
  if (data.runs.length === 0) return '';
  const runs = result.architectures;
  const noHistogram = data.spectrum.series.some((s) => !s.fromHistogram);
  const noStore = runs.every((r) => r.store.roundTripUs === null);
  return [
    section(
      'spectrum',
      'Latency percentile spectrum',
      'Every percentile of each architecture, read from its HDR histogram. The x axis gives each “nine” the same width ' +
        '(p90, p99, p99.9, p99.99), so the tail that users feel during faults is not squashed into the right edge.' +
        (noHistogram ? ' Runs without a histogram in the file show only their summary percentiles, as points.' : ''),
      data.spectrum.series.length > 0 ? card('All architectures', chartSlot('spectrum')) : '<p class="empty">No latencies were recorded.</p>',
    ),
    section(
      'latency',
      'Latency over time',
      'p50 and p99 of the requests completed in each second (log scale, the same for every architecture). Shaded: fault windows, from the fault until recovery. ' +
        'Grey, darker at the top: seconds the machine disturbed (generator late, foreign CPU or steal past its limit).',
      perRunCharts(result, data, 'latency', (i) => `p99 ${formatLatencyUs(runs[i].latencyUs.p99)} overall`),
    ),
    section(
      'throughput',
      'Throughput and errors over time',
      'Requests completed per second (left axis) and errors per second by kind (right axis).',
      perRunCharts(result, data, 'throughput', (i) => plural(runs[i].requests.failed, 'error')),
    ),
    section(
      'in-flight',
      'Users in flight over time',
      'Beside throughput, the load behind it: sessions logged in (left axis) and requests sent and not yet answered (right axis) when each second closed. ' +
        'A stall piles requests up; a lost session drops out of the count until its user logs in again.',
      perRunCharts(result, data, 'in-flight', () => undefined, (i) => data.runs[i].sessionsOpen.length === 0 && data.runs[i].requestsInFlight.length === 0),
    ),
    section(
      'lost-sessions',
      'Lost sessions over time',
      'Sessions the servers forgot (a 401 for a session the client holds), per second. Dashed lines: the scenario’s faults.',
      card('All architectures', chartSlot('lost-sessions'), undefined, lostNote(result)),
    ),
    section(
      'load-spread',
      'Requests per replica over time',
      'How the router spread the load: completed requests per second on each replica. A killed replica drops to zero; its share moves to the others.',
      perRunCharts(result, data, 'replicas', (i) => `${plural(Object.keys(runs[i].perReplica).length, 'replica')} seen`),
    ),
    section(
      'store',
      'Store round trip vs total latency',
      'Median time a replica waited on the session store per request (from Server-Timing) beside the median total latency. ' +
        'Architectures without a store have no store bar.' +
        (noStore ? ' None of the architectures here has a store.' : ''),
      card('All architectures', chartSlot('store')),
    ),
  ].join('\n');
}

function header(result: RunResult): string {
  const s = result.scenario;
  const banner = result.complete
    ? ''
    : `<p class="banner"><strong>Incomplete run</strong>${result.incompleteReason ? `: ${escapeHtml(result.incompleteReason)}` : ''}. The figures cover only what was measured.</p>`;
  const disturbed = findDisturbedRuns(result);
  const disturbedBanner =
    disturbed.length === 0
      ? ''
      : `<div class="banner disturbed"><p><strong>${DISTURBED_HEADLINE}</strong>: ${escapeHtml(DISTURBED_MEANING)}</p><ul>` +
        disturbed.map((r) => `<li><strong>${escapeHtml(runLabel(r))}</strong>: ${escapeHtml(r.reasons.join('; '))}.</li>`).join('') +
        '</ul><p class="note">Grey veils in the charts below mark the seconds whose own figures passed the limits.</p></div>';
  return [
    '<header>',
    `<h1>statebench · ${escapeHtml(s.name)}</h1>`,
    s.description ? `<p class="description">${escapeHtml(s.description)}</p>` : '',
    `<p class="meta">${escapeHtml(describeScenario(result))}</p>`,
    `<p class="meta">started ${escapeHtml(result.startedAt)}${result.scenarioFile ? ` · ${escapeHtml(result.scenarioFile)}` : ''}</p>`,
    banner,
    disturbedBanner,
    '<nav>',
    [
      ['summary', 'Summary'],
      ['endpoints', 'Endpoints'],
      ['faults', 'Fault windows'],
      ...(result.architectures.length > 0
        ? [['spectrum', 'Percentiles'], ['latency', 'Latency'], ['throughput', 'Throughput'], ['in-flight', 'In flight'], ['lost-sessions', 'Lost sessions'], ['load-spread', 'Load spread'], ['store', 'Store']]
        : []),
      ...(result.thresholds.length > 0 ? [['thresholds', 'Thresholds']] : []),
      ['scenario', 'Scenario'],
      ['environment', 'Environment'],
    ]
      .map(([id, text]) => `<a href="#${id}">${text}</a>`)
      .join(''),
    '</nav>',
    '</header>',
  ].join('\n');
}

/**
 * Renders a run as one self-contained HTML page (charts by uPlot, inlined). Pure apart from
 * reading uPlot's files from node_modules: returns the page, writes nothing; the CLI decides
 * where it goes.
 */
export function renderHtml(result: RunResult): string {
  const uplot = uplotAssets();
  const data = buildChartData(result);
  const uplotVersion = /\(v(\d+\.\d+\.\d+)\)/.exec(uplot.js)?.[1] ?? 'unknown version';
  // The client function's own source is embedded; see draw-charts.ts for why.
  const bootstrap =
    '(function () {\n' +
    "  var data = JSON.parse(document.getElementById('statebench-data').textContent);\n" +
    // The tables' number format, from its one source: a hover value reads as the table beside it.
    `  ${threeSignificant.toString()}\n` +
    `  var formatLatencyUs = ${formatLatencyUs.toString()};\n` +
    `  var drawCharts = ${drawCharts.toString()};\n` +
    '  window.statebenchCharts = drawCharts(uPlot, data, document, formatLatencyUs);\n' +
    '})();';
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light">',
    `<title>statebench · ${escapeHtml(result.scenario.name)}</title>`,
    `<style>${styleText(uplot.css)}</style>`,
    `<style>${styleText(REPORT_CSS)}</style>`,
    '</head>',
    '<body>',
    '<main>',
    header(result),
    renderSummarySection(result, data.runs),
    renderEndpointsSection(result),
    renderFaultsSection(result),
    renderCharts(result, data),
    renderThresholdsSection(result),
    renderScenarioSection(result),
    renderEnvironmentSection(result),
    `<footer>statebench ${escapeHtml(result.tool.version)} · result schema ${result.schemaVersion} · charts by uPlot ${escapeHtml(uplotVersion)} (MIT), inlined</footer>`,
    '</main>',
    `<script>${scriptText(uplot.js)}</script>`,
    `<script id="statebench-data" type="application/json">${jsonForScript(data)}</script>`,
    `<script>${scriptText(bootstrap)}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
