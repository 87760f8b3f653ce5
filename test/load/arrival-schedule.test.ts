import { describe, expect, it } from 'vitest';
import { createArrivalSchedule } from '../../src/load/arrival-schedule.js';

describe('arrival schedule', () => {
  it('numbers warm-up and window arrivals in one sequence, nothing twice at the window start', () => {
    // 100/s: warm-up from 0 to 1000 ms holds arrivals at 0, 10 … 990; the window's first is at 1000.
    const s = createArrivalSchedule(100, 100, 2000, 0, 1000);
    const times = Array.from({ length: 120 }, (_, k) => s.atMs(k));
    expect(times[0]).toBe(0);
    expect(times[99]).toBeCloseTo(990, 9);
    expect(times[100]).toBe(1000);
    expect(times[101]).toBeCloseTo(1010, 9);
    for (let k = 1; k < times.length; k++) expect(times[k]).toBeGreaterThan(times[k - 1]);
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
