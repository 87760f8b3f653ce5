/**
 * The one place that owns HDR histogram settings (as autocannon's `histUtil.js` does), so every
 * histogram recorded, saved, decoded and merged by statebench has the same range and precision.
 *
 * Values are integer microseconds. We use the pure-JS implementation of hdr-histogram-js, not
 * the WebAssembly one: the wasm build must be initialised asynchronously, its histograms must be
 * `destroy()`ed by hand or they leak wasm memory, and a JS histogram cannot `add()` a wasm one.
 * Recording into the JS Int32 histogram is an index computation and a typed-array increment, with
 * no allocation, which is what the load engine's hot loop needs.
 */
import hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';

/** Latency figures in integer microseconds. */
export interface Percentiles {
  count: number;
  p50: number;
  p90: number;
  /**
   * The percentile k6 and Gatling users read first. Absent in results written before it was
   * recorded; reading such a file fills it in from the histogram saved beside it
   * (src/report/result-histograms.ts), and it stays absent only where no histogram was kept.
   */
  p95?: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export type { Histogram };

/** Smallest value told apart from 0: 1 µs. */
export const LOWEST_DISCERNIBLE_US = 1;
/**
 * Ten minutes: far above any request timeout, so a stalled request is recorded as what it was
 * instead of overflowing. Larger values are clamped to this by {@link recordLatencyUs}.
 */
export const HIGHEST_TRACKABLE_US = 600_000_000;
/** Relative error at most 1/1024 (~0.1%) of the value (HDR: 2048 sub-buckets per magnitude). */
export const SIGNIFICANT_DIGITS = 3;
/** Int32 counts: 2^31 samples per bucket is far beyond any run, and half the memory of Float64. */
const BIT_BUCKET_SIZE = 32;

/** A new, empty histogram with statebench's settings (about 85 KB, fixed: it never resizes). */
export function createHistogram(): Histogram {
  return hdr.build({
    lowestDiscernibleValue: LOWEST_DISCERNIBLE_US,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
    bitBucketSize: BIT_BUCKET_SIZE,
    // Values are clamped before recording, so the counts array never has to grow: memory stays
    // flat and a bogus huge value cannot make a histogram allocate.
    autoResize: false,
    useWebAssembly: false,
  });
}

/**
 * Converts a latency in (fractional) microseconds to the integer recorded: rounded, at least 1 µs
 * so a sub-millisecond or sub-microsecond latency never reads as 0 (autocannon's flaw), and at most
 * {@link HIGHEST_TRACKABLE_US}.
 */
export function latencyToRecordUs(us: number): number {
  if (!(us >= 1)) return 1; // also catches NaN: a latency is never absent once a request completed
  if (us >= HIGHEST_TRACKABLE_US) return HIGHEST_TRACKABLE_US;
  return Math.round(us);
}

/**
 * Like {@link latencyToRecordUs} but 0 stays 0: `Server-Timing: store;dur=0` (memory, cookie)
 * means "no store time", and recording it as 1 µs would invent a store round trip.
 */
export function durationToRecordUs(us: number): number {
  if (!(us > 0)) return 0;
  if (us >= HIGHEST_TRACKABLE_US) return HIGHEST_TRACKABLE_US;
  return Math.max(1, Math.round(us));
}

/** Records one latency (fractional µs allowed; see {@link latencyToRecordUs}). */
export function recordLatencyUs(h: Histogram, us: number): void {
  h.recordValue(latencyToRecordUs(us));
}

/** Records one duration that may legitimately be 0 (see {@link durationToRecordUs}). */
export function recordDurationUs(h: Histogram, us: number): void {
  h.recordValue(durationToRecordUs(us));
}

/** HdrHistogram V2 compressed base64 (`HISTFAAA…`), readable by every HdrHistogram port. */
export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

/**
 * Decodes {@link encodeHistogram}'s output into a JS histogram whose range is at least ours, so
 * it can be merged with histograms from {@link createHistogram}.
 */
export function decodeHistogram(encoded: string): Histogram {
  const h = hdr.decodeFromCompressedBase64(encoded, BIT_BUCKET_SIZE, false, HIGHEST_TRACKABLE_US);
  h.autoResize = true; // a file from another tool may hold larger values; merging must not throw
  return h;
}

/** A new histogram holding the sum of all `parts` (for repetitions or several generators). */
export function mergeHistograms(parts: readonly Histogram[]): Histogram {
  const total = createHistogram();
  total.autoResize = true;
  for (const part of parts) total.add(part);
  return total;
}

/** Decodes, merges and re-encodes: the sum of several saved histograms, as saved text. */
export function mergeEncoded(parts: readonly string[]): string {
  return encodeHistogram(mergeHistograms(parts.map(decodeHistogram)));
}

/**
 * Percentiles of a histogram, integers in µs; all zeros for an empty one.
 *
 * Each percentile (and max) is the highest value equivalent to its bucket, as HdrHistogram
 * reports it, so figures are identical whether computed from the live histogram or from its
 * decoded copy in a result file. They exceed the exact value by at most 1/1024 of it.
 */
export function percentilesOf(h: Histogram): Percentiles {
  const count = h.totalCount;
  if (count === 0) return { count: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  return {
    count,
    p50: h.getValueAtPercentile(50),
    p90: h.getValueAtPercentile(90),
    p95: h.getValueAtPercentile(95),
    p99: h.getValueAtPercentile(99),
    p999: h.getValueAtPercentile(99.9),
    max: h.getValueAtPercentile(100),
    mean: Math.round(h.mean),
  };
}

/** One percentile in µs (HDR's highest equivalent value); 0 for an empty histogram. */
export function percentileOf(h: Histogram, percentile: number): number {
  return h.totalCount === 0 ? 0 : h.getValueAtPercentile(percentile);
}
