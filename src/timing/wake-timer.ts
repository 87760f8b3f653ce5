import { Worker } from 'node:worker_threads';

/**
 * Shared memory layout. Int32 words: the wake counter the main thread waits on, the ring's write
 * index (main), the worker's read index, an exit word, and the main thread's delivered index.
 * Float64 slots: the wake-up lead and the minimum gap between wake-ups (ms, written by the main
 * thread), then the ring of wake-up times (ms on the main thread's performance.now() clock).
 * Indices only grow (wrapping as int32); the ring size is a power of two, so `index & MASK` is
 * the slot even after a wrap.
 */
const WAKES = 0;
const WRITE = 1;
const READ = 2;
const EXIT = 3;
const DELIVERED = 4;
/** Even, so the Float64 part starts 8-byte aligned. */
const INT_WORDS = 6;
const LEAD = 0;
const MIN_GAP = 1;
const RING_AT = 2;
/** Wake-up times queued ahead; the open model keeps it topped up from its schedule. */
export const WAKE_RING_SIZE = 64;
const MASK = WAKE_RING_SIZE - 1;

/**
 * The worker sleeps in Atomics.wait (a futex with a timeout: microsecond resolution, no CPU while
 * it waits) until the next queued time minus the lead, then bumps the wake counter and notifies
 * the main thread's Atomics.waitAsync. It moves on to the next queued time by itself, so a
 * wake-up costs one sleep in the worker and one event-loop wake-up in the main thread, with no
 * round trip to re-arm it. Wake-ups are at least the minimum gap apart; times the main thread
 * has already delivered (it was late, and served several at once) are skipped. Plain
 * JavaScript, evaluated as CommonJS. `shift` turns the worker's performance.now() into the main
 * thread's: both are offsets from their thread's origin on one clock (performance.timeOrigin).
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { sab, mainOriginMs } = workerData;
const shift = performance.timeOrigin - mainOriginMs;
const i32 = new Int32Array(sab, 0, ${INT_WORDS});
const f64 = new Float64Array(sab, ${INT_WORDS * 4}, ${RING_AT + WAKE_RING_SIZE});
const now = () => performance.now() + shift;
const at = (i) => f64[${RING_AT} + (i & ${MASK})];
let lastWakeMs = -Infinity;
for (;;) {
  if (Atomics.load(i32, ${EXIT}) !== 0) break;
  const delivered = Atomics.load(i32, ${DELIVERED});
  const read0 = Atomics.load(i32, ${READ});
  const read = ((delivered - read0) | 0) > 0 ? delivered : read0;
  const write = Atomics.load(i32, ${WRITE});
  if (read === write) {
    Atomics.store(i32, ${READ}, read);
    Atomics.wait(i32, ${WRITE}, write);
    continue;
  }
  const lead = f64[${LEAD}];
  const wakeAtMs = Math.max(at(read) - lead, lastWakeMs + f64[${MIN_GAP}]);
  const waitMs = wakeAtMs - now();
  // Waiting on DELIVERED: the main thread notifies it when it served times this sleep aims at
  // (it was late), and may then reuse their slots, so the time read here may be stale.
  if (waitMs > 0) { Atomics.wait(i32, ${DELIVERED}, delivered, waitMs); continue; }
  lastWakeMs = now();
  // Past every time the main thread will serve on this wake-up (those due by its arrival).
  let r = read;
  while (r !== write && at(r) - lead <= lastWakeMs) r = (r + 1) | 0;
  Atomics.store(i32, ${READ}, r);
  Atomics.add(i32, ${WAKES}, 1);
  Atomics.notify(i32, ${WAKES});
}
`;

type WaitAsync = (
  ta: Int32Array,
  index: number,
  value: number,
) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/** Bounds of the learnt lead: never woken more than this early, and so never spinning longer. */
const MAX_LEAD_MS = 0.3;
/** Step of the lead controller per wake-up, ms: 100 µs of wake-up delay is learnt in ~80 wake-ups. */
const LEAD_STEP_MS = 0.005;
/** Clock offset between threads and rounding: an arrival earlier than lead + this is stale. */
const STALE_MARGIN_MS = 0.05;
/**
 * Share of wake-ups the controller lets arrive early (then spun away on the main thread). A
 * sleep ends up to the kernel's timer slack (50 µs) late, plus the thread hand-over: waking
 * that much early is what puts sends on time. With a quarter of wake-ups early, the spinning is
 * short (the early ones are early by a few µs: ~2 µs per wake-up on a busy machine; a spin also
 * allocates, since every clock read does), and the median lateness is the spread of the wake-up
 * delay between its 25th and 50th percentiles, not its mean: a few µs on a quiet machine. (A
 * tenth early doubled the median lateness on a busy machine, to ~40 µs.)
 */
const EARLY_SHARE = 0.25;

export interface WakeTimerOptions {
  /** Queued times closer together than this are served by one wake-up, ms. */
  minGapMs: number;
}

/** What a timer has cost and how it did, for the open model's statistics. */
export interface WakeTimerStats {
  /** Wake-ups of the main thread. */
  wakeUps: number;
  /** Main-thread time spent spinning to a due time after an early wake-up, ms. */
  spinMs: number;
  /** Current lead, ms. */
  leadMs: number;
}

/**
 * Wakes the main thread at (never before) each time pushed, with microsecond resolution.
 * Node's setTimeout rounds to whole milliseconds and fires up to a millisecond late; spinning
 * would burn a core the servers need; so a worker thread sleeps in Atomics.wait and notifies
 * the main thread's Atomics.waitAsync. To arrive on time despite the wake-up's own delay, the
 * worker wakes `lead` early and the main thread spins the last few microseconds; the lead is
 * learnt from the wake-ups (see {@link EARLY_SHARE}).
 *
 * Times are `performance.now()` ms of the main thread and must be pushed in non-decreasing
 * order. A pending Atomics.waitAsync does not keep the process alive, nor does the worker.
 */
export class WakeTimer {
  private readonly worker: Worker;
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  /** Next ring index to write (mirrors i32[WRITE]). */
  private write = 0;
  /** Next ring index not yet delivered to `onWake` (the main thread's own cursor). */
  private delivered = 0;
  private seen = 0;
  private closed = false;
  private leadMs = 0;
  private wakeUps = 0;
  private spinMs = 0;

  /**
   * `onWake(nowMs)` runs on the main thread at or after the earliest pushed time not yet
   * delivered, once for all pushed times due by `nowMs`.
   */
  constructor(
    private readonly onWake: (nowMs: number) => void,
    opts: WakeTimerOptions,
  ) {
    const sab = new SharedArrayBuffer(INT_WORDS * 4 + (RING_AT + WAKE_RING_SIZE) * 8);
    this.i32 = new Int32Array(sab, 0, INT_WORDS);
    this.f64 = new Float64Array(sab, INT_WORDS * 4, RING_AT + WAKE_RING_SIZE);
    this.f64[MIN_GAP] = opts.minGapMs;
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { sab, mainOriginMs: performance.timeOrigin } });
    this.worker.unref();
    this.listen();
    // Until the worker runs (tens to hundreds of milliseconds on a busy machine), times due are
    // served from a millisecond timer, so the first arrivals are not held back by its start.
    this.worker.once('online', () => {
      clearTimeout(this.bootTimer);
      this.bootTimer = undefined;
    });
    this.bootTimer = setTimeout(this.boot, 0);
  }

  /** How many more times can be pushed now. */
  room(): number {
    // A slot is free once the main thread has served it. The worker may not have passed it yet
    // (the main thread was late and served several at once): it skips to what was served, and is
    // notified in fire(), so a time it read from a reused slot never makes it oversleep.
    return WAKE_RING_SIZE - ((this.write - this.delivered) | 0);
  }

  /** Queues a wake-up at `atMs` (main thread's performance.now(), not before the last pushed). */
  push(atMs: number): void {
    if (this.closed) return;
    this.f64[RING_AT + (this.write & MASK)] = atMs;
    this.write = (this.write + 1) | 0;
    Atomics.store(this.i32, WRITE, this.write);
    // Only a worker that found the ring empty is waiting on WRITE: any other notify is free.
    Atomics.notify(this.i32, WRITE);
  }

  /** The earliest pushed time not yet delivered, or +Infinity. */
  nextMs(): number {
    return this.delivered === this.write ? Number.POSITIVE_INFINITY : this.f64[RING_AT + (this.delivered & MASK)];
  }

  stats(): WakeTimerStats {
    return { wakeUps: this.wakeUps, spinMs: this.spinMs, leadMs: this.leadMs };
  }

  close(): Promise<number> {
    this.closed = true;
    clearTimeout(this.bootTimer);
    Atomics.store(this.i32, EXIT, 1);
    Atomics.notify(this.i32, EXIT);
    Atomics.notify(this.i32, WRITE);
    Atomics.notify(this.i32, DELIVERED);
    return this.worker.terminate();
  }

  private listen(): void {
    const r = waitAsync(this.i32, WAKES, this.seen);
    if (r.async) r.value.then(this.woken, this.woken);
    else queueMicrotask(this.woken);
  }

  private bootTimer: NodeJS.Timeout | undefined;
  private readonly boot = (): void => {
    if (this.closed || this.bootTimer === undefined) return;
    const nowMs = performance.now();
    if (this.delivered !== this.write && this.f64[RING_AT + (this.delivered & MASK)] <= nowMs) this.deliver(nowMs);
    if (this.bootTimer !== undefined) this.bootTimer = setTimeout(this.boot, 1);
  };

  private readonly woken = (): void => {
    if (this.closed) return;
    this.seen = Atomics.load(this.i32, WAKES);
    try {
      this.fire();
    } finally {
      if (!this.closed) this.listen();
    }
  };

  private fire(): void {
    if (this.delivered === this.write) return;
    const dueMs = this.f64[RING_AT + (this.delivered & MASK)];
    let nowMs = performance.now();
    const earlyMs = dueMs - nowMs;
    // A wake-up for a time already served (the main thread was late and served several): the
    // worker wakes again for what is left.
    if (earlyMs > MAX_LEAD_MS + STALE_MARGIN_MS) return;
    // Learn the lead: a quantile estimate that leaves EARLY_SHARE of wake-ups early.
    if (earlyMs > 0) this.leadMs -= LEAD_STEP_MS * (1 - EARLY_SHARE);
    else this.leadMs += LEAD_STEP_MS * EARLY_SHARE;
    this.leadMs = Math.min(MAX_LEAD_MS, Math.max(0, this.leadMs));
    this.f64[LEAD] = this.leadMs;
    if (earlyMs > 0) {
      // Woken by the lead: spin the last microseconds rather than sleep again, since a sleep
      // would end up to the timer slack (50 µs) late.
      while ((nowMs = performance.now()) < dueMs);
      this.spinMs += earlyMs + (nowMs - dueMs);
    }
    this.deliver(nowMs);
  }

  /** Serves every time due by `nowMs`. */
  private deliver(nowMs: number): void {
    this.wakeUps++;
    while (this.delivered !== this.write && this.f64[RING_AT + (this.delivered & MASK)] <= nowMs) {
      this.delivered = (this.delivered + 1) | 0;
    }
    Atomics.store(this.i32, DELIVERED, this.delivered);
    // Served more than the worker woke for (this wake-up came late): the worker may be asleep
    // towards a time already served, in a slot that may now be reused. Wake it to re-plan.
    if (((this.delivered - Atomics.load(this.i32, READ)) | 0) > 0) Atomics.notify(this.i32, DELIVERED);
    this.onWake(nowMs);
  }
}
