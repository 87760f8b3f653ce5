import { ERROR_KINDS, type ErrorKind } from '../load/outcome.js';
import type { ArchitectureResult, RunResult } from '../result/types.js';
import { groupByArchitecture, spreadOf, type ArchitectureGroup } from './architecture-groups.js';
import { budgetRows } from './budget-rows.js';
import { storeApplies } from '../metrics/store-applies.js';
import { consistencyRows, lossCauseRows, type ConsistencyRow } from './consistency-rows.js';
import {
  NOT_APPLICABLE,
  formatChange,
  formatDelta,
  formatMetric,
  formatRange,
  type MetricUnit,
} from './format.js';

/**
 * The side-by-side summary as data, shared by the terminal table and the Markdown summary so
 * both always show the same rows with the same figures.
 */
export interface SummaryTable {
  columns: SummaryColumn[];
  sections: SummarySection[];
  /** The architecture the `vs …` rows are relative to, when present. */
  baseline?: string;
}

export interface SummaryColumn {
  architecture: string;
  /** Repetitions behind the column; above 1, cells hold the median and the min–max range. */
  runs: number;
  /** False when any repetition of it did not finish. */
  complete: boolean;
}

export interface SummarySection {
  title: string;
  rows: SummaryRow[];
}

/** How a figure should look when colour is available. */
export type Tone = 'good' | 'bad' | 'warn' | 'plain';

export interface SummaryCell {
  /** The median for repeated runs. */
  text: string;
  /** `min–max` across repetitions, only when they differ. */
  range?: string;
  tone: Tone;
}

export interface SummaryRow {
  /** For narrow terminals (at most 16 characters). */
  shortLabel: string;
  /** For Markdown and wide outputs. */
  label: string;
  cells: SummaryCell[];
}

/** The architecture deltas are measured against: state in replica memory is the status quo. */
export const BASELINE_ARCHITECTURE = 'sticky';

interface RowSpec {
  shortLabel: string;
  label: string;
  unit: MetricUnit;
  value: (run: ArchitectureResult) => number | null;
  /** Colour of a non-zero median (losses are bad news, errors a warning). */
  nonZeroTone?: Tone;
}

function completedOf(run: ArchitectureResult): number {
  return run.requests.ok + run.requests.failed;
}

function cpuOf(run: ArchitectureResult, pick: (component: string) => boolean): number | null {
  const parts = run.cpu.filter((c) => pick(c.component));
  if (parts.length === 0) return null;
  return parts.reduce((sum, c) => sum + c.cpuUsPerRequest, 0);
}

function coresOf(run: ArchitectureResult): number | null {
  if (run.cpu.length === 0) return null;
  return run.cpu.reduce((sum, c) => sum + c.cores, 0);
}

const isReplica = (component: string): boolean => component.startsWith('replica');
/**
 * The store and, for a replicated Redis, its replicas and Sentinels: what the architecture pays
 * for. Not `store-proxy`: the latency proxy is lab equipment that stands in for a network.
 */
const isStoreTier = (component: string): boolean =>
  component === 'store' || component.startsWith('store-replica') || component.startsWith('sentinel');

function cellFor(group: ArchitectureGroup, spec: RowSpec): SummaryCell {
  const spread = spreadOf(group.runs.map(spec.value));
  if (!spread) return { text: NOT_APPLICABLE, tone: 'plain' };
  const text = formatMetric(spread.median, spec.unit);
  const range = spread.n > 1 ? formatRange(spread.min, spread.max, spec.unit) : undefined;
  const tone = spec.nonZeroTone && spread.median > 0 ? spec.nonZeroTone : 'plain';
  return range ? { text, range, tone } : { text, tone };
}

function row(groups: ArchitectureGroup[], spec: RowSpec): SummaryRow {
  return { shortLabel: spec.shortLabel, label: spec.label, cells: groups.map((g) => cellFor(g, spec)) };
}

/**
 * Every error kind that occurred anywhere, most frequent first. None is folded into an `other`
 * row: `update-lost 2` and `refused 2` call for different explanations, and a row per kind
 * costs at most seven lines.
 */
function errorKindsSeen(groups: ArchitectureGroup[]): ErrorKind[] {
  return ERROR_KINDS.map((kind) => ({
    kind,
    total: groups.reduce((sum, g) => sum + g.runs.reduce((s, r) => s + (r.requests.errors[kind] ?? 0), 0), 0),
  }))
    .filter((k) => k.total > 0)
    .sort((a, b) => b.total - a.total)
    .map((k) => k.kind);
}

function anyNonZero(groups: ArchitectureGroup[], value: (run: ArchitectureResult) => number): boolean {
  return groups.some((g) => g.runs.some((r) => value(r) > 0));
}

/** Rows of deltas from the baseline column (medians against medians). */
function deltaRows(groups: ArchitectureGroup[], baseline: ArchitectureGroup): SummaryRow[] {
  const median = (g: ArchitectureGroup, f: (r: ArchitectureResult) => number): number | null =>
    spreadOf(g.runs.map(f))?.median ?? null;
  const latencyDelta = (label: string, pick: (r: ArchitectureResult) => number): SummaryRow => ({
    shortLabel: `${label} vs ${baseline.architecture}`,
    label: `${label} vs ${baseline.architecture}`,
    cells: groups.map((g) => {
      if (g === baseline) return { text: 'baseline', tone: 'plain' };
      const base = median(baseline, pick);
      const cur = median(g, pick);
      if (base === null || cur === null) return { text: NOT_APPLICABLE, tone: 'plain' };
      const delta = cur - base;
      return { text: formatDelta(delta, 'us'), tone: delta > 0 ? 'bad' : delta < 0 ? 'good' : 'plain' };
    }),
  });
  const throughput: SummaryRow = {
    shortLabel: `req/s vs ${baseline.architecture}`,
    label: `throughput vs ${baseline.architecture}`,
    cells: groups.map((g) => {
      if (g === baseline) return { text: 'baseline', tone: 'plain' };
      const base = median(baseline, (r) => r.throughputRps);
      const cur = median(g, (r) => r.throughputRps);
      if (base === null || cur === null) return { text: NOT_APPLICABLE, tone: 'plain' };
      return { text: formatChange(cur, base), tone: cur < base ? 'bad' : cur > base ? 'good' : 'plain' };
    }),
  };
  return [latencyDelta('p50', (r) => r.latencyUs.p50), latencyDelta('p99', (r) => r.latencyUs.p99), throughput];
}

/**
 * What the balancer's hop costs, when a run measured architectures behind both the in-process
 * router and a real balancer (`redis` and `redis+haproxy`): each balancer column against its
 * router column, the same architecture under the same load.
 */
function hopRows(groups: ArchitectureGroup[]): SummaryRow[] {
  const routerOf = (g: ArchitectureGroup): ArchitectureGroup | undefined =>
    g.runs[0]?.balancer === undefined ? undefined : groups.find((o) => o.architecture === g.architecture.split('+')[0] && o.runs[0]?.balancer === undefined);
  if (!groups.some((g) => routerOf(g) !== undefined)) return [];
  const median = (g: ArchitectureGroup, f: (r: ArchitectureResult) => number): number | null => spreadOf(g.runs.map(f))?.median ?? null;
  const delta = (label: string, pick: (r: ArchitectureResult) => number): SummaryRow => ({
    shortLabel: `${label} vs router`,
    label: `${label} vs the same architecture behind the in-process router`,
    cells: groups.map((g) => {
      const base = routerOf(g);
      if (base === undefined) return { text: NOT_APPLICABLE, tone: 'plain' };
      const b = median(base, pick);
      const c = median(g, pick);
      if (b === null || c === null) return { text: NOT_APPLICABLE, tone: 'plain' };
      return { text: formatDelta(c - b, 'us'), tone: c > b ? 'bad' : c < b ? 'good' : 'plain' };
    }),
  });
  return [delta('p50', (r) => r.latencyUs.p50), delta('p99', (r) => r.latencyUs.p99)];
}

/**
 * Builds the summary rows of a run: throughput, latency (mean and percentiles), errors (total
 * and every kind that occurred), losses, store round trip and share, CPU per request by component, and the
 * difference from the sticky baseline when sticky ran.
 */
export function buildSummaryTable(result: RunResult): SummaryTable {
  const all = groupByArchitecture(result.architectures);
  const columns = all.map((g) => ({
    architecture: g.architecture,
    runs: g.runs.length,
    complete: g.runs.every((r) => r.complete),
  }));
  // A run that did not measure (`unmeasured`) is no figure: its column shows `–`, never zeros as data.
  const groups = all.map((g) => ({ ...g, runs: g.runs.filter((run) => run.unmeasured === undefined) }));
  const r = (spec: RowSpec): SummaryRow => row(groups, spec);

  const errorRows: SummaryRow[] = [
    r({ shortLabel: 'errors', label: 'errors', unit: 'count', value: (x) => x.requests.failed, nonZeroTone: 'warn' }),
    r({
      shortLabel: 'error rate', label: 'error rate', unit: 'ratio', nonZeroTone: 'warn',
      value: (x) => (completedOf(x) === 0 ? null : x.requests.failed / completedOf(x)),
    }),
  ];
  for (const kind of errorKindsSeen(groups)) {
    errorRows.push(r({ shortLabel: `  ${kind}`, label: `↳ ${kind}`, unit: 'count', value: (x) => x.requests.errors[kind] ?? 0 }));
  }
  // Only open load drops requests, and only a cut-off window leaves some unfinished: rows
  // that are always zero would just push the interesting ones off the screen.
  if (anyNonZero(groups, (x) => x.requests.dropped)) {
    errorRows.push(r({ shortLabel: 'dropped', label: 'dropped (not sent in time)', unit: 'count', value: (x) => x.requests.dropped, nonZeroTone: 'warn' }));
  }
  if (anyNonZero(groups, (x) => x.requests.unfinished)) {
    errorRows.push(r({ shortLabel: 'unfinished', label: 'unfinished at end', unit: 'count', value: (x) => x.requests.unfinished }));
  }

  const sections: SummarySection[] = [
    {
      title: 'Throughput',
      rows: [r({ shortLabel: 'req/s', label: 'throughput (req/s)', unit: 'rps', value: (x) => x.throughputRps })],
    },
    {
      title: 'Latency',
      rows: [
        r({ shortLabel: 'mean', label: 'latency mean', unit: 'us', value: (x) => x.latencyUs.mean }),
        r({ shortLabel: 'p50', label: 'latency p50', unit: 'us', value: (x) => x.latencyUs.p50 }),
        r({ shortLabel: 'p90', label: 'latency p90', unit: 'us', value: (x) => x.latencyUs.p90 }),
        r({ shortLabel: 'p95', label: 'latency p95', unit: 'us', value: (x) => x.latencyUs.p95 ?? null }),
        r({ shortLabel: 'p99', label: 'latency p99', unit: 'us', value: (x) => x.latencyUs.p99 }),
        r({ shortLabel: 'p99.9', label: 'latency p99.9', unit: 'us', value: (x) => x.latencyUs.p999 }),
        r({ shortLabel: 'max', label: 'latency max', unit: 'us', value: (x) => x.latencyUs.max }),
      ],
    },
    { title: 'Errors', rows: errorRows },
    { title: 'Losses', rows: lossRows(groups, r) },
    ...consistencySection(groups, r),
    {
      title: 'Store',
      rows: [
        // `–` where there is no store (sticky, cookie), not the zeros they measure.
        r({ shortLabel: 'store p50', label: 'store round trip p50', unit: 'us', value: (x) => (storeApplies(x) ? (x.store.roundTripUs?.p50 ?? null) : null) }),
        r({ shortLabel: 'store p99', label: 'store round trip p99', unit: 'us', value: (x) => (storeApplies(x) ? (x.store.roundTripUs?.p99 ?? null) : null) }),
        r({ shortLabel: 'store share', label: 'store share of latency', unit: 'ratio', value: (x) => (storeApplies(x) ? x.store.shareOfLatency : null) }),
      ],
    },
    {
      title: 'CPU',
      rows: [
        r({ shortLabel: 'CPU/req gen', label: 'CPU per request: generator', unit: 'us', value: (x) => cpuOf(x, (c) => c === 'generator') }),
        r({ shortLabel: 'CPU/req replicas', label: 'CPU per request: replicas', unit: 'us', value: (x) => cpuOf(x, isReplica) }),
        r({ shortLabel: 'CPU/req store', label: 'CPU per request: store', unit: 'us', value: (x) => cpuOf(x, isStoreTier) }),
        ...(groups.some((g) => g.runs.some((x) => x.balancer !== undefined))
          ? [r({ shortLabel: 'CPU/req balancer', label: 'CPU per request: balancer', unit: 'us', value: (x) => cpuOf(x, (c) => c === 'balancer') })]
          : []),
        coresRow(groups, result.environment.cpus),
        ...budgetRows(groups.map((g) => g.runs)).map((b): SummaryRow => ({
          shortLabel: `  ${b.component}`.slice(0, 16),
          label: `↳ ${b.component} cores (of its budget)`,
          cells: b.cells.map((c) => (c === undefined ? { text: NOT_APPLICABLE, tone: 'plain' } : { text: c.text, tone: c.saturated ? 'warn' : 'plain' })),
        })),
      ],
    },
  ];
  const hop = hopRows(groups);
  if (hop.length > 0) sections.push({ title: 'balancer hop', rows: hop });

  const baseline = groups.find((g) => g.architecture === BASELINE_ARCHITECTURE);
  if (baseline && groups.length > 1) {
    sections.push({ title: `vs ${baseline.architecture}`, rows: deltaRows(groups, baseline) });
  }
  return baseline && groups.length > 1 ? { columns, sections, baseline: baseline.architecture } : { columns, sections };
}

/**
 * Lost sessions and lost cart items. Items are split by cause when the results say (older ones
 * do not) and something was lost: items that went with a lost session are a failover story,
 * items missing from a session that lived on were overwritten (concurrent tabs, the blob
 * pattern's read-modify-write race).
 */
function lossRows(groups: ArchitectureGroup[], r: (spec: RowSpec) => SummaryRow): SummaryRow[] {
  const rows = [
    r({ shortLabel: 'lost sessions', label: 'lost sessions', unit: 'count', value: (x) => x.sessions.lost, nonZeroTone: 'bad' }),
    ...lossCauseRows(groups.flatMap((g) => g.runs)).map((row) => r(fromConsistencyRow(row))),
    r({ shortLabel: 'lost items', label: 'lost cart items (acknowledged adds)', unit: 'count', value: (x) => x.updatesLost, nonZeroTone: 'bad' }),
  ];
  const split = groups.some((g) => g.runs.some((x) => x.itemsLostWithSessions !== undefined));
  if (split && anyNonZero(groups, (x) => x.updatesLost)) {
    const withSessions = (x: ArchitectureResult): number | null => x.itemsLostWithSessions ?? null;
    rows.push(
      r({ shortLabel: '  with sessions', label: '↳ with lost sessions', unit: 'count', value: withSessions, nonZeroTone: 'bad' }),
      r({
        shortLabel: '  overwritten', label: '↳ overwritten in live sessions', unit: 'count', nonZeroTone: 'bad',
        value: (x) => (x.itemsLostWithSessions === undefined ? null : x.updatesLost - x.itemsLostWithSessions),
      }),
    );
  }
  return rows;
}

/** Reads that lacked items, the guarantees they broke, and staleness: only when some read lacked something. */
function consistencySection(groups: ArchitectureGroup[], r: (spec: RowSpec) => SummaryRow): SummarySection[] {
  const rows = consistencyRows(groups.flatMap((g) => g.runs));
  return rows.length === 0 ? [] : [{ title: 'Consistency', rows: rows.map((row) => r(fromConsistencyRow(row))) }];
}

function fromConsistencyRow(row: ConsistencyRow): RowSpec {
  return { shortLabel: row.shortLabel, label: row.label, unit: row.unit, value: row.value, ...(row.nonZero === 'plain' ? {} : { nonZeroTone: row.nonZero }) };
}

/** Cores in use out of the machine's: a starved architecture shows up here before anywhere else. */
function coresRow(groups: ArchitectureGroup[], machineCpus: number): SummaryRow {
  return {
    shortLabel: 'cores used',
    label: `cores used (of ${machineCpus})`,
    cells: groups.map((g) => {
      const spread = spreadOf(g.runs.map(coresOf));
      if (!spread) return { text: NOT_APPLICABLE, tone: 'plain' };
      const text = `${spread.median.toFixed(2)}/${machineCpus}`;
      const lo = spread.min.toFixed(2);
      const hi = spread.max.toFixed(2);
      const range = spread.n > 1 && lo !== hi ? `${lo}–${hi}` : undefined;
      // Above 90% of the machine the generator and the servers compete: figures understate capacity.
      const tone: Tone = spread.median >= 0.9 * machineCpus ? 'warn' : 'plain';
      return range ? { text, range, tone } : { text, tone };
    }),
  };
}
