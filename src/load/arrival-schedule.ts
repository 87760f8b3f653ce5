import { createPacer } from './pacer.js';

/** The open model's arrivals, warm-up and window together: request k's intended send time. */
export interface ArrivalSchedule {
  /** Intended send time of arrival `k` (0-based), performance.now() ms; increases with `k`. */
  atMs(k: number): number;
}

/**
 * The warm-up starts at this share of the starting rate and reaches it after this share of the
 * warm-up. A cold system (replicas' code not yet compiled by the JIT, a store's fresh backends)
 * has less capacity in its first second than later: PostgreSQL behind three replicas completed
 * 1,750 requests in the first second of a closed run and 4,200 by the fifth here. Met at the full
 * rate from the first instant, it fell behind during the warm-up and was still catching up
 * when measurement began (the first measured second completed 135–976 of 2,000 in three runs,
 * p99 up to a second). Ramping up, as load testers do (k6's ramping-arrival-rate), lets the
 * capacity grow with the load; the second half at the full rate is the steady state the window
 * continues.
 */
const WARMUP_START_SHARE = 0.1;
const WARMUP_RAMP_SHARE = 0.5;

/**
 * Warm-up from `warmupStartMs`, ramping up to the starting rate (see WARMUP_START_SHARE), then
 * from `windowStartMs` a rate ramping to `rampToRps` over `rampMs` (constant afterwards; the
 * caller ends the window). Arrivals are numbered across both, so a sender and a timer can each
 * keep their own cursor. The warm-up contributes only arrivals due strictly before the window:
 * the window's first arrival is due at its first instant, and keeping the warm-up's too would
 * put two requests on one instant.
 */
export function createArrivalSchedule(
  rateRps: number,
  rampToRps: number,
  rampMs: number,
  warmupStartMs: number,
  windowStartMs: number,
): ArrivalSchedule {
  const warmupMs = windowStartMs - warmupStartMs;
  const warmup = createPacer(rateRps * WARMUP_START_SHARE, rateRps, warmupMs * WARMUP_RAMP_SHARE);
  const window = createPacer(rateRps, rampToRps, rampMs);
  // Compared as the times are made (start + offset), not as offsets: (start + 300) − start is not
  // always 300 in floating point, and one warm-up arrival too many would share the window's
  // first instant.
  let warmupCount = warmup.dueBy(warmupMs) + 1;
  while (warmupCount > 0 && warmupStartMs + warmup.dueAtMs(warmupCount - 1) >= windowStartMs) warmupCount--;
  // The ramp puts the warm-up's last arrival anywhere in the last interval before the window.
  // Shifted (by less than one interval) to exactly one interval before the window's first, the
  // warm-up continues the window's lattice: engines whose schedules are shifted by a fraction of
  // an interval (EngineShard) then each still count exactly their share of the window.
  const shiftMs = warmupCount > 0 ? windowStartMs - 1000 / rateRps - (warmupStartMs + warmup.dueAtMs(warmupCount - 1)) : 0;
  // Moved earlier (a warm-up of two intervals or more), the first arrival, due at the warm-up's
  // start, would precede it: it is left out.
  const skipped = warmupCount > 0 && shiftMs < 0 ? 1 : 0;
  const warmupArrivals = warmupCount - skipped;
  return {
    atMs(k) {
      if (k < warmupArrivals) return warmupStartMs + warmup.dueAtMs(k + skipped) + shiftMs;
      return windowStartMs + window.dueAtMs(k - warmupArrivals);
    },
  };
}
