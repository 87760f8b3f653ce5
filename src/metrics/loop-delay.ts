import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/**
 * How often the event loop is probed, ms. Node's monitor is a libuv timer at this interval and
 * records the time between its callbacks; 10 ms (Node's default) gives 100 samples a second,
 * enough for a per-second p99, for a negligible cost.
 */
export const LOOP_DELAY_RESOLUTION_MS = 10;

/** Event-loop delay of one second or of the whole window, µs beyond the probe's own interval. */
export interface LoopDelayFigures {
  /** Probes in the period; 0 when the loop was never probed (nothing measured). */
  count: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
}

/**
 * The generator's event-loop delay, per second and over the window (perf_hooks
 * monitorEventLoopDelay): how late the process got to run what was due. Under the closed model
 * it stands in for the pacer's lateness, which only the open model has: a loop held up by the
 * scheduler (foreign processes, steal) or by the generator's own work delays every send and
 * every completion it reads.
 */
export class LoopDelay {
  // Two monitors, since Node cannot add a monitor's histogram into another: one reset every
  // second, one kept for the window. Each is one 10 ms libuv timer.
  private readonly second: IntervalHistogram = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
  private readonly window: IntervalHistogram = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
  private running = false;

  start(): void {
    if (this.running) return;
    this.second.enable();
    this.window.enable();
    this.running = true;
  }

  /** Forgets what was probed so far (the warm-up): the window starts now. */
  discard(): void {
    this.second.reset();
    this.window.reset();
  }

  /** The figures since the last call (or the start); then starts a new period. */
  takeSecond(): LoopDelayFigures {
    const figures = figuresOf(this.second);
    this.second.reset();
    return figures;
  }

  /** The figures of every period taken so far. */
  windowFigures(): LoopDelayFigures {
    return figuresOf(this.window);
  }

  stop(): void {
    if (!this.running) return;
    this.second.disable();
    this.window.disable();
    this.running = false;
  }
}

const RESOLUTION_NS = LOOP_DELAY_RESOLUTION_MS * 1e6;

/** Node records the whole time between probes (≥ the resolution), in ns: the delay is the excess. */
function figuresOf(h: IntervalHistogram): LoopDelayFigures {
  if (h.count === 0) return { count: 0, p50Us: 0, p99Us: 0, maxUs: 0 };
  const us = (ns: number): number => Math.max(0, Math.round((ns - RESOLUTION_NS) / 1000));
  return { count: h.count, p50Us: us(h.percentile(50)), p99Us: us(h.percentile(99)), maxUs: us(h.max) };
}
