import type { OpenLoad } from './load-spec.js';
import { createHistogram, recordDurationUs } from '../hdr/histogram.js';
import { WakeTimer } from '../timing/wake-timer.js';
import { createArrivalSchedule } from './arrival-schedule.js';
import { delayStatsOf, type DelayStats } from './delay-stats.js';
import type { Engine } from './engine.js';
import type { LoadRecorder } from './load-recorder.js';
import { createPacer } from './pacer.js';
import type { VirtualUser } from './virtual-user.js';

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
  /**
   * How late each request sent straight from the schedule left against its intended time, µs,
   * over the window: the generator's own lag, which the corrected latency includes. Requests
   * that waited in the backlog for a free session are not in it (that wait is the system's).
   */
  latenessUs: DelayStats;
  /** Wake-ups of the pacing timer over the whole run (warm-up included). */
  wakeUps: number;
  /** Time spent spinning to a due time after the timer woke early, ms, whole run. */
  spinMs: number;
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
  /** Shift of every arrival, ms (one of several engines: see EngineShard). */
  phaseMs = 0,
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

  const lateness = createHistogram();
  const arrive = (intendedMs: number): void => {
    const counted = intendedMs >= engine.windowStartMs && intendedMs < engine.windowEndMs;
    if (counted) dueInWindow++;
    const vu = size === 0 ? takeIdle() : undefined;
    if (vu !== undefined) {
      const sentMs = engine.issue(vu, intendedMs);
      if (counted) {
        const lateUs = Math.max(0, Math.round((sentMs - intendedMs) * 1000));
        recordDurationUs(lateness, lateUs);
        recorder.late?.(lateUs, sentMs);
      }
      makeIdle(vu); // with several tabs a session may take more
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

  const plannedMs = engine.windowEndMs - engine.windowStartMs;
  // Arrivals are numbered across warm-up and window; the sender and the timer each keep a
  // cursor: `sent` is the next arrival to send, `queued` the next to hand to the timer.
  const schedule = createArrivalSchedule(
    load.rateRps,
    load.rampToRps ?? load.rateRps,
    plannedMs,
    warmupStartMs + phaseMs,
    engine.windowStartMs + phaseMs,
  );
  let sent = 0;
  let queued = 0;
  let stopped = false;

  const queue = (): void => {
    // After a stall the sender is ahead of the timer: what it already sent needs no wake-up.
    if (queued < sent) queued = sent;
    for (let room = timer.room(); room > 0; room--) {
      const atMs = schedule.atMs(queued);
      if (atMs >= engine.windowEndMs) return;
      timer.push(atMs);
      queued++;
    }
  };

  // Woken at (never before) the next due time. Since latency counts from the intended time, a
  // late wake-up would be added to every request: setTimeout wakes up to a millisecond late
  // (about 0.7 ms on the median at 3,000/s), the wake timer within microseconds. Arrivals
  // closer than MIN_TICK_MS share a wake-up, so high rates cost a bounded number of wake-ups.
  const wake = (nowMs: number): void => {
    if (stopped) return;
    const endMs = engine.windowEndMs;
    for (;;) {
      const intendedMs = schedule.atMs(sent);
      if (intendedMs > nowMs || intendedMs >= endMs) break;
      sent++;
      arrive(intendedMs);
    }
    queue();
  };
  const timer = new WakeTimer(wake, { minGapMs: MIN_TICK_MS });
  queue();

  return {
    stop: () => {
      // The pacer's wake-up and the window's end race when the generator is held up (a busy
      // machine): arrivals due in the window that it has not sent yet go now, late, as they
      // would had the wake-up run first. Left out, they were missing from every count (open-stall
      // counted 2,996 of 3,000 beside two CPU hogs).
      wake(performance.now());
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
      targetRps: createPacer(load.rateRps, load.rampToRps ?? load.rateRps, plannedMs).meanRateRps(
        engine.windowEndMs - engine.windowStartMs,
      ),
      maxBacklog,
      latenessUs: delayStatsOf(lateness),
      wakeUps: timer.stats().wakeUps,
      spinMs: timer.stats().spinMs,
    }),
  };
}
