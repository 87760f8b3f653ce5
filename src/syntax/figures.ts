/**
 * How statebench writes a figure for people: the one set of rules every table, progress line,
 * narration, measurement-quality sentence and HTML chart uses, so `10.00 ms` can never sit
 * beside `11.4 ms`. It sits in the lowest layer because the measuring side writes sentences too
 * (src/metrics/measurement-quality.ts); src/report/format.ts re-exports it for the reporters.
 *
 * The rules:
 * - latencies and durations carry three significant digits, with the decimals chosen after
 *   rounding (9.996 ms reads `10.0 ms`, never `10.00 ms`; 99.97 ms reads `100 ms`), and the unit
 *   chosen after rounding too (999.7 ms reads `1.00 s`, never `1000 ms`);
 * - below a millisecond, latencies are whole microseconds (`412 µs`) and durations whole
 *   milliseconds (`850 ms`): finer detail is below run-to-run noise;
 * - counts are grouped in `en-US` (`12,345`), whatever the machine's locale, so snapshots and CI
 *   logs read the same everywhere;
 * - a figure that does not apply, or is not a number, is `–`.
 */

/** Shown where a figure does not apply (no store) or is not a number. */
export const NOT_APPLICABLE = '–';

/**
 * A non-negative value to three significant digits: `1.83`, `18.3`, `183`, and `10.0` (not
 * `10.00`) for 9.996. Self-contained (no module references): the HTML report embeds its source.
 */
export function threeSignificant(value: number): string {
  const decimals = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  const text = value.toFixed(decimals);
  // Rounding may carry into the next power of ten: one decimal fewer keeps three digits.
  return decimals > 0 && Number(text) >= 10 ** (3 - decimals) ? value.toFixed(decimals - 1) : text;
}

/**
 * A latency in integer microseconds as people read it: `412 µs`, `1.83 ms`, `18.3 ms`,
 * `1.02 s`. Refers to nothing but {@link threeSignificant}: the HTML report embeds both sources
 * so its charts write figures exactly as the tables do.
 */
export function formatLatencyUs(us: number | null | undefined): string {
  if (us === null || us === undefined || !Number.isFinite(us)) return '–';
  const sign = us < 0 ? '-' : '';
  const abs = Math.abs(us);
  if (Math.round(abs) < 1000) return `${sign}${Math.round(abs)} µs`;
  const ms = threeSignificant(abs / 1000);
  if (Number(ms) < 1000) return `${sign}${ms} ms`;
  const s = abs / 1_000_000;
  return `${sign}${s >= 1000 ? Math.round(s).toLocaleString('en-US') : threeSignificant(s)} s`;
}

/**
 * A duration in milliseconds (fault times, recoveries, windows): `850 ms`, `5.00 s`, `12.5 s`,
 * and from two minutes on `2m05s`. The latency rules from a millisecond up.
 */
export function formatDurationMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return NOT_APPLICABLE;
  if (Math.round(Math.abs(ms)) < 1000) return `${Math.round(ms)} ms`;
  // 119.95 s and above would read `120 s`: minutes and seconds read better from there.
  if (Math.abs(ms) < 119_950) return formatLatencyUs(ms * 1000);
  const totalS = Math.round(Math.abs(ms) / 1000);
  return `${ms < 0 ? '-' : ''}${Math.floor(totalS / 60)}m${String(totalS % 60).padStart(2, '0')}s`;
}

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** A count, grouped: `12,345`. */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return NOT_APPLICABLE;
  return grouped.format(n);
}

/**
 * A count and its noun, agreeing: `1 fault`, `3 faults`, `0 errors`, `1,204 sessions`. `many`
 * is for nouns that do not just take an `s` (`1 replica was`, …): `plural(n, 'entry', 'entries')`.
 */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}
