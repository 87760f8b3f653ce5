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
  /**
   * A session the client held was answered 401, with `itemsLost` acknowledged cart items. The
   * rest is what the client knows of the session, so the recorder can say why it was lost:
   * when its login was answered, when the last request that renewed its time to live was sent
   * and answered (SessionMix.renewal), when the request that found it gone was sent
   * (performance.now() ms, NaN when unknown), and the replica that created it (undefined when
   * unknown).
   */
  sessionLost(
    nowMs: number,
    itemsLost: number,
    loginAckMs: number,
    renewSentMs: number,
    renewAckMs: number,
    lossSentMs: number,
    home: string | undefined,
  ): void;
  /** Acknowledged cart items found lost: never seen again (see cart-checker.ts). */
  updateLost(nowMs: number, items: number): void;
  /**
   * Optional: a cart read lacked items known present before it was sent (a `stale-read`
   * outcome, recorded by `request` too): whether it broke read-your-writes, monotonic reads, or
   * both (1 or 0 each).
   */
  readAnomaly?(nowMs: number, readYourWrites: number, monotonicReads: number): void;
  /**
   * Optional: one item a read had lacked was found present again: it was stale, not lost.
   * `stalenessMs` is the time from when it was known present to the read that showed it; -1
   * when only the checkout's count showed it (no figure).
   */
  staleItem?(nowMs: number, stalenessMs: number): void;
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
