import { createPacer } from './pacer.js';

/** The open model's arrivals, warm-up and window together: request k's intended send time. */
export interface ArrivalSchedule {
  /** Intended send time of arrival `k` (0-based), performance.now() ms; increases with `k`. */
  atMs(k: number): number;
}

/**
 * Warm-up at the starting rate from `warmupStartMs`, then from `windowStartMs` a rate ramping to
 * `rampToRps` over `rampMs` (constant afterwards; the caller ends the window). Arrivals are
 * numbered across both, so a sender and a timer can each keep their own cursor. The warm-up
 * contributes only arrivals due strictly before the window: the window's first arrival is due
 * at its first instant, and keeping the warm-up's too would put two requests on one instant.
 */
export function createArrivalSchedule(
  rateRps: number,
  rampToRps: number,
  rampMs: number,
  warmupStartMs: number,
  windowStartMs: number,
): ArrivalSchedule {
  const warmup = createPacer(rateRps);
  const window = createPacer(rateRps, rampToRps, rampMs);
  const warmupMs = windowStartMs - warmupStartMs;
  let warmupCount = warmup.dueBy(warmupMs);
  while (warmupCount > 0 && warmup.dueAtMs(warmupCount - 1) >= warmupMs) warmupCount--;
  return {
    atMs(k) {
      if (k < warmupCount) return warmupStartMs + warmup.dueAtMs(k);
      return windowStartMs + window.dueAtMs(k - warmupCount);
    },
  };
}
