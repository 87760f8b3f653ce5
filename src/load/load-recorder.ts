import type { Endpoint, OutcomeKind } from './outcome.js';

/**
 * What the engine tells the recorder (src/metrics/recorder.ts implements it). Called from the
 * hot loop: positional arguments, no objects. Times are performance.now() milliseconds; the
 * engine reports only requests sent inside the measured window.
 */
export interface LoadRecorder {
  sent(nowMs: number): void;
  dropped(nowMs: number): void;
  request(
    endpoint: Endpoint,
    kind: OutcomeKind,
    latencyUs: number,
    uncorrectedUs: number,
    storeUs: number,
    replica: string | undefined,
    nowMs: number,
  ): void;
  sessionStarted(nowMs: number): void;
  /**
   * Optional: a session was opened (`delta` +1: a login succeeded) or closed (−1: logged out, or
   * lost), in warm-up as in the window: the recorder keeps the gauge of sessions held, per second.
   */
  sessions?(delta: number, nowMs: number): void;
  sessionLost(nowMs: number, itemsLost: number): void;
  updateLost(nowMs: number, items: number): void;
  /**
   * Optional: closes timeline seconds that have ended by `nowMs`. runLoad calls it a few times a
   * second during warm-up and the window, so the timeline (and live progress) moves on during a
   * total stall, when no other call arrives.
   */
  tick?(nowMs: number): void;
  /**
   * Optional: the open model sent a request straight from its schedule `lateUs` (integer µs,
   * >= 0) after its intended time, at `nowMs`: the generator's own lag, which the corrected
   * latency includes. Called once per such request inside the window; never for requests that
   * waited in the backlog for a free session (that wait is the system's, not the generator's).
   */
  late?(lateUs: number, nowMs: number): void;
}
