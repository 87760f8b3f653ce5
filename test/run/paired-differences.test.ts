import { describe, expect, it } from 'vitest';
import { interval, pairedDifferences } from '../../src/run/paired-differences.js';
import type { ArchitectureResult, TimelineSecond } from '../../src/result/types.js';

const second = (n: number, p50Us: number, p99Us: number, completed = 500): TimelineSecond =>
  ({ second: n, completed, ok: completed, errors: {}, sessionsLost: 0, updatesLost: 0, dropped: 0, p50Us, p99Us, storeP50Us: 0, byReplica: {}, faults: [] }) as TimelineSecond;
const run = (architecture: string, seconds: TimelineSecond[]): ArchitectureResult => ({ architecture, timeline: seconds }) as unknown as ArchitectureResult;

describe('paired differences of architectures measured together', () => {
  it('cancels what both seconds share: a machine slowdown in second 2 leaves the difference alone', () => {
    // Both slow down 10× in second 2; redis is 300 µs slower every second.
    const sticky = run('sticky', [second(0, 400, 4000), second(1, 410, 4100), second(2, 4000, 40_000), second(3, 405, 4050)]);
    const redis = run('redis', [second(0, 700, 4500), second(1, 710, 4600), second(2, 4300, 40_500), second(3, 705, 4550)]);
    const [p50, p99] = pairedDifferences([sticky, redis], 'sticky');
    expect(p50).toMatchObject({ architecture: 'redis', baseline: 'sticky', metric: 'p50', seconds: 4, meanUs: 300, lowUs: 300, highUs: 300, includesZero: false });
    expect(p99).toMatchObject({ metric: 'p99', meanUs: 500, includesZero: false });
  });

  it('says when the interval includes zero, and leaves out seconds with too few requests', () => {
    const sticky = run('sticky', [second(0, 400, 1), second(1, 500, 1), second(2, 450, 1), second(3, 9_999, 1, 3)]);
    const redis = run('redis', [second(0, 450, 1), second(1, 450, 1), second(2, 460, 1), second(3, 1, 1)]);
    const [p50] = pairedDifferences([sticky, redis], 'sticky');
    expect(p50.seconds).toBe(3);
    expect(p50.meanUs).toBe(3); // (50 - 50 + 10) / 3
    expect(p50.includesZero).toBe(true);
  });

  it('computes a Student t interval', () => {
    // mean 2, sd √(2/3), n 4: half width t(3) 3.182 × 0.816 / 2 = 1.30
    expect(interval([1, 2, 3, 2])).toEqual({ seconds: 4, meanUs: 2, lowUs: 1, highUs: 3, includesZero: false });
    // mean 0.5, sd 1.29: half width 2.05
    expect(interval([-1, 1, 0, 2])).toMatchObject({ lowUs: -2, highUs: 3, includesZero: true });
    expect(interval([])).toMatchObject({ seconds: 0, meanUs: null, includesZero: true });
  });
});
