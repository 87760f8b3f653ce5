/**
 * Number formatting shared by every reporter, so a figure reads the same in the terminal,
 * in Markdown and in a comparison. Fixed `en-US` grouping: output must not depend on the
 * machine's locale, or snapshots and CI logs would differ between machines.
 */

import { METRICS, isMetricName, type MetricUnit } from '../metrics/metric-names.js';
import { NOT_APPLICABLE, formatCount, formatLatencyUs, threeSignificant } from '../syntax/figures.js';

export type { MetricUnit };

// The rules for latencies, durations and counts live in src/syntax/figures.ts, shared with the
// measuring side; reporters import them from here with the rest.
export { NOT_APPLICABLE, formatCount, formatDurationMs, formatLatencyUs, plural, threeSignificant } from '../syntax/figures.js';

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/**
 * Two latencies as one range in the unit of the larger (`1.71–1.95 ms`, `0.98–1.20 ms`),
 * so a range never mixes units and stays narrow enough for a table cell.
 */
export function formatLatencyRangeUs(minUs: number, maxUs: number): string {
  const hi = formatLatencyUs(maxUs);
  const unit = hi.slice(hi.lastIndexOf(' ') + 1);
  const divisor = unit === 's' ? 1_000_000 : unit === 'ms' ? 1000 : 1;
  const lo = minUs / divisor;
  const loText = divisor === 1 ? Math.round(lo).toString() : threeSignificant(lo);
  return `${loText}–${hi}`;
}

/**
 * `min–max` across repetitions in a metric's unit (`1.71–1.95 ms`, `0.40–0.48%`, `70–82`),
 * or undefined when both ends read the same once formatted: a range of one value says nothing.
 */
export function formatRange(min: number, max: number, unit: MetricUnit): string | undefined {
  if (unit === 'us') {
    const range = formatLatencyRangeUs(min, max);
    const [lo, hi] = range.split('–');
    return hi.startsWith(`${lo} `) ? undefined : range;
  }
  const lo = formatMetric(min, unit);
  const hi = formatMetric(max, unit);
  if (lo === hi) return undefined;
  // One unit sign per range keeps it inside a narrow cell.
  return unit === 'ratio' && lo.endsWith('%') && !lo.startsWith('<') ? `${lo.slice(0, -1)}–${hi}` : `${lo}–${hi}`;
}

/** A rate in requests per second, grouped: `2,043`, `45.2` (decimals only where they matter). */
export function formatRate(rps: number | null | undefined): string {
  if (rps === null || rps === undefined || !Number.isFinite(rps)) return NOT_APPLICABLE;
  if (Math.abs(rps) < 100 && !Number.isInteger(rps)) return `${rps < 0 ? '-' : ''}${threeSignificant(Math.abs(rps))}`;
  return grouped.format(rps);
}

/**
 * A ratio 0..1 as a percentage: `38.4%`, and below 1% two significant digits (`0.43%`,
 * `0.097%`) so that "a few errors" never reads as `0.0%` and `0.097%` is not rounded up
 * past a `< 0.1%` threshold it passed.
 */
export function formatPercent(ratio: number | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return NOT_APPLICABLE;
  const pct = ratio * 100;
  const abs = Math.abs(pct);
  const sign = pct < 0 ? '-' : '';
  if (abs === 0 || abs >= 1) return `${pct.toFixed(digits)}%`;
  if (abs < 0.001) return `${sign}<0.001%`;
  return `${sign}${abs.toPrecision(2)}%`;
}

/** A value in its metric's base unit, formatted for people. */
export function formatMetric(value: number | null | undefined, unit: MetricUnit): string {
  switch (unit) {
    case 'us':
      return formatLatencyUs(value);
    case 'rps':
      return formatRate(value);
    case 'count':
      return formatCount(value);
    case 'ratio':
      return formatPercent(value);
  }
}

function signOf(n: number): string {
  return n > 0 ? '+' : n < 0 ? '-' : '±';
}

/**
 * A signed difference in a metric's base unit: `+410 µs`, `-1.20 ms`, `+120/s`, `+3`,
 * `+1.2 pp` (ratios differ by percentage points, not by percent). Zero reads `±0`.
 */
export function formatDelta(delta: number | null | undefined, unit: MetricUnit): string {
  if (delta === null || delta === undefined || !Number.isFinite(delta)) return NOT_APPLICABLE;
  const sign = signOf(delta);
  const abs = Math.abs(delta);
  if (abs === 0) return '±0';
  switch (unit) {
    case 'us':
      return `${sign}${formatLatencyUs(abs)}`;
    case 'rps':
      return `${sign}${formatRate(abs)}/s`;
    case 'count':
      return `${sign}${formatCount(abs)}`;
    case 'ratio': {
      const pp = abs * 100;
      return `${sign}${pp < 0.1 ? pp.toPrecision(2) : pp.toFixed(1)} pp`;
    }
  }
}

/**
 * The relative change from `baseline` to `current` as a signed percentage: `-12%`, `+3.4%`.
 * From a zero baseline there is no meaningful percentage: `new` when something appeared.
 */
export function formatChange(current: number, baseline: number): string {
  if (!Number.isFinite(current) || !Number.isFinite(baseline)) return NOT_APPLICABLE;
  if (baseline === 0) return current === 0 ? '±0%' : 'new';
  const pct = ((current - baseline) / Math.abs(baseline)) * 100;
  const rounded = Math.abs(pct) < 10 ? Math.round(pct * 10) / 10 : Math.round(pct);
  if (rounded === 0) return '±0%';
  return `${rounded > 0 ? '+' : '-'}${Math.abs(rounded)}%`;
}

/** A threshold's or comparison's figure in its metric's unit; unknown metrics read as plain numbers. */
export function formatMetricValue(name: string, value: number | null): string {
  if (isMetricName(name)) return formatMetric(value, METRICS[name].unit);
  return value === null ? NOT_APPLICABLE : String(value);
}
