import { describe, expect, it } from 'vitest';
import { createPacer, type Pacer } from '../../src/load/pacer.js';

/** Intended send times of every request due before `untilMs`. */
function sendTimes(pacer: Pacer, untilMs: number): number[] {
  const times: number[] = [];
  for (let n = 0; ; n++) {
    const t = pacer.dueAtMs(n);
    if (t >= untilMs) return times;
    times.push(t);
  }
}

/** How many send times fall in each whole second [s, s + 1). */
function perSecond(times: number[], seconds: number): number[] {
  const counts = new Array<number>(seconds).fill(0);
  for (const t of times) counts[Math.floor(t / 1000)]++;
  return counts;
}

/** dueBy and dueAtMs must describe the same schedule: dueBy(t) counts exactly the sends at or before t. */
function expectConsistent(pacer: Pacer, t: number): void {
  const c = pacer.dueBy(t);
  if (c > 0) expect(pacer.dueAtMs(c - 1)).toBeLessThanOrEqual(t);
  expect(pacer.dueAtMs(c)).toBeGreaterThan(t);
}

describe('constant rate', () => {
  it('spaces consecutive sends exactly 1/rate apart, starting at 0', () => {
    for (const rps of [400, 7.3, 1, 12_345]) {
      const pacer = createPacer(rps);
      expect(pacer.dueAtMs(0)).toBe(0);
      const gapMs = 1000 / rps;
      for (let n = 0; n < 5000; n++) {
        expect(pacer.dueAtMs(n + 1) - pacer.dueAtMs(n)).toBeCloseTo(gapMs, 9);
      }
    }
  });

  it('never bunches: per-second counts differ by at most 1, and sum to rate × duration', () => {
    for (const rps of [400, 333.3, 7.3, 1000.5]) {
      const counts = perSecond(sendTimes(createPacer(rps), 10_000), 10);
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      const total = counts.reduce((a, b) => a + b, 0);
      expect(Math.abs(total - rps * 10)).toBeLessThanOrEqual(1);
      // Within any second the sends are evenly spread too: no half-second holds more than its share + 1.
      const halves = sendTimes(createPacer(rps), 10_000).reduce((acc, t) => {
        acc[Math.floor(t / 500)]++;
        return acc;
      }, new Array<number>(20).fill(0));
      expect(Math.max(...halves) - Math.min(...halves)).toBeLessThanOrEqual(1);
    }
  });

  it('dueBy counts the sends due at or before t, including the one due at t = 0', () => {
    const pacer = createPacer(400);
    expect(pacer.dueBy(-1)).toBe(0);
    // Request 0 is due at the very start; a pacer that waits one interval for it delays every
    // request by 1/rate and adds that to every corrected latency.
    expect(pacer.dueBy(0)).toBe(1);
    expect(pacer.dueBy(2.5)).toBe(2); // sends at 0 and 2.5
    expect(pacer.dueBy(2.4999)).toBe(1);
    expect(pacer.dueBy(1000)).toBe(401);
    for (const t of [0, 0.001, 1, 2.5, 2.5000001, 999.99, 1000, 12_345.678]) expectConsistent(pacer, t);
    for (let i = 0; i < 2000; i++) expectConsistent(pacer, Math.random() * 60_000);
    // Exactly at each intended time, the request is counted as due.
    for (let n = 0; n < 2000; n++) expect(pacer.dueBy(pacer.dueAtMs(n))).toBe(n + 1);
  });

  it('reports the rate asked for', () => {
    expect(createPacer(400).meanRateRps(10_000)).toBeCloseTo(400, 9);
  });
});

describe('ramping rate', () => {
  it('ramps up linearly: per-second counts follow the rate, the total equals its integral', () => {
    // 100 → 500 req/s over 10 s: second s holds ∫ = 100 + 40 (s + ½) requests; 3000 in all.
    const pacer = createPacer(100, 500, 10_000);
    const counts = perSecond(sendTimes(pacer, 10_000), 10);
    counts.forEach((count, s) => expect(Math.abs(count - (100 + 40 * (s + 0.5)))).toBeLessThanOrEqual(1));
    for (let s = 1; s < 10; s++) expect(Math.abs(counts[s] - counts[s - 1] - 40)).toBeLessThanOrEqual(2);
    expect(Math.abs(counts.reduce((a, b) => a + b, 0) - 3000)).toBeLessThanOrEqual(1);
    expect(pacer.meanRateRps(10_000)).toBeCloseTo(300, 9);
  });

  it('ramps down as smoothly, and holds the final rate after the ramp', () => {
    const pacer = createPacer(500, 100, 10_000);
    const counts = perSecond(sendTimes(pacer, 10_000), 10);
    counts.forEach((count, s) => expect(Math.abs(count - (500 - 40 * (s + 0.5)))).toBeLessThanOrEqual(1));
    // After the ramp: constant 100 req/s, sends exactly 10 ms apart.
    const after = pacer.dueBy(10_000);
    for (let n = after; n < after + 500; n++) expect(pacer.dueAtMs(n + 1) - pacer.dueAtMs(n)).toBeCloseTo(10, 6);
  });

  it('gaps shrink monotonically during a ramp up (no bursts at second boundaries)', () => {
    const pacer = createPacer(100, 500, 10_000);
    let previousGap = Number.POSITIVE_INFINITY;
    const total = pacer.dueBy(10_000) - 1;
    for (let n = 0; n < total; n++) {
      const gap = pacer.dueAtMs(n + 1) - pacer.dueAtMs(n);
      expect(gap).toBeLessThanOrEqual(previousGap + 1e-9);
      // The gap is 1/rate at that instant, within the ramp's bounds.
      expect(gap).toBeGreaterThanOrEqual(2 - 1e-9);
      expect(gap).toBeLessThanOrEqual(10 + 1e-9);
      previousGap = gap;
    }
  });

  it('keeps dueBy and dueAtMs consistent across the ramp and after it', () => {
    for (const pacer of [createPacer(100, 500, 10_000), createPacer(500, 100, 10_000), createPacer(0, 300, 5_000)]) {
      for (let i = 0; i < 3000; i++) expectConsistent(pacer, Math.random() * 20_000);
      for (let n = 0; n < 3000; n++) expect(pacer.dueBy(pacer.dueAtMs(n))).toBeGreaterThanOrEqual(n + 1);
    }
  });
});
