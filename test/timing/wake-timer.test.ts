import { afterEach, describe, expect, it } from 'vitest';
import { WAKE_RING_SIZE, WakeTimer } from '../../src/timing/wake-timer.js';

let timer: WakeTimer | undefined;
afterEach(async () => {
  await timer?.close();
  timer = undefined;
});

/** Pushes `times` as room allows; resolves with every wake-up (and what it served) once all are served. */
function run(times: number[], minGapMs: number, busyMs = (_wake: number) => 0): Promise<{ nowMs: number; served: number[] }[]> {
  return new Promise((resolve) => {
    const wakes: { nowMs: number; served: number[] }[] = [];
    let queued = 0;
    let served = 0;
    const queue = (t: WakeTimer): void => {
      for (let room = t.room(); room > 0 && queued < times.length; room--) t.push(times[queued++]);
    };
    // Keeps the process alive: a pending Atomics.waitAsync does not.
    const keepAlive = setInterval(() => {}, 1000);
    timer = new WakeTimer((nowMs) => {
      const now: number[] = [];
      while (served < times.length && times[served] <= nowMs) now.push(times[served++]);
      wakes.push({ nowMs, served: now });
      for (const until = performance.now() + busyMs(wakes.length); performance.now() < until; ); // a slow main thread
      queue(timer!);
      if (served === times.length) {
        clearInterval(keepAlive);
        resolve(wakes);
      }
    }, { minGapMs });
    queue(timer);
  });
}

describe('WakeTimer', () => {
  it('wakes at, never before, each queued time, more of them than its ring holds', async () => {
    const start = performance.now() + 20;
    const times = Array.from({ length: WAKE_RING_SIZE * 3 }, (_, i) => start + i * 1.5);
    const wakes = await run(times, 0.1);
    for (const w of wakes) for (const t of w.served) expect(w.nowMs).toBeGreaterThanOrEqual(t);
    expect(wakes.flatMap((w) => w.served)).toEqual(times);
    // 1.5 ms apart: each its own wake-up on a quiet machine; a busy one serves several at once
    // after a stall, so only a loose bound here (the pacing bench reports wake-ups per request).
    expect(wakes.length).toBeGreaterThan(10);
    const stats = timer!.stats();
    expect(stats.wakeUps).toBe(wakes.length);
    expect(stats.leadMs).toBeGreaterThanOrEqual(0);
    expect(stats.leadMs).toBeLessThanOrEqual(0.3);
  });

  it('serves times closer than the minimum gap on one wake-up', async () => {
    const start = performance.now() + 20;
    // Bursts of 5 times 0.01 ms apart, bursts 5 ms apart: one wake-up per burst at most twice.
    const times = Array.from({ length: 50 }, (_, i) => start + Math.floor(i / 5) * 5 + (i % 5) * 0.01);
    const wakes = await run(times, 0.2);
    expect(wakes.flatMap((w) => w.served)).toEqual(times);
    expect(wakes.length).toBeLessThanOrEqual(20);
  });

  it('keeps up when the main thread is slower than the times it serves, or stalls for longer than its ring holds', async () => {
    const start = performance.now() + 20;
    const times = Array.from({ length: WAKE_RING_SIZE * 8 }, (_, i) => start + i * 0.2);
    // 3 ms per wake-up, and once 40 ms (a GC pause, a descheduled process): the 64 queued
    // times (12.8 ms) are all served at once, and their slots reused before the worker passed them.
    const wakes = await run(times, 0.1, (n) => (n === 5 ? 40 : 3));
    expect(wakes.flatMap((w) => w.served)).toEqual(times);
    const lastMs = wakes[wakes.length - 1].nowMs;
    // 0.2 ms apart and 3 ms per wake-up: about 15 per wake-up, none waiting for a stalled timer.
    expect(lastMs - times[times.length - 1]).toBeLessThan(500);
  });

  it('serves a time already past at once', async () => {
    const t0 = performance.now();
    const wakes = await run([t0 - 5, t0 - 1], 0.1);
    expect(wakes[0].served).toEqual([t0 - 5, t0 - 1]);
    expect(wakes[0].nowMs - t0).toBeLessThan(500);
  });
});
