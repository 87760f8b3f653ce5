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
  // Compared as the times are made (start + offset), not as offsets: (start + 300) − start is not
  // always 300 in floating point, and one warm-up arrival too many would share the window's
  // first instant.
  let warmupCount = warmup.dueBy(windowStartMs - warmupStartMs) + 1;
  while (warmupCount > 0 && warmupStartMs + warmup.dueAtMs(warmupCount - 1) >= windowStartMs) warmupCount--;
  return {
    atMs(k) {
      if (k < warmupCount) return warmupStartMs + warmup.dueAtMs(k);
      return windowStartMs + window.dueAtMs(k - warmupCount);
    },
  };
}
