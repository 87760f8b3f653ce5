import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { createHistogram, durationToRecordUs } from '../hdr/histogram.js';
import { delayStatsOf, type DelayStats } from './delay-stats.js';

/** Sampling interval of the event-loop delay monitor, ms (Node's default). */
const RESOLUTION_MS = 10;

/**
 * Samples how late the generator's event loop runs (perf_hooks.monitorEventLoopDelay) between
 * `start()` and `stop()`: in a closed loop, the generator's own lag shows there rather than in a
 * schedule. Node records the time between its timer's callbacks, which includes the interval
 * itself, so the interval is subtracted. Node's histogram cannot be exported bucket by bucket:
 * it is copied into statebench's from its percentile iteration (50, 75, 87.5 … 100), each step's
 * share at that step's value, so the copy's percentiles are at or above Node's, never below.
 */
export class LoopDelay {
  private readonly monitor: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });

  start(): void {
    this.monitor.reset();
    this.monitor.enable();
  }

  stop(): void {
    this.monitor.disable();
  }

  stats(): DelayStats {
    const h = createHistogram();
    const count = this.monitor.count;
    if (count === 0) return delayStatsOf(h);
    const delayUs = (ns: number): number => durationToRecordUs(ns / 1000 - RESOLUTION_MS * 1000);
    let recorded = 0;
    for (const [pct, ns] of this.monitor.percentiles) {
      // The samples up to this percentile not yet recorded, at this step's value (the first
      // step, percentile 0, is the minimum: one sample).
      const n = (pct === 0 ? 1 : Math.round((count * pct) / 100)) - recorded;
      if (n > 0) {
        h.recordValueWithCount(delayUs(ns), n);
        recorded += n;
      }
    }
    if (recorded < count) h.recordValueWithCount(delayUs(this.monitor.max), count - recorded);
    return delayStatsOf(h);
  }
}
