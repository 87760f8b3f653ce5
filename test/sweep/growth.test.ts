import { describe, expect, test } from 'vitest';
import { classify, failureOf, sweepGrowth } from '../../src/sweep/growth.js';
import { fitLine } from '../../src/sweep/linear-fit.js';
import { SIZE_KIB as kib, SIZE_SWEEP as SIZE, syntheticSweep } from './synthetic-sweep.js';

describe('the slope fit', () => {
  test('a least-squares line: exact on points of a line, and its r² on scattered ones', () => {
    expect(fitLine([{ x: 0, y: 100 }, { x: 2, y: 124 }, { x: 8, y: 196 }])).toEqual({ slope: 12, intercept: 100, r2: 1, points: 3 });
    // y = 1, 3, 2, 4 at x = 1..4: slope 0.8, intercept 0.5; residuals −0.3, 0.9, −0.9, 0.3, so r² = 1 − 1.8 / 5.
    const fit = fitLine([{ x: 1, y: 1 }, { x: 2, y: 3 }, { x: 3, y: 2 }, { x: 4, y: 4 }])!;
    expect(fit.slope).toBeCloseTo(0.8, 12);
    expect(fit.intercept).toBeCloseTo(0.5, 12);
    expect(fit.r2).toBeCloseTo(0.64, 12);
    expect(fitLine([{ x: 3, y: 1 }, { x: 3, y: 2 }])).toBeUndefined();
    expect(fitLine([{ x: 1, y: 5 }])).toBeUndefined();
  });

  test('linear, flat, not linear, too few', () => {
    const line = classify([{ x: 0, y: 100 }, { x: 1024, y: 112 }, { x: 4096, y: 148 }, { x: 8192, y: 196 }], 1024, 5);
    expect(line).toMatchObject({ verdict: 'linear', r2: 1, points: 4, fromValue: 100, toValue: 196 });
    expect(line.slopePerStep).toBeCloseTo(12, 10);
    // 5% of the mean over the whole range: noise, not growth.
    expect(classify([{ x: 0, y: 400 }, { x: 8192, y: 420 }, { x: 4096, y: 390 }], 1024, 20).verdict).toBe('flat');
    // Grows a lot, but a step, not a line.
    expect(classify([{ x: 1, y: 100 }, { x: 2, y: 100 }, { x: 3, y: 100 }, { x: 4, y: 1000 }], 1, 20)).toMatchObject({ verdict: 'not-linear' });
    expect(classify([{ x: 1, y: 100 }], 1, 20)).toMatchObject({ verdict: 'too-few', slopePerStep: null });
  });
});


describe('growth along a swept session size', () => {
  const sweep = syntheticSweep(SIZE, (i, arch) => {
    if (arch === 'redis') return { p50: 300 + 7 * kib[i], cpuUs: 80 + 2.5 * kib[i], bytes: Math.round(600 + 2 * 1024 * kib[i]) };
    if (arch === 'sticky') return { p50: [250, 262, 244, 255][i], cpuUs: 60, bytes: 600 };
    // The cookie passes 4 KiB from 512B: its adds are refused with 413.
    return i === 0 ? { p50: 270, cpuUs: 70, bytes: 1500 } : { p50: 280, failed413: [0, 310, 420, 430][i] };
  });
  const growth = sweepGrowth(sweep);
  const fit = (arch: string, metric: string) => growth.fits.find((f) => f.architecture === arch && f.metric === metric)!;

  test('slopes are per KiB of session (adds × payload), exact on synthetic points', () => {
    expect(fit('redis', 'p50')).toMatchObject({ verdict: 'linear', stepWords: 'KiB of session', points: 4, r2: 1, failedAt: [] });
    expect(fit('redis', 'p50').slopePerStep).toBeCloseTo(7, 9);
    expect(fit('redis', 'cpu').slopePerStep).toBeCloseTo(2.5, 9);
    expect(fit('redis', 'bytes').slopePerStep).toBeCloseTo(2048, 0);
    expect(fit('sticky', 'p50').verdict).toBe('flat');
    expect(fit('sticky', 'cpu').verdict).toBe('flat');
  });

  test('a value where an architecture fails is marked and left out of the fit', () => {
    expect(fit('cookie', 'p50')).toMatchObject({ verdict: 'too-few', points: 1, failedAt: ['512B', '2KiB', '8KiB'] });
    expect(failureOf(sweep.points[3].run.architectures.find((a) => a.architecture === 'cookie')!)).toBe('413 on 43% of requests');
    // One failure in a thousand is a figure, not a failure.
    const few = syntheticSweep(SIZE, () => ({ p50: 100, failed413: 1 }));
    expect(sweepGrowth(few).fits.every((f) => f.failedAt.length === 0)).toBe(true);
  });
});

describe('memory per session', () => {
  test('the holder\'s growth fitted against the sessions held: what is not sessions goes to the intercept', () => {
    const held = [200, 1000, 2000];
    const sweep = syntheticSweep(`name: sessions
architectures: [sticky, redis, cookie]
load: {model: open, rate: 500/s}
sweep:
  load.sessions: [200, 1000, 2000]
`, (i, arch) => {
      if (arch === 'cookie') return { p50: 100, memory: { holder: 'client', sessionsHeld: held[i] } };
      if (arch === 'sticky') {
        // 6 MB of heap warming up whatever the sessions, then 9000 bytes each.
        const growth = 6_000_000 + 9000 * held[i];
        return { p50: 100, memory: { holder: 'replicas', sessionsHeld: held[i], replicas: [{ replica: 'replica-1', beforeBytes: 50e6, afterBytes: 50e6 + growth }], bytesPerSession: Math.round(growth / held[i]) } };
      }
      const growth = 1500 * held[i];
      return { p50: 100, memory: { holder: 'store', sessionsHeld: held[i], store: { measure: 'used_memory (INFO memory)', beforeBytes: 1e6, afterBytes: 1e6 + growth, sessions: held[i] }, bytesPerSession: 1500 } };
    });
    const { memory } = sweepGrowth(sweep);
    expect(memory.map((m) => [m.architecture, m.holder, m.measure, m.bytesPerSession])).toEqual([
      ['sticky', 'replicas', 'RSS of the replicas', 9000],
      ['redis', 'store', 'used_memory (INFO memory)', 1500],
    ]);
    // Per point, growth ÷ sessions is an upper bound: the warm-up is in it.
    expect(memory[0].perPoint).toEqual([39000, 15000, 12000]);
    expect(memory[0].sessionsHeld).toEqual(held);
  });
});
