import { describe, expect, it } from 'vitest';
import {
  HIGHEST_TRACKABLE_US,
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  mergeEncoded,
  mergeHistograms,
  percentilesOf,
  recordDurationUs,
  recordLatencyUs,
  type Histogram,
} from '../../src/hdr/histogram.js';

/** Count recorded in `value`'s bucket (public in HdrHistogram, private in this port's typings). */
function countAt(h: Histogram, value: number): number {
  return (h as unknown as { getCountAtValue(v: number): number }).getCountAtValue(value);
}

/** HDR with 3 significant digits: a reported value exceeds the exact one by at most 1/1024 of it. */
function expectWithinPrecision(reported: number, exact: number): void {
  expect(reported).toBeGreaterThanOrEqual(exact);
  expect(reported - exact).toBeLessThanOrEqual(exact / 1024);
}

describe('histogram settings', () => {
  it('reports percentiles of 1..10000 µs within HDR precision', () => {
    const h = createHistogram();
    for (let us = 1; us <= 10_000; us++) recordLatencyUs(h, us);
    const p = percentilesOf(h);
    expect(p.count).toBe(10_000);
    expectWithinPrecision(p.p50, 5000);
    expectWithinPrecision(p.p90, 9000);
    expectWithinPrecision(p.p99, 9900);
    expectWithinPrecision(p.p999, 9990);
    expectWithinPrecision(p.max, 10_000);
    // Exactly HDR's convention: the highest value equivalent to the exact percentile's bucket.
    expect(p.p50).toBe(5003); // 5000 falls in [5000, 5003]: 4 µs wide buckets between 4096 and 8192
    expect(p.mean).toBe(5001); // 5000.5 exactly; bucket midpoints make it 5000.9
    expect(Number.isInteger(p.p50) && Number.isInteger(p.mean)).toBe(true);
  });

  it('is exact below 2048 µs', () => {
    const h = createHistogram();
    for (let us = 1; us <= 2000; us++) recordLatencyUs(h, us);
    expect(percentilesOf(h)).toMatchObject({ p50: 1000, p90: 1800, p99: 1980, max: 2000 });
  });

  it('never records a sub-millisecond or sub-microsecond latency as 0', () => {
    const h = createHistogram();
    recordLatencyUs(h, 0.2);
    recordLatencyUs(h, 0);
    recordLatencyUs(h, 250.4);
    recordLatencyUs(h, 999.6);
    expect(countAt(h, 1)).toBe(2);
    expect(countAt(h, 250)).toBe(1);
    expect(countAt(h, 1000)).toBe(1);
    expect(percentilesOf(h).p50).toBe(1);
    expect(countAt(h, 0)).toBe(0);
  });

  it('keeps a store time of 0 as 0, but a tiny positive one as 1 µs', () => {
    const h = createHistogram();
    recordDurationUs(h, 0);
    recordDurationUs(h, 0.3);
    expect(countAt(h, 0)).toBe(1);
    expect(countAt(h, 1)).toBe(1);
  });

  it('clamps a stall longer than the range instead of throwing', () => {
    const h = createHistogram();
    recordLatencyUs(h, HIGHEST_TRACKABLE_US * 10);
    expect(h.totalCount).toBe(1);
    expectWithinPrecision(percentilesOf(h).max, HIGHEST_TRACKABLE_US);
  });

  it('gives all zeros for an empty histogram', () => {
    expect(percentilesOf(createHistogram())).toEqual({ count: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0, mean: 0 });
  });

  it('round-trips through compressed base64 with identical figures', () => {
    const h = createHistogram();
    for (let us = 1; us <= 100_000; us += 7) recordLatencyUs(h, us);
    recordLatencyUs(h, 45_000_000);
    const encoded = encodeHistogram(h);
    expect(encoded.startsWith('HISTF')).toBe(true);
    const back = decodeHistogram(encoded);
    expect(percentilesOf(back)).toEqual(percentilesOf(h));
    expect(back.totalCount).toBe(h.totalCount);
    expect(encodeHistogram(decodeHistogram(encodeHistogram(createHistogram())))).toBe(encodeHistogram(createHistogram()));
  });

  it('merges decoded histograms into exactly their sum', () => {
    const a = createHistogram();
    const b = createHistogram();
    const both = createHistogram();
    for (let us = 1; us <= 1000; us++) {
      recordLatencyUs(a, us);
      recordLatencyUs(both, us);
    }
    for (let us = 500; us <= 50_000; us += 3) {
      recordLatencyUs(b, us);
      recordLatencyUs(b, us);
      recordLatencyUs(both, us);
      recordLatencyUs(both, us);
    }
    const merged = mergeHistograms([decodeHistogram(encodeHistogram(a)), decodeHistogram(encodeHistogram(b))]);
    expect(merged.totalCount).toBe(a.totalCount + b.totalCount);
    const counts = (h: Histogram): number[] => Array.from({ length: 50_000 }, (_, i) => countAt(h, i + 1));
    expect(counts(merged)).toEqual(counts(both));
    expect(percentilesOf(merged)).toEqual(percentilesOf(both));
    expect(percentilesOf(decodeHistogram(mergeEncoded([encodeHistogram(a), encodeHistogram(b)])))).toEqual(
      percentilesOf(both),
    );
  });
});
