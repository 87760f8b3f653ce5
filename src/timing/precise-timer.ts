import { Worker } from 'node:worker_threads';

/**
 * The worker: sleeps in Atomics.wait (a futex, microsecond resolution) until the due time the
 * main thread last published, then posts a message. Plain JavaScript, evaluated as CommonJS.
 * ctl[0] is a generation counter bumped on every new due time (-1: exit); due[0] is the due time
 * in ms on the shared clock `performance.timeOrigin + performance.now()`.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ctl = new Int32Array(workerData, 0, 1);
const due = new Float64Array(workerData, 8, 1);
const now = () => performance.timeOrigin + performance.now();
for (;;) {
  const gen = Atomics.load(ctl, 0);
  if (gen < 0) break;
  const at = due[0];
  const waitMs = at - now();
  if (!Number.isFinite(at)) { Atomics.wait(ctl, 0, gen); continue; }
  if (waitMs > 0) { Atomics.wait(ctl, 0, gen, waitMs); continue; }
  parentPort.postMessage(gen);
  // Fired: sleep until the main thread publishes the next due time.
  Atomics.wait(ctl, 0, gen);
}
`;

/** Bounds of the learnt wake-up lead: never more than this early, however late fires were. */
const MAX_LEAD_MS = 0.5;
const LEAD_GAIN = 0.1;

/** Milliseconds on a clock that the main thread and the worker share. */
export function clockMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * One re-armable timer with sub-millisecond resolution. Node's setTimeout rounds to whole
 * milliseconds and fires up to a millisecond late, which would turn a 0.25 ms proxy delay into
 * 1–2 ms; spinning on setImmediate instead would burn a core the replicas need. A worker thread
 * blocked in Atomics.wait wakes within tens of microseconds and costs nothing while it waits.
 */
export class PreciseTimer {
  private readonly worker: Worker;
  private readonly ctl: Int32Array;
  private readonly due: Float64Array;
  private armedAtMs = Number.POSITIVE_INFINITY;
  /**
   * How much earlier than asked the worker is woken, learnt from how late fires reach the main
   * thread (worker wake-up plus message passing, ~0.1 ms on a busy machine): an integral
   * controller that drives the mean lateness towards zero.
   */
  private leadMs = 0;

  /** `onFire` runs on the main thread at (or just after) the armed time. */
  constructor(onFire: () => void) {
    const shared = new SharedArrayBuffer(16);
    this.ctl = new Int32Array(shared, 0, 1);
    this.due = new Float64Array(shared, 8, 1);
    this.due[0] = Number.POSITIVE_INFINITY;
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: shared });
    this.worker.on('message', (gen: number) => {
      if (gen === Atomics.load(this.ctl, 0) && Number.isFinite(this.armedAtMs)) {
        const lateMs = clockMs() - this.armedAtMs;
        this.leadMs = Math.min(MAX_LEAD_MS, Math.max(0, this.leadMs + LEAD_GAIN * lateMs));
        // Woken early by the lead: spin the rest (at most MAX_LEAD_MS) rather than re-arm, which
        // would bounce messages between the threads until the due time, at far more CPU.
        if (lateMs < 0) while (clockMs() < this.armedAtMs);
      }
      this.armedAtMs = Number.POSITIVE_INFINITY;
      onFire();
    });
    // An idle timer must not keep its process alive.
    this.worker.unref();
  }

  /** Fire at `atMs` ({@link clockMs}); re-arming replaces the previous time. */
  arm(atMs: number): void {
    if (atMs === this.armedAtMs) return;
    this.armedAtMs = atMs;
    this.due[0] = atMs - this.leadMs;
    // Masked so the counter never wraps to a negative number, which means "exit".
    Atomics.store(this.ctl, 0, (Atomics.load(this.ctl, 0) + 1) & 0x3fffffff);
    Atomics.notify(this.ctl, 0);
  }

  disarm(): void {
    this.arm(Number.POSITIVE_INFINITY);
  }

  close(): Promise<number> {
    Atomics.store(this.ctl, 0, -1);
    Atomics.notify(this.ctl, 0);
    return this.worker.terminate();
  }
}
