import type { Percentiles } from '../../result/types.js';
import { decodeHistogram, percentileOf } from '../../hdr/histogram.js';

/**
 * The x axis of an HDR percentile plot is 1/(1-p): 1 at p0, 10 at p90, 100 at p99… so each
 * "nine" gets the same width. We stop at p99.99 (x = 10,000): beyond it a run of a few hundred
 * thousand requests has too few samples to say anything but its max, which the table shows.
 */
export const SPECTRUM_MAX_X = 10_000;

/** Points per factor of ten on the x axis: smooth enough for a curve, small enough to embed. */
const POINTS_PER_DECADE = 24;

/** The percentile (0..100) at an x of the spectrum. */
export function percentileAtX(x: number): number {
  return 100 * (1 - 1 / x);
}

/**
 * The shared x grid: log-spaced from 1 (p0) to {@link SPECTRUM_MAX_X}, plus 2 (the median) so
 * that the summary percentiles p50/p90/p99/p99.9 each fall on a grid point.
 */
export function spectrumXs(): number[] {
  const decades = Math.log10(SPECTRUM_MAX_X);
  const xs = new Set<number>([2]);
  for (let i = 0; i <= decades * POINTS_PER_DECADE; i++) {
    xs.add(Number((10 ** (i / POINTS_PER_DECADE)).toPrecision(6)));
  }
  return [...xs].sort((a, b) => a - b);
}

/**
 * Latency (µs) at each x of the grid, read from an encoded HDR histogram; null when the file
 * holds no histogram or one that does not decode (an older or hand-edited file), so the
 * report falls back to {@link spectrumFromPercentiles} instead of failing.
 */
export function spectrumFromHistogram(encoded: string | undefined, xs: readonly number[]): number[] | null {
  if (!encoded) return null;
  let histogram;
  try {
    histogram = decodeHistogram(encoded);
  } catch {
    return null;
  }
  if (histogram.totalCount === 0) return null;
  return xs.map((x) => percentileOf(histogram, percentileAtX(x)));
}

/**
 * The few points the summary percentiles give (p50, p90, p99, p99.9), at their grid positions
 * and null elsewhere: a coarse curve is better than none when the histogram is missing.
 */
export function spectrumFromPercentiles(p: Percentiles, xs: readonly number[]): (number | null)[] | null {
  if (p.count === 0) return null;
  const known = new Map<number, number>([[2, p.p50], [10, p.p90], [100, p.p99], [1000, p.p999]]);
  return xs.map((x) => known.get(x) ?? null);
}
