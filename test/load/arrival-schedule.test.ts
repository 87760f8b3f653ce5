import { describe, expect, it } from 'vitest';
import { createArrivalSchedule } from '../../src/load/arrival-schedule.js';

describe('arrival schedule', () => {
  it('numbers warm-up and window arrivals in one sequence, nothing twice at the window start', () => {
    // 100/s after a 1 s warm-up ramping from 10/s to 100/s over its first 500 ms (27.5 arrivals
    // there), then 100/s: 78 arrivals due before 1000 ms, the last at 995; shifted 5 ms earlier
    // onto the window's lattice (the last at 990), the first, at 0 − 5, is left out.
    const s = createArrivalSchedule(100, 100, 2000, 0, 1000);
    const times = Array.from({ length: 120 }, (_, k) => s.atMs(k));
    const warmup = times.filter((t) => t < 1000);
    expect(warmup.length).toBe(77);
    expect(times[0]).toBeGreaterThan(0);
    expect(times[76]).toBeCloseTo(990, 9);
    expect(times[warmup.length]).toBe(1000);
    expect(times[warmup.length + 1]).toBeCloseTo(1010, 9);
    for (let k = 1; k < times.length; k++) expect(times[k]).toBeGreaterThan(times[k - 1]);
  });

  it('ramps the warm-up up to the starting rate over its first half, then holds it', () => {
    const s = createArrivalSchedule(1000, 1000, 2000, 0, 4000);
    const gapAt = (ms: number): number => {
      let k = 0;
      while (s.atMs(k) < ms) k++;
      return s.atMs(k + 1) - s.atMs(k);
    };
    expect(gapAt(0)).toBeGreaterThan(5); // about 100/s at first
    expect(gapAt(1000)).toBeCloseTo(1000 / 550, 1); // halfway up the ramp: 550/s
    expect(gapAt(3000)).toBeCloseTo(1, 6); // the starting rate for the second half
  });

  it('never puts a warm-up arrival on the window\'s first instant, whatever the floating-point start', () => {
    // (start + 300) − start > 300 for each of these.
    for (const start of [3867.894333609212, 32560.722199582215, 65303.3035938146, 0.1]) {
      const windowStart = start + 300;
      const s = createArrivalSchedule(20, 20, 2000, start, windowStart);
      const inWindow = Array.from({ length: 100 }, (_, k) => s.atMs(k)).filter((t) => t >= windowStart && t < windowStart + 2000);
      expect(inWindow.length).toBe(40);
      expect(new Set(inWindow).size).toBe(40);
    }
  });

  it('ramps in the window and has no warm-up arrivals without a warm-up', () => {
    const s = createArrivalSchedule(100, 300, 1000, 500, 500);
    expect(s.atMs(0)).toBe(500);
    // The rate doubles on average over the ramp (100 → 300): 200 arrivals in its 1000 ms.
    expect(s.atMs(200)).toBeCloseTo(1500, 6);
    expect(s.atMs(201) - s.atMs(200)).toBeCloseTo(1000 / 300, 6);
  });
});
