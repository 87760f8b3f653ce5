/**
 * When the open model's requests are due. Send times are computed, not timed: the n-th request
 * is due when the integral of the rate reaches n, so pacing is as smooth as the rate itself and
 * never bunches into once-per-second bursts (autocannon's flaw), whatever the timer resolution.
 */
export interface Pacer {
  /** Intended send time of request `n` (0-based), in ms from the pacer's start. */
  dueAtMs(n: number): number;
  /**
   * How many requests are due by `elapsedMs`, inclusive: `dueAtMs(count - 1) <= elapsedMs < dueAtMs(count)`
   * (so 1 at 0 ms: the first request is due at the start).
   */
  dueBy(elapsedMs: number): number;
  /** Mean rate asked for over the first `elapsedMs`, in requests per second. */
  meanRateRps(elapsedMs: number): number;
}

/**
 * A rate ramping linearly from `fromRps` to `toRps` over `rampMs`, constant afterwards
 * (a constant rate when they are equal). Times are in ms from the start of the ramp.
 */
export function createPacer(fromRps: number, toRps: number = fromRps, rampMs = 0): Pacer {
  const a = fromRps / 1000; // requests per ms at t = 0
  const slope = rampMs > 0 ? (toRps - fromRps) / 1000 / rampMs : 0; // change of rate per ms
  const rampCount = rampMs > 0 ? a * rampMs + (slope * rampMs * rampMs) / 2 : 0;
  const b = (rampMs > 0 ? toRps : fromRps) / 1000; // rate after the ramp, per ms

  /** Requests due by t: the integral of the rate. */
  const count = (t: number): number => {
    if (t <= 0) return 0;
    if (t <= rampMs) return a * t + (slope * t * t) / 2;
    return rampCount + b * (t - rampMs);
  };

  return {
    // Request n is due when count(t) = n, so request 0 is due at t = 0 and by t the requests
    // 0..floor(count(t)) are due: one more than the integral. Counting only floor(count(t))
    // would send every request one interval late (1/rate added to every corrected latency).
    // The epsilon absorbs rounding, so that dueBy(dueAtMs(n)) is n + 1.
    dueBy: (elapsedMs) => (elapsedMs < 0 ? 0 : Math.floor(count(elapsedMs) + 1e-9) + 1),
    dueAtMs(n) {
      // Solve count(t) = n: request n (0-based) is due when n requests have already been due.
      if (n <= 0) return 0;
      if (n <= rampCount) {
        // The root of slope/2 t² + a t − n = 0, written 2n / (a + √(a² + 2 slope n)) rather than
        // (−a + √…) / slope: no cancellation when the ramp is gentle, and exact (n / a) when flat.
        return (2 * n) / (a + Math.sqrt(a * a + 2 * slope * n));
      }
      return rampMs + (n - rampCount) / b;
    },
    meanRateRps: (elapsedMs) => (elapsedMs > 0 ? (count(elapsedMs) / elapsedMs) * 1000 : fromRps),
  };
}
