import type { OpenLoad } from './load-spec.js';
import type { Engine } from './engine.js';
import type { LoadRecorder } from './load-recorder.js';
import { createPacer, type Pacer } from './pacer.js';
import type { VirtualUser } from './virtual-user.js';
import { PreciseTimer } from '../timing/precise-timer.js';

/** Requests due closer together than this are sent on one wake-up (at most 10,000 wake-ups/s). */
const MIN_TICK_MS = 0.1;

/** Counters the runner reports beside the target rate. */
export interface OpenModelStats {
  /** Due inside the measured window. */
  due: number;
  dropped: number;
  /** Mean rate asked for over the window, req/s. */
  targetRps: number;
  /** Most requests that waited for a free session at once. */
  maxBacklog: number;
}

/**
 * Requests arrive at a target rate whatever the system does (wrk2's model). Each is due at a
 * computed instant; its latency counts from that instant, so a stall shows in the percentiles.
 * A due request takes a free session; when none is free it waits in a bounded backlog (its
 * clock already running), and beyond that it is dropped and counted.
 *
 * `stop()` ends arrivals and returns how many counted requests were still in the backlog, never
 * sent: they are recorded as sent, and the caller must report them as unfinished.
 */
export function startOpenModel(
  engine: Engine,
  load: OpenLoad,
  recorder: LoadRecorder,
  warmupStartMs: number,
): { stop: () => number; stats: () => OpenModelStats } {
  // Idle sessions wait in a first-in-first-out ring, so arrivals are spread over the whole
  // pool: every session advances slowly, as many users browsing at once do. A stack would hand
  // nearly every request to the same few sessions, and a fault would meet only those few users.
  const users = engine.users.length;
  const idle: (VirtualUser | undefined)[] = new Array(users);
  let idleHead = 0;
  let idleSize = 0;
  const makeIdle = (vu: VirtualUser): void => {
    if (!vu.idle && vu.canIssue()) {
      vu.idle = true;
      idle[(idleHead + idleSize) % users] = vu; // a user is queued at most once: never overflows
      idleSize++;
    }
  };
  for (let i = 0; i < users; i++) makeIdle(engine.users[i]);

  // Backlog of intended send times: a ring buffer, so a long stall allocates nothing. Its
  // capacity is the user's bound, which may be 0 (drop whatever finds no free session); the
  // array only needs one slot to exist.
  const capacity = Math.max(0, load.maxBacklog);
  const backlog = new Float64Array(Math.max(1, capacity));
  let head = 0;
  let size = 0;
  let maxBacklog = 0;
  let dueInWindow = 0;
  let dropped = 0;

  /** Takes an idle user that can still send, or undefined. */
  const takeIdle = (): VirtualUser | undefined => {
    while (idleSize > 0) {
      const vu = idle[idleHead]!;
      idle[idleHead] = undefined;
      idleHead = (idleHead + 1) % users;
      idleSize--;
      vu.idle = false;
      if (vu.canIssue()) return vu;
    }
    return undefined;
  };

  const send = (vu: VirtualUser, intendedMs: number): void => {
    engine.issue(vu, intendedMs);
    makeIdle(vu); // with several tabs a session may take more
  };

  const arrive = (intendedMs: number): void => {
    const counted = intendedMs >= engine.windowStartMs && intendedMs < engine.windowEndMs;
    if (counted) dueInWindow++;
    const vu = size === 0 ? takeIdle() : undefined;
    if (vu !== undefined) {
      const nowMs = performance.now();
      recorder.late?.(Math.max(0, nowMs - intendedMs) * 1000, nowMs);
      send(vu, intendedMs);
    } else if (size < capacity) {
      backlog[(head + size) % backlog.length] = intendedMs;
      size++;
      if (size > maxBacklog) maxBacklog = size;
    } else if (counted) {
      dropped++;
      recorder.dropped(intendedMs);
    }
  };

  engine.onUserFree = (vu: VirtualUser) => {
    while (size > 0 && vu.canIssue()) {
      const intendedMs = backlog[head];
      head = (head + 1) % backlog.length;
      size--;
      engine.issue(vu, intendedMs);
    }
    makeIdle(vu);
  };

  // Warm-up at the starting rate, then the measured window's (possibly ramping) pacer.
  const warmupPacer = createPacer(load.rateRps);
  const windowPacer = createPacer(load.rateRps, load.rampToRps ?? load.rateRps, engine.windowEndMs - engine.windowStartMs);
  let pacer: Pacer = warmupPacer;
  let pacerStartMs = warmupStartMs;
  let n = 0;
  let stopped = false;
  const timer = new PreciseTimer(() => tick());

  const tick = (): void => {
    if (stopped) return;
    const now = performance.now();
    if (pacer === warmupPacer && now >= engine.windowStartMs) {
      // Requests due in warm-up but not yet sent are sent first; then the window's clock starts.
      // Only those due strictly before the window: the window's pacer sends the one due at its
      // first instant, and sending the warm-up's too would put two requests on the same instant.
      const due = warmupPacer.dueBy(engine.windowStartMs - pacerStartMs);
      for (; n < due; n++) {
        const intendedMs = pacerStartMs + warmupPacer.dueAtMs(n);
        if (intendedMs >= engine.windowStartMs) break;
        arrive(intendedMs);
      }
      pacer = windowPacer;
      pacerStartMs = engine.windowStartMs;
      n = 0;
    }
    const limit = Math.min(now, engine.windowEndMs) - pacerStartMs;
    const due = pacer.dueBy(limit);
    while (n < due) {
      const intendedMs = pacerStartMs + pacer.dueAtMs(n++);
      if (intendedMs >= engine.windowEndMs) break;
      arrive(intendedMs);
    }
    if (now >= engine.windowEndMs) return;
    // Sleep until the next request is due. setTimeout would wake up to a millisecond late, and
    // since latency counts from the intended time, that lateness would be added to every
    // request (about 0.7 ms on the median at 3,000/s): a sub-millisecond timer keeps the
    // generator's own lag out of the numbers. Wake-ups closer than MIN_TICK_MS are batched, so
    // high rates cost a bounded number of wake-ups per second.
    const nextMs = Math.min(pacerStartMs + pacer.dueAtMs(n), engine.windowEndMs);
    timer.arm(performance.timeOrigin + Math.max(nextMs, performance.now() + MIN_TICK_MS));
  };
  tick();

  return {
    stop: () => {
      stopped = true;
      void timer.close();
      // Still waiting for a session when the window closed: due, never sent, so unfinished.
      // The caller adds them to the engine's in-flight count, or sent ≠ completed + unfinished.
      let unsent = 0;
      for (; size > 0; size--, head = (head + 1) % backlog.length) {
        const intendedMs = backlog[head];
        if (intendedMs >= engine.windowStartMs && intendedMs < engine.windowEndMs) {
          recorder.sent(intendedMs);
          unsent++;
        }
      }
      return unsent;
    },
    stats: () => ({
      due: dueInWindow,
      dropped,
      targetRps: windowPacer.meanRateRps(engine.windowEndMs - engine.windowStartMs),
      maxBacklog,
    }),
  };
}
