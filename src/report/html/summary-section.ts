import { ERROR_KINDS } from '../../load/outcome.js';
import type { ArchitectureResult, RunResult } from '../../result/types.js';
import { formatCount, formatDurationMs, formatLatencyUs, formatMetric, formatPercent, formatRate, NOT_APPLICABLE, plural } from '../format.js';
import { storeApplies } from '../../metrics/store-applies.js';
import { consistencyRows, lossCauseRows, type ConsistencyRow } from '../consistency-rows.js';
import { budgetRows } from '../budget-rows.js';
import { escapeHtml } from './escape-html.js';

/** How a cell reads: bad news (losses), a warning (errors), or plain. */
type Tone = 'bad' | 'warn' | 'plain';

interface Row {
  label: string;
  /** An indented breakdown of the row above (error kinds). */
  sub?: boolean;
  cell: (run: ArchitectureResult) => { text: string; tone?: Tone };
}

interface Section {
  title: string;
  rows: Row[];
}

/** The header of one run's column, as drawn by the charts too. */
export interface RunColumn {
  label: string;
  color: string;
}

const completedOf = (r: ArchitectureResult): number => r.requests.ok + r.requests.failed;
const plain = (text: string): { text: string } => ({ text });
const toneIf = (value: number, tone: Tone): Tone => (value > 0 ? tone : 'plain');

/** A shared consistency row (src/report/consistency-rows.ts) as this table draws it. */
function htmlRow(row: ConsistencyRow): Row {
  return {
    label: row.label.replace(/^\s*↳ /, ''),
    sub: row.sub,
    cell: (r) => {
      const value = row.value(r);
      const text = formatMetric(value, row.unit);
      return row.nonZero === 'plain' || value === null ? plain(text) : { text, tone: toneIf(value, row.nonZero) };
    },
  };
}

function cpuPerRequestUs(r: ArchitectureResult, pick: (component: string) => boolean): number | null {
  const parts = r.cpu.filter((c) => pick(c.component));
  return parts.length === 0 ? null : parts.reduce((s, c) => s + c.cpuUsPerRequest, 0);
}

/**
 * The rows of the summary: what the brief of the report promises (throughput, percentiles,
 * errors, losses, store round trip and share) plus CPU, since on a shared 2-core machine a
 * starved architecture shows up there first. Rows that would be empty everywhere are left out.
 */
function sections(result: RunResult): Section[] {
  const runs = result.architectures;
  const any = (f: (r: ArchitectureResult) => boolean): boolean => runs.some(f);

  const throughput: Row[] = [{ label: 'throughput (req/s)', cell: (r) => plain(formatRate(r.throughputRps)) }];
  if (any((r) => r.targetRps !== undefined)) {
    throughput.push({ label: 'target rate (req/s)', sub: true, cell: (r) => plain(formatRate(r.targetRps)) });
    throughput.push({ label: 'sent rate (req/s)', sub: true, cell: (r) => plain(formatRate(r.achievedRps)) });
  }

  const latency: Row[] = [
    { label: 'mean', cell: (r) => plain(formatLatencyUs(r.latencyUs.mean)) },
    { label: 'p50', cell: (r) => plain(formatLatencyUs(r.latencyUs.p50)) },
    { label: 'p90', cell: (r) => plain(formatLatencyUs(r.latencyUs.p90)) },
    { label: 'p95', cell: (r) => plain(formatLatencyUs(r.latencyUs.p95)) },
    { label: 'p99', cell: (r) => plain(formatLatencyUs(r.latencyUs.p99)) },
    { label: 'p99.9', cell: (r) => plain(formatLatencyUs(r.latencyUs.p999)) },
    { label: 'max', cell: (r) => plain(formatLatencyUs(r.latencyUs.max)) },
  ];
  // Open load: the uncorrected figure shows how much of the tail is waiting behind a stall.
  if (any((r) => r.uncorrectedLatencyUs !== undefined)) {
    latency.push({ label: 'p99 from actual send', sub: true, cell: (r) => plain(formatLatencyUs(r.uncorrectedLatencyUs?.p99)) });
  }

  const errors: Row[] = [
    { label: 'errors', cell: (r) => ({ text: formatCount(r.requests.failed), tone: toneIf(r.requests.failed, 'warn') }) },
    {
      label: 'error rate',
      cell: (r) => {
        const done = completedOf(r);
        return done === 0 ? plain(NOT_APPLICABLE) : { text: formatPercent(r.requests.failed / done), tone: toneIf(r.requests.failed, 'warn') };
      },
    },
  ];
  for (const kind of ERROR_KINDS) {
    if (any((r) => (r.requests.errors[kind] ?? 0) > 0)) {
      errors.push({ label: kind, sub: true, cell: (r) => plain(formatCount(r.requests.errors[kind] ?? 0)) });
    }
  }
  if (any((r) => r.requests.dropped > 0)) {
    errors.push({ label: 'dropped (not sent in time)', cell: (r) => ({ text: formatCount(r.requests.dropped), tone: toneIf(r.requests.dropped, 'warn') }) });
  }
  if (any((r) => r.requests.unfinished > 0)) {
    errors.push({ label: 'unfinished at end', cell: (r) => plain(formatCount(r.requests.unfinished)) });
  }

  return [
    { title: 'Throughput', rows: throughput },
    { title: 'Latency', rows: latency },
    { title: 'Errors', rows: errors },
    {
      title: 'Losses',
      rows: [
        { label: 'lost sessions', cell: (r) => ({ text: formatCount(r.sessions.lost), tone: toneIf(r.sessions.lost, 'bad') }) },
        ...lossCauseRows(runs).map(htmlRow),
        { label: 'lost updates (cart items)', cell: (r) => ({ text: formatCount(r.updatesLost), tone: toneIf(r.updatesLost, 'bad') }) },
      ],
    },
    ...(consistencyRows(runs).length === 0 ? [] : [{ title: 'Consistency', rows: consistencyRows(runs).map(htmlRow) }]),
    {
      title: 'Store',
      rows: [
        // `–` where there is no store (sticky, cookie), not the zeros they measure.
        { label: 'store round trip p50', cell: (r) => plain(storeApplies(r) ? formatLatencyUs(r.store.roundTripUs?.p50) : NOT_APPLICABLE) },
        { label: 'store round trip p99', cell: (r) => plain(storeApplies(r) ? formatLatencyUs(r.store.roundTripUs?.p99) : NOT_APPLICABLE) },
        { label: 'store share of latency', cell: (r) => plain(storeApplies(r) ? formatPercent(r.store.shareOfLatency) : NOT_APPLICABLE) },
      ],
    },
    {
      title: 'CPU per request',
      rows: [
        { label: 'replicas', cell: (r) => plain(formatLatencyUs(cpuPerRequestUs(r, (c) => c.startsWith('replica')))) },
        { label: 'store', cell: (r) => plain(formatLatencyUs(cpuPerRequestUs(r, (c) => c === 'store'))) },
        { label: 'load generator', cell: (r) => plain(formatLatencyUs(cpuPerRequestUs(r, (c) => c === 'generator'))) },
        {
          label: `cores used (of ${result.environment.cpus})`,
          cell: (r) => plain(r.cpu.length === 0 ? NOT_APPLICABLE : r.cpu.reduce((s, c) => s + c.cores, 0).toFixed(2)),
        },
        // Each budgeted component against its budget (`hosts:`): `0.24 of 0.25`.
        ...budgetRows(runs.map((r) => [r])).map((b) => ({
          label: `${b.component} cores (of its budget)`,
          cell: (r: ArchitectureResult) => {
            const c = b.cells[runs.indexOf(r)];
            return c === undefined ? plain(NOT_APPLICABLE) : { text: c.text, tone: c.saturated ? ('warn' as const) : ('plain' as const) };
          },
        })),
      ],
    },
  ];
}

function columnHeader(run: ArchitectureResult, column: RunColumn): string {
  const badge = run.complete
    ? ''
    : ` <span class="badge" title="${escapeHtml(run.error ?? 'did not finish')}">incomplete</span>`;
  return (
    `<th scope="col"><span class="swatch" style="background:${escapeHtml(column.color)}"></span>${escapeHtml(column.label)}${badge}` +
    `<br><span class="muted">${escapeHtml(formatDurationMs(run.measuredMs))}, ${escapeHtml(plural(run.replicas, 'replica'))}</span></th>`
  );
}

/**
 * The side-by-side table, one column per run: in HTML there is room to show every repetition
 * (`redis #1`, `redis #2`) rather than a median, and the charts label their series the same way.
 */
export function renderSummarySection(result: RunResult, columns: readonly RunColumn[]): string {
  const runs = result.architectures;
  const out: string[] = ['<section id="summary"><h2>Summary</h2>'];
  if (runs.length === 0) {
    out.push('<p class="empty">No architecture produced results.</p>');
  } else {
    out.push('<div class="table-wrap"><table class="summary"><thead><tr><th></th>');
    runs.forEach((run, i) => out.push(columnHeader(run, columns[i])));
    out.push('</tr></thead><tbody>');
    for (const section of sections(result)) {
      out.push(`<tr class="section"><th colspan="${runs.length + 1}">${escapeHtml(section.title)}</th></tr>`);
      for (const row of section.rows) {
        out.push(`<tr><th scope="row"${row.sub ? ' class="sub"' : ''}>${escapeHtml(row.label)}</th>`);
        for (const run of runs) {
          // A run that did not measure shows no figure (see the note below the table).
          const { text, tone } = run.unmeasured === undefined ? row.cell(run) : { text: NOT_APPLICABLE, tone: 'plain' };
          out.push(`<td${tone && tone !== 'plain' ? ` class="${tone}"` : ''}>${escapeHtml(text)}</td>`);
        }
        out.push('</tr>');
      }
    }
    out.push('</tbody></table></div>');
  }
  const notes: string[] = [];
  runs.forEach((run, i) => {
    if (!run.complete) notes.push(`<li><strong>${escapeHtml(columns[i].label)}</strong> did not finish: ${escapeHtml(run.error ?? 'no reason recorded')}. Its figures cover only what was measured.</li>`);
  });
  runs.forEach((run, i) => {
    if (run.unmeasured !== undefined) notes.push(`<li class="bad"><strong>${escapeHtml(columns[i].label)} was not measured</strong>: ${escapeHtml(run.unmeasured.reason)}. Its figures are left out.</li>`);
  });
  for (const s of result.skipped) {
    notes.push(`<li><strong>${escapeHtml(s.architecture)}</strong> was not run: ${escapeHtml(s.reason)}</li>`);
  }
  if (notes.length > 0) out.push(`<ul class="notes">${notes.join('')}</ul>`);
  out.push('</section>');
  return out.join('\n');
}
