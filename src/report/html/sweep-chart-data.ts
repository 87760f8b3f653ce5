import { GROWTH_METRICS, figuresAt, groupsAlong, metricOf, sweepArchitectures, sweepBaseline } from '../../sweep/growth.js';
import type { SweepResult } from '../../sweep/sweep-result.js';
import { PALETTE } from './chart-data.js';

/**
 * What the sweep charts draw, computed in Node and embedded as JSON: each figure against the
 * first swept field, one line per architecture (per architecture and held value in a grid); a
 * value where an architecture failed is a gap, and listed under the chart as such.
 */
export interface SweepChartData {
  /** The x axis: the first field's values in its unit (bytes, ms, req/s, a count), or 0, 1, 2… when they are not numbers. */
  xs: number[];
  /** The values as written, for ticks and hover. */
  xLabels: string[];
  /** `session.payload`. */
  xTitle: string;
  /** A log₂ axis: the values are positive and span a factor of 8 or more (64B to 8KiB). */
  log: boolean;
  charts: SweepChart[];
}

export interface SweepChart {
  metric: string;
  title: string;
  unit: 'µs' | 'B';
  series: { label: string; color: string; dash: number[]; values: (number | null)[] }[];
  /** `cookie at 2KiB: 413 on 38% of requests`: the values drawn as gaps, and why. */
  failures: string[];
  /** Where to mark them on the chart: an ✗ in the architecture's colour at that value. */
  failedMarks: { x: number; color: string }[];
}

/** Dashes telling apart the held values of a grid's second field. */
const DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3]];

export function buildSweepChartData(result: SweepResult): SweepChartData {
  const field = result.scenario.sweep.fields[0];
  const numeric = field.unit !== 'none';
  const xs = numeric ? field.numbers.map((n) => n!) : field.values.map((_, i) => i);
  const positive = numeric && xs.every((x) => x > 0);
  const log = positive && Math.max(...xs) / Math.min(...xs) >= 8;
  const architectures = sweepArchitectures(result);
  const groups = groupsAlong(result, 0);
  const baseline = sweepBaseline(result);
  const metrics = GROWTH_METRICS.filter((m) => !m.added || baseline !== undefined);
  const charts = metrics.map(({ metric, title, unit, added }): SweepChart => {
    const series: SweepChart['series'] = [];
    const failures: string[] = [];
    const failedMarks: SweepChart['failedMarks'] = [];
    architectures.forEach((architecture, a) => {
      if (added && architecture === baseline) return;
      groups.forEach((group, g) => {
        const held = result.scenario.sweep.fields.length > 1 ? result.scenario.sweep.fields.slice(1).map((f, i) => `${f.path}=${f.values[group[0].at[i + 1]]}`).join(', ') : '';
        const values: (number | null)[] = xs.map(() => null);
        for (const p of group) {
          const fig = figuresAt(p, architecture, baseline);
          if (fig === undefined) continue;
          if (fig.failure !== undefined) {
            failures.push(`${architecture}${held ? ` (${held})` : ''} at ${field.values[p.at[0]]}: ${fig.failure}`);
            failedMarks.push({ x: xs[p.at[0]], color: PALETTE[a % PALETTE.length] });
            continue;
          }
          values[p.at[0]] = metricOf(fig, metric);
        }
        series.push({ label: held ? `${architecture} · ${held}` : architecture, color: PALETTE[a % PALETTE.length], dash: DASHES[g % DASHES.length], values });
      });
    });
    return { metric, title: title.replace('BASELINE', baseline ?? ''), unit, series, failures, failedMarks };
  });
  return { xs, xLabels: field.values, xTitle: field.path, log, charts };
}
