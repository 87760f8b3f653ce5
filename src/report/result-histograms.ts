import { inflateSync } from 'node:zlib';
import { decodeHistogram, percentileOf, percentilesOf } from '../hdr/histogram.js';
import type { ArchitectureResult, Percentiles } from '../result/types.js';

/** The V2 compressed encoding's cookie, ignoring its word-size nibble (HdrHistogram's format). */
const V2_COMPRESSED_COOKIE = 0x1c849304;
/** A statebench histogram inflates to well under 100 KB; a zip bomb is refused past this. */
const MAX_INFLATED_BYTES = 8 * 1024 * 1024;
/** Decoding allocates counts for the header's range: a forged range must not make it allocate gigabytes. */
const MAX_HIGHEST_TRACKABLE = 2 ** 48;

/** A problem with one encoded histogram of a result: its field path and what is wrong. */
export interface HistogramProblem {
  path: string;
  message: string;
}

/**
 * Checks every encoded histogram of an architecture's result: it decodes, and it agrees with
 * the percentiles saved beside it (count, p50, p99, max). Percentiles the HTML report or
 * `compare` compute from a corrupted histogram would be wrong without a word, so a histogram
 * that does not decode, or says something else than the figures next to it, is refused. An
 * empty string is "no histogram kept" and is fine.
 */
export function checkHistograms(arch: ArchitectureResult, prefix: string): HistogramProblem[] {
  const problems: HistogramProblem[] = [];
  const h = arch.histograms;
  const pairs: [string, string | undefined, Percentiles | null | undefined, string][] = [
    ['latency', h.latency, arch.latencyUs, 'latencyUs'],
    ['uncorrected', h.uncorrected, arch.uncorrectedLatencyUs, 'uncorrectedLatencyUs'],
    ['store', h.store, arch.store.roundTripUs, 'store.roundTripUs'],
    ['staleness', h.staleness, arch.consistency?.stalenessUs, 'consistency.stalenessUs'],
    ...Object.entries(h.byEndpoint).map(([endpoint, encoded]) => [`byEndpoint.${endpoint}`, encoded, arch.byEndpoint[endpoint as keyof typeof arch.byEndpoint], `byEndpoint.${endpoint}`] as [string, string, Percentiles | undefined, string]),
  ];
  for (const [name, encoded, saved, savedName] of pairs) {
    if (encoded === undefined || encoded === '') continue;
    const path = `${prefix}histograms.${name}`;
    const problem = decodeProblem(encoded);
    if (problem !== undefined) {
      problems.push({ path, message: `not a valid HdrHistogram (${problem}): the file is corrupted` });
      continue;
    }
    if (saved === undefined || saved === null) continue;
    const figures = percentilesOf(decodeHistogram(encoded));
    for (const key of ['count', 'p50', 'p99', 'max'] as const) {
      if (figures[key] !== saved[key]) {
        problems.push({ path, message: `says ${key} ${figures[key]} where ${savedName}.${key} says ${saved[key]}: the file is corrupted or was edited` });
        break;
      }
    }
  }
  return problems;
}

/**
 * Fills in `p95` where a result written before it was recorded lacks it, from the histogram
 * saved beside each set of percentiles (the same figure the run would have written: HDR's
 * highest equivalent value). Percentiles without a histogram stay without `p95`, and reports
 * show `–`. Call after {@link checkHistograms} found nothing wrong; changes `arch` in place.
 */
export function fillMissingP95(arch: ArchitectureResult): void {
  const h = arch.histograms;
  const fill = (saved: Percentiles | null | undefined, encoded: string | undefined): void => {
    if (saved === null || saved === undefined || saved.p95 !== undefined || encoded === undefined || encoded === '') return;
    saved.p95 = percentileOf(decodeHistogram(encoded), 95);
  };
  fill(arch.latencyUs, h.latency);
  fill(arch.uncorrectedLatencyUs, h.uncorrected);
  fill(arch.store.roundTripUs, h.store);
  for (const [endpoint, encoded] of Object.entries(h.byEndpoint)) fill(arch.byEndpoint[endpoint as keyof typeof arch.byEndpoint], encoded);
}

/** Why `encoded` cannot be decoded safely, or undefined when it can. */
function decodeProblem(encoded: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded.trim())) return 'not base64';
  const data = Buffer.from(encoded.trim(), 'base64');
  if (data.length < 8 || (data.readInt32BE(0) & ~0xf0) !== V2_COMPRESSED_COOKIE) return 'not the V2 compressed encoding';
  const length = data.readInt32BE(4);
  if (length < 0 || 8 + length > data.length) return 'truncated';
  let inflated: Buffer;
  try {
    inflated = inflateSync(data.subarray(8, 8 + length), { maxOutputLength: MAX_INFLATED_BYTES });
  } catch (err) {
    return `does not inflate: ${(err as Error).message}`;
  }
  if (inflated.length < 40) return 'truncated header';
  const digits = inflated.readInt32BE(12);
  const lowest = Number(inflated.readBigInt64BE(16));
  const highest = Number(inflated.readBigInt64BE(24));
  if (!(digits >= 0 && digits <= 5)) return `${digits} significant digits`;
  if (!(lowest >= 1) || !(highest >= 2 * lowest) || highest > MAX_HIGHEST_TRACKABLE) return `range ${lowest}..${highest}`;
  try {
    const histogram = decodeHistogram(encoded);
    if (!Number.isFinite(histogram.totalCount) || histogram.totalCount < 0) return 'a negative count';
  } catch (err) {
    return (err as Error).message;
  }
  return undefined;
}
