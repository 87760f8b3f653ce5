import { describe, expect, test } from 'vitest';
import { median, percentileBootstrap, quantileSorted, stratifiedBootstrap } from '../../src/compare/bootstrap.js';
import { PER_SECOND_FIGURES, measuredSeconds, mixtureQuantile, secondsFor, strataOf } from '../../src/compare/per-second-figures.js';
import type { TimelineSecond } from '../../src/result/types.js';
import { syntheticRun } from './synthetic-run.js';

const second = (p50Us: number, p99Us: number, completed = 1000): TimelineSecond => ({
  second: 0, completed, ok: completed, errors: {}, sessionsLost: 0, updatesLost: 0, dropped: 0, p50Us, p99Us, storeP50Us: 0, byReplica: {}, faults: [],
});

describe('bootstrap', () => {
  const opts = { confidence: 0.95, resamples: 2000, seed: 7 };
  const meanOf = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

  test('seeded: the same items give the same interval, every time', () => {
    const items = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3];
    expect(percentileBootstrap(items, meanOf, opts)).toEqual(percentileBootstrap(items, meanOf, opts));
  });

  test('the interval of a mean holds the mean and sits inside the items', () => {
    const items = Array.from({ length: 10 }, (_, i) => i + 1);
    const interval = percentileBootstrap(items, meanOf, opts)!;
    expect(interval.lo).toBeLessThan(5.5);
    expect(interval.hi).toBeGreaterThan(5.5);
    expect(interval.lo).toBeGreaterThan(3);
    expect(interval.hi).toBeLessThan(8);
  });

  test('resampling within strata keeps each stratum its size', () => {
    const countB = (xs: readonly string[]) => xs.filter((x) => x.startsWith('b')).length;
    expect(stratifiedBootstrap([['a1', 'a2', 'a3'], ['b1']], countB, opts)).toEqual({ lo: 1, hi: 1 });
    expect(percentileBootstrap(['a1', 'a2', 'a3', 'b1'], countB, opts)!.hi).toBeGreaterThan(1);
  });

  test('a statistic undefined on the items gives no interval', () => {
    expect(percentileBootstrap([], meanOf, opts)).toBeNull();
    expect(percentileBootstrap([1, 2], () => null, opts)).toBeNull();
  });

  test('quantiles interpolate between ranks; median of none is null', () => {
    expect(quantileSorted([10, 20, 30, 40], 0.5)).toBe(25);
    expect(quantileSorted([10, 20, 30, 40], 1)).toBe(40);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([])).toBeNull();
  });
});

describe('the window percentile re-made from its seconds', () => {
  test('identical seconds give back their own p50 and p99', () => {
    const seconds = Array.from({ length: 6 }, () => second(1000, 5000));
    expect(mixtureQuantile(seconds, 0.5)).toBeCloseTo(1000, -1);
    expect(mixtureQuantile(seconds, 0.99)).toBeCloseTo(5000, -1);
  });

  test('one second whose tail is 100 ms sets the p99 of ten', () => {
    const seconds = [...Array.from({ length: 9 }, () => second(1000, 2000)), second(1000, 100_000)];
    const p99 = mixtureQuantile(seconds, 0.99)!;
    // Between the steady 2 ms and the slow second's own 100 ms: 12.6 ms.
    expect(p99).toBeGreaterThan(12_000);
    expect(p99).toBeLessThan(13_000);
    expect(mixtureQuantile(seconds, 0.5)).toBeCloseTo(1000, -1);
  });

  test('seconds weigh by their completions; seconds without any carry no latency', () => {
    const seconds = [second(1000, 1000, 9000), second(5000, 5000, 1000), second(0, 0, 0)];
    expect(mixtureQuantile(seconds, 0.5)).toBeCloseTo(1000, -1);
    expect(mixtureQuantile(seconds, 0.95)).toBeCloseTo(5000, -1);
    expect(mixtureQuantile([second(0, 0, 0)], 0.5)).toBeNull();
  });
});

describe('which seconds are resampled, and how', () => {
  test('only whole seconds of the measured window', () => {
    const run = syntheticRun({ seconds: Array.from({ length: 6 }, () => ({ p50: 1000 })) });
    run.timeline.push({ ...run.timeline[0], second: 6, completed: 2 });
    run.measuredMs = 6000;
    expect(measuredSeconds(run).map((s) => s.second)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  test('each fault window is a stratum of its own, until it recovered', () => {
    const run = syntheticRun({
      seconds: Array.from({ length: 10 }, () => ({ p50: 1000 })),
      faultWindows: [
        { kind: 'kill', target: 'replica-2', startMs: 3003, recoveredAtMs: 5000, timeToRecoverMs: 1997, errors: {}, sessionsLost: 0, updatesLost: 0, p99Us: 0 },
        { kind: 'restart', target: 'replica-2', startMs: 7010, recoveredAtMs: null, timeToRecoverMs: null, errors: {}, sessionsLost: 0, updatesLost: 0, p99Us: 0 },
      ],
    });
    const strata = strataOf(measuredSeconds(run), run).map((g) => g.map((s) => s.second));
    expect(strata).toEqual([[0, 1, 2, 5, 6], [3, 4], [7, 8, 9], []]);
  });

  test("the grace period's stragglers are a stratum of their own, and count for latency but not throughput", () => {
    const run = syntheticRun({ seconds: Array.from({ length: 6 }, () => ({ p50: 1000 })) });
    run.timeline.push({ ...run.timeline[0], second: 6, completed: 2, p50Us: 250_000, p99Us: 260_000 });
    expect(strataOf(run.timeline, run).map((g) => g.map((s) => s.second))).toEqual([[0, 1, 2, 3, 4, 5], [6]]);
    expect(secondsFor(PER_SECOND_FIGURES.p999!, run)).toHaveLength(7);
    expect(secondsFor(PER_SECOND_FIGURES.throughput!, run)).toHaveLength(6);
  });
});
