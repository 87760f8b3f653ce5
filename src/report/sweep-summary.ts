import { formatDuration, formatSize } from '../syntax/units.js';
import {
  GROWTH_METRICS,
  figuresAt,
  metricOf,
  sweepArchitectures,
  sweepBaseline,
  sweepGrowth,
  type GrowthFit,
  type MemoryFit,
  type PointFigures,
} from '../sweep/growth.js';
import type { ArchitectureResult } from '../result/types.js';
import type { SweepResult } from '../sweep/sweep-result.js';
import { formatCount, formatLatencyUs, formatPercent, formatRate } from './format.js';

/**
 * What every sweep report says, as plain strings (the terminal, Markdown and HTML renderers
 * lay it out): the title and context, one table per figure (rows: the swept values, columns:
 * architectures; a value where an architecture fails says so instead of a figure), the slopes,
 * memory per session, and warnings. Pure.
 */
export interface SweepSummary {
  title: string;
  context: string[];
  architectures: string[];
  tables: SweepTable[];
  /** Per figure, one sentence per architecture (and held value, in a grid). */
  slopes: { title: string; lines: string[] }[];
  /** Memory per session: a column per architecture that keeps sessions on the server. */
  memory: { columns: string[]; table: SweepTable; lines: string[] } | undefined;
  warnings: string[];
}

export interface SweepTable {
  title: string;
  /** What the first column holds: `session.payload`, or every field in a grid. */
  head: string;
  /** Its columns when not every architecture's (a figure added over the baseline leaves the baseline out). */
  columns?: string[];
  rows: { label: string; cells: string[] }[];
}

/** `✗ 413 on 38% of requests`: a failed value's cell. */
export const FAILED_MARK = '✗';

function formatMetricValue(unit: 'µs' | 'B', value: number | null, signed = false): string {
  if (value === null) return '–';
  const sign = signed && value > 0 ? '+' : '';
  return sign + (unit === 'µs' ? formatLatencyUs(value) : `${value < 0 ? '-' : ''}${formatSize(Math.round(Math.abs(value)))}`);
}

/** A slope in its unit per step: `+7.02 µs`, `+2KiB`, `-310 µs`. */
function formatSlope(unit: 'µs' | 'B', slope: number): string {
  const sign = slope < 0 ? '-' : '+';
  const abs = Math.abs(slope);
  if (unit === 'B') return `${sign}${formatSize(Math.round(abs))}`;
  return `${sign}${abs >= 1000 ? formatLatencyUs(abs) : `${abs >= 100 ? abs.toFixed(0) : abs >= 10 ? abs.toFixed(1) : abs.toFixed(2)} µs`}`;
}

/** R² cut (not rounded) to two decimals, so 0.897, short of the 0.9 a line needs, never reads 0.90. */
function r2Text(r2: number): string {
  return (Math.floor(r2 * 100 + 1e-9) / 100).toFixed(2);
}

/** A fit in words: `redis +7.02 µs per KiB of session (R² 1.00 over 4 values)`. */
export function fitSentence(fit: GrowthFit, unit: 'µs' | 'B'): string {
  const who = fit.held === undefined ? fit.architecture : `${fit.architecture} at ${fit.held}`;
  const fails =
    (fit.failedAt.length === 0 ? '' : `; fails at ${fit.failedAt.join(', ')}`) +
    (fit.disturbedAt.length === 0 ? '' : `; the machine disturbed ${fit.disturbedAt.length === fit.points ? 'every value' : fit.disturbedAt.join(', ')}`);
  const ends = `${formatMetricValue(unit, fit.fromValue)} → ${formatMetricValue(unit, fit.toValue)}`;
  switch (fit.verdict) {
    case 'linear': {
      const how = fit.points === 2 ? 'from 2 values: a line by definition' : `R² ${r2Text(fit.r2!)} over ${fit.points} values`;
      return `${who}: ${formatSlope(unit, fit.slopePerStep!)} per ${fit.stepWords} (${how}; ${ends})${fails}`;
    }
    case 'flat':
      return `${who}: flat (${ends})${fails}`;
    case 'not-linear':
      return `${who}: ${ends}, not along a line (R² ${r2Text(fit.r2!)} over ${fit.points} values): no slope${fails}`;
    case 'too-few':
      return `${who}: measured at ${fit.points === 0 ? 'no value' : 'one value'}, nothing to fit${fails}`;
  }
}

function cell(f: PointFigures | undefined, text: (f: PointFigures) => string): string {
  if (f === undefined) return '–';
  return f.failure === undefined ? text(f) : `${FAILED_MARK} ${f.failure}`;
}

/** A point's row label: its value (its values, in a grid). */
function rowLabel(result: SweepResult, at: number[]): string {
  return result.scenario.sweep.fields.map((f, i) => f.values[at[i]]).join(' · ');
}

function memoryLine(m: MemoryFit): string {
  const perPoint = m.perPoint.filter((b): b is number => b !== null);
  const where = m.holder === 'replicas' ? 'in the replicas' : 'in the store';
  if (m.bytesPerSession !== null) {
    return `${m.architecture}: ${formatSize(Math.max(0, m.bytesPerSession))} per session ${where} (${m.measure}, fitted against the sessions held, R² ${r2Text(m.r2!)})`;
  }
  if (perPoint.length === 0) return `${m.architecture}: not read`;
  const lo = Math.min(...perPoint);
  const hi = Math.max(...perPoint);
  return `${m.architecture}: at most ${formatSize(Math.max(0, hi))}${lo === hi ? '' : ` (${formatSize(Math.max(0, lo))} at best)`} per session ${where} (${m.measure}: growth ÷ sessions held, warm-up included; sweep \`load.sessions\` to fit it)`;
}

/**
 * What disturbed the runs of a point, in a few words with the worst figure of each kind (each
 * run's own sentences are in its report: `report --point`).
 */
function disturbanceWords(runs: readonly ArchitectureResult[]): string {
  const words: string[] = [];
  const qs = runs.map((r) => r.measurementQuality!);
  const late = Math.max(...qs.map((q) => q.generatorLatenessUs?.lateShare ?? 0));
  if (qs.some((q) => (q.generatorLatenessUs?.lateShare ?? 0) > q.limits.lateShare)) words.push(`the generator sent up to ${formatPercent(late, 0)} of its requests late`);
  if (qs.some((q) => (q.loopDelayUs?.p99 ?? 0) > q.limits.loopDelayP99Us)) words.push("the generator's event loop was held up");
  const foreign = Math.max(...qs.map((q) => q.foreignCores?.mean ?? 0));
  if (qs.some((q) => (q.foreignCores?.mean ?? 0) > q.limits.foreignCores)) words.push(`foreign processes used ${foreign.toFixed(1)} cores`);
  if (qs.some((q) => (q.stealShare?.mean ?? 0) > q.limits.stealShare)) words.push('the hypervisor stole CPU time');
  if (qs.some((q) => q.firstSecond?.transient === true)) words.push('a warm-up transient in the first second');
  return words.length === 0 ? 'see `report --point`' : words.join('; ');
}

export function buildSweepSummary(result: SweepResult): SweepSummary {
  const fields = result.scenario.sweep.fields;
  const architectures = sweepArchitectures(result);
  const growth = sweepGrowth(result);
  const head = fields.map((f) => f.path).join(' · ');
  const first = result.points[0]?.run.scenario;
  const s = result.scenario;
  const load = s.load.model === 'open' ? `open ${formatRate(s.load.rateRps)}/s` : `closed ${s.load.users} users`;
  const elapsedMs = Date.parse(result.finishedAt) - Date.parse(result.startedAt);
  const loads = result.points.map((p) => p.loadAverage);
  const context = [
    ...fields.map((f) => `${f.path}: ${f.values.join(', ')}`),
    `${result.points.length} of ${s.sweep.points.length} points × ${architectures.length} architectures`,
    `each: ${load}, ${formatDuration(s.durationMs)} after ${formatDuration(s.warmupMs)} warm-up, ${s.replicas} replicas, ${first?.pairing ?? s.pairing ?? 'sequential'}`,
    `took ${formatDuration(Math.max(0, Math.round(elapsedMs / 1000) * 1000))} (estimated ${formatDuration(Math.round(result.estimatedMs / 1000) * 1000)})`,
    `load average ${result.loadAverageBefore.toFixed(1)} before${loads.length === 0 ? '' : `, ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} after the points`}, on ${result.environment.cpus} cores`,
  ];
  const baseline = sweepBaseline(result);
  const metrics = GROWTH_METRICS.filter((m) => !m.added || baseline !== undefined).map((m) => ({ ...m, title: m.title.replace('BASELINE', baseline ?? '') }));
  const tables: SweepTable[] = metrics.map(({ metric, title, unit, added }) => {
    const columns = added ? architectures.filter((a) => a !== baseline) : architectures;
    return {
      title,
      head,
      ...(added ? { columns } : {}),
      rows: result.points.map((p) => ({ label: rowLabel(result, p.at), cells: columns.map((a) => cell(figuresAt(p, a, baseline), (f) => formatMetricValue(unit, metricOf(f, metric), added))) })),
    };
  });
  tables.push({
    title: 'errors (share of completed requests)',
    head,
    rows: result.points.map((p) => ({
      label: rowLabel(result, p.at),
      cells: architectures.map((a) => {
        const f = figuresAt(p, a);
        return f === undefined ? '–' : `${f.failure === undefined ? '' : `${FAILED_MARK} `}${formatPercent(f.errorRate)}`;
      }),
    })),
  });
  const slopes = metrics.map(({ metric, title, unit }) => ({
    title,
    lines: growth.fits.filter((f) => f.metric === metric).map((f) => fitSentence(f, unit)),
  })).filter((s) => s.lines.length > 0);

  const holders = growth.memory.map((m) => m.architecture);
  const memory =
    holders.length === 0
      ? undefined
      : {
          columns: holders,
          table: {
            title: 'memory per session (growth of where sessions live ÷ sessions held)',
            head,
            rows: result.points.map((p) => ({
              label: rowLabel(result, p.at),
              cells: holders.map((a) => {
                const m = figuresAt(p, a)?.memory;
                if (m === undefined || m.bytesPerSession === null) return '–';
                return `${formatSize(Math.max(0, m.bytesPerSession))} × ${formatCount(m.sessionsHeld)}`;
              }),
            })),
          },
          lines: growth.memory.map(memoryLine),
        };

  const warnings: string[] = [];
  if (!result.complete) warnings.push(`incomplete: ${result.incompleteReason ?? 'interrupted'}`);
  for (const p of result.points) {
    const disturbed = p.run.architectures.filter((a) => a.measurementQuality?.disturbed);
    if (disturbed.length > 0) warnings.push(`${p.label}: the machine disturbed ${[...new Set(disturbed.map((a) => a.architecture))].join(', ')}: ${disturbanceWords(disturbed)}`);
    for (const a of p.run.architectures) if (a.unmeasured !== undefined) warnings.push(`${p.label}: ${a.architecture} did not measure: ${a.unmeasured.reason}`);
  }
  const skipped = [...new Map(result.points.flatMap((p) => p.run.skipped).map((k) => [k.architecture, k.reason])).entries()];
  for (const [architecture, reason] of skipped) warnings.push(`${architecture} skipped: ${reason}`);
  return { title: `statebench sweep · ${s.name}`, context, architectures, tables, slopes, memory, warnings };
}
