import type { Percentiles } from '../hdr/histogram.js';
import { encodeHistogram, percentilesOf, type Histogram } from '../hdr/histogram.js';

/**
 * A delay the generator measured of itself (how late the open model's sends left, or how late
 * the closed model's event loop ran), integer µs, with its HDR histogram encoded the way result
 * files hold histograms, so runs and workers merge exactly (src/hdr/histogram.ts).
 */
export interface DelayStats extends Percentiles {
  /** HdrHistogram V2 compressed base64 of the values, µs. */
  histogram: string;
}

export function delayStatsOf(h: Histogram): DelayStats {
  return { ...percentilesOf(h), histogram: encodeHistogram(h) };
}
