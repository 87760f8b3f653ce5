import type { ErrorKind } from '../load/outcome.js';
import type { FaultEvent, FaultWindow, TimelineSecond } from '../result/types.js';

/** Tuning of {@link computeFaultWindows}. */
export interface FaultWindowOptions {
  /**
   * Length of the measured window. Timeline seconds starting at or after it are the grace period
   * (only stragglers complete, throughput falls), so they belong to no fault window and a fault
   * still unrecovered at the end of the window never recovered. Default: the whole timeline.
   */
  measuredMs?: number;
  /** A second's p99 counts as recovered up to this fraction above the steady state. Default 0.2. */
  p99Tolerance?: number;
  /**
   * ...or up to this many µs above it, whichever is larger. Default 1000. A per-second p99 rests
   * on the few slowest requests of that second, and on a shared machine a scheduler hiccup moves
   * it by a millisecond or more: with a 2 ms steady p99, 20% alone (0.4 ms) would call healthy
   * seconds unrecovered.
   */
  p99SlackUs?: number;
  /**
   * Consecutive clean seconds needed to call a fault recovered. Default 2: the second a fault
   * fires in often looks clean because its stuck requests have not completed yet; they land a
   * second later with their full latency.
   */
  stableSeconds?: number;
}

/** The defaults of {@link FaultWindowOptions}. */
export const FAULT_WINDOW_DEFAULTS = { p99Tolerance: 0.2, p99SlackUs: 1000, stableSeconds: 2 } as const;

/**
 * For each fault (in time order), what users felt from the second it fired until recovery.
 *
 * - Steady state: the median of per-second p99 over the seconds before the fault that had
 *   completions and lie in no earlier fault's window (the timeline starts after warm-up). With
 *   no such second (a fault at 0 s), recovery is judged on errors alone.
 * - A second is *clean* when it had completions, no errors of any kind, no lost sessions or
 *   updates, no dropped requests, and a p99 within `p99Tolerance` (or `p99SlackUs`, whichever
 *   is larger) of the steady state.
 * - Recovery is the start of the first run of `stableSeconds` clean seconds that comes after the
 *   last second with errors, losses or drops before the next fault (or the end of the window):
 *   errors are a real signal and may surface late (timeouts, a stuck request finally failing),
 *   whereas p99 is noisy, so only the p99 condition is satisfied by a short clean run.
 *   `recoveredAtMs`/`timeToRecoverMs` are null when that never happens before the next fault (in a
 *   later second) or the end of the window. Second resolution: a fault with no visible effect
 *   recovers in 0 ms.
 * - Errors, lost sessions and lost updates are summed over the window: from the fault's second
 *   up to recovery (at least the fault's own second), or up to the next fault or the end.
 * - `p99Us` is the largest per-second p99 in the window: the timeline keeps no per-second
 *   histograms, and the max is an upper bound of the window's true p99 (every second has 99% of
 *   its requests at or below its own p99, hence at or below the max).
 *
 * Faults firing in the same second share one window. Pure: reads its arguments only.
 */
export function computeFaultWindows(
  timeline: readonly TimelineSecond[],
  faults: readonly FaultEvent[],
  opts: FaultWindowOptions = {},
): FaultWindow[] {
  const tolerance = opts.p99Tolerance ?? FAULT_WINDOW_DEFAULTS.p99Tolerance;
  const slackUs = opts.p99SlackUs ?? FAULT_WINDOW_DEFAULTS.p99SlackUs;
  const stable = Math.max(1, Math.floor(opts.stableSeconds ?? FAULT_WINDOW_DEFAULTS.stableSeconds));

  const bySecond: (TimelineSecond | undefined)[] = [];
  for (const s of timeline) bySecond[s.second] = s;
  const windowSeconds =
    opts.measuredMs === undefined ? bySecond.length : Math.min(bySecond.length, Math.ceil(opts.measuredMs / 1000));

  const sorted = [...faults].sort((a, b) => a.atMs - b.atMs);
  const inEarlierWindow: boolean[] = [];
  const windows: FaultWindow[] = [];

  for (let i = 0; i < sorted.length; i++) {
    const fault = sorted[i];
    const first = Math.floor(Math.max(0, fault.atMs) / 1000);
    let spanEnd = windowSeconds;
    for (let j = i + 1; j < sorted.length; j++) {
      const next = Math.floor(Math.max(0, sorted[j].atMs) / 1000);
      if (next > first) {
        spanEnd = Math.min(spanEnd, next);
        break;
      }
    }

    const steadyP99 = steadyStateP99(bySecond, first, inEarlierWindow);
    const p99Limit = steadyP99 === null ? Number.POSITIVE_INFINITY : steadyP99 + Math.max(steadyP99 * tolerance, slackUs);

    let lastFailing = first - 1;
    for (let s = first; s < spanEnd; s++) if (hasFailures(bySecond[s])) lastFailing = s;

    let recoveredSecond: number | null = null;
    for (let r = lastFailing + 1; r + stable <= spanEnd; r++) {
      let run = 0;
      while (run < stable && isClean(bySecond[r + run], p99Limit)) run++;
      if (run === stable) {
        recoveredSecond = r;
        break;
      }
      r += run; // seconds r..r+run cannot start a run: the one at r+run is not clean
    }

    const end = recoveredSecond === null ? spanEnd : Math.max(recoveredSecond, first + 1);
    const errors: Partial<Record<ErrorKind, number>> = {};
    let sessionsLost = 0;
    let updatesLost = 0;
    let p99Us = 0;
    for (let s = first; s < Math.min(end, windowSeconds); s++) {
      inEarlierWindow[s] = true;
      const sec = bySecond[s];
      if (sec === undefined) continue;
      for (const [kind, n] of Object.entries(sec.errors) as [ErrorKind, number][]) {
        if (n > 0) errors[kind] = (errors[kind] ?? 0) + n;
      }
      sessionsLost += sec.sessionsLost;
      updatesLost += sec.updatesLost;
      if (sec.p99Us > p99Us) p99Us = sec.p99Us;
    }

    const recoveredAtMs = recoveredSecond === null ? null : Math.max(fault.atMs, recoveredSecond * 1000);
    const window: FaultWindow = {
      kind: fault.kind,
      startMs: fault.atMs,
      recoveredAtMs,
      timeToRecoverMs: recoveredAtMs === null ? null : recoveredAtMs - fault.atMs,
      errors,
      sessionsLost,
      updatesLost,
      p99Us,
    };
    if (fault.target !== undefined) window.target = fault.target;
    windows.push(window);
  }
  return windows;
}

/** Median per-second p99 before `beforeSecond`, outside earlier fault windows; null if none. */
function steadyStateP99(
  bySecond: readonly (TimelineSecond | undefined)[],
  beforeSecond: number,
  excluded: readonly boolean[],
): number | null {
  const p99s: number[] = [];
  for (let s = 0; s < Math.min(beforeSecond, bySecond.length); s++) {
    const sec = bySecond[s];
    if (sec !== undefined && sec.completed > 0 && !excluded[s]) p99s.push(sec.p99Us);
  }
  if (p99s.length === 0) return null;
  p99s.sort((a, b) => a - b);
  const mid = p99s.length >> 1;
  return p99s.length % 2 === 1 ? p99s[mid] : (p99s[mid - 1] + p99s[mid]) / 2;
}

function hasFailures(sec: TimelineSecond | undefined): boolean {
  if (sec === undefined) return false;
  if (sec.sessionsLost > 0 || sec.updatesLost > 0 || sec.dropped > 0) return true;
  for (const n of Object.values(sec.errors)) if (n !== undefined && n > 0) return true;
  return false;
}

function isClean(sec: TimelineSecond | undefined, p99LimitUs: number): boolean {
  // No completions at all is a stall, not a recovery.
  return sec !== undefined && sec.completed > 0 && !hasFailures(sec) && sec.p99Us <= p99LimitUs;
}
