import { ENDPOINTS, type Endpoint } from '../load/outcome.js';
import type { ArchitectureResult, CpuUsage, EncodedHistograms, FaultEvent, Percentiles, TimelineSecond } from '../result/types.js';
import { computeFaultWindows, type FaultWindowOptions } from './fault-windows.js';
import { computePhases } from './phases.js';
import { encodeHistogram, mergeHistograms, percentileOf, percentilesOf } from '../hdr/histogram.js';
import type { CpuInterval } from './cpu-sampler.js';
import { addCpuToTimeline, assessQuality, cpuBySecond, type FirstSecondFigures } from './measurement-quality.js';
import type { Recorder } from './recorder.js';

/** What the runner knows about one architecture run that the recorder does not. */
export interface SummaryInput {
  architecture: string;
  /** 1-based. */
  repetition: number;
  replicas: number;
  faults: FaultEvent[];
  /** Length of the measured window; defaults to the recorder's (`endMeasuring − beginMeasuring`). */
  measuredMs?: number;
  /** Open model only: the mean rate asked for. Its presence also makes `achievedRps` appear. */
  targetRps?: number;
  /** Added by the runner; empty when not measured. */
  cpu?: CpuUsage[];
  /** False when the run was cut short or failed; what was measured is still summarized. */
  complete?: boolean;
  error?: string;
  /**
   * The engine's own count of counted requests still in flight after the grace period. When
   * given, it must equal sent − completed; a mismatch marks the result incomplete with an error.
   */
  unfinished?: number;
  faultWindows?: FaultWindowOptions;
  /**
   * The CPU sampler's intervals over the window (`CpuSampler.intervals()`, after `end()`): they
   * give each second its foreign CPU and steal for `measurementQuality`. Without them the
   * verdict rests on the generator's lateness and loop delay alone.
   */
  cpuIntervals?: readonly CpuInterval[];
}

/** Windows shorter than this have too few seconds to call one of them a transient. */
const MIN_SECONDS_FOR_TRANSIENT = 3;

/**
 * The serializable result of one architecture run, from a finished {@link Recorder}. Pure: it
 * reads the recorder and the input and changes neither.
 *
 * - `sent = ok + failed + unfinished`, with `unfinished = sent − completed`. A negative
 *   difference (more completions than sends) or a disagreement with `input.unfinished` is a
 *   bookkeeping bug in the engine: rather than throw away the run, it is clamped to 0 and the
 *   result is marked incomplete with the reason in `error`.
 * - `throughputRps` = completed / measured seconds (grace-period completions included: they were
 *   sent inside the window); `achievedRps` = sent / measured seconds, only with `targetRps`.
 * - `store.roundTripUs` is null only when no response carried a store timing. An architecture
 *   whose store time is always 0 (memory, cookie: `store;dur=0`) gets real percentiles of zeros
 *   and a share of 0: "measured, and nothing" differs from "not measured", and the report decides
 *   how to show it.
 * - `store.shareOfLatency` = Σ store time / Σ uncorrected latency over the responses that carried
 *   a store timing: the store's share of the round trip the server was responsible for (capped
 *   at 1, since Server-Timing is rounded by the server).
 */
export function summarize(recorder: Recorder, input: SummaryInput): ArchitectureResult {
  if (!recorder.isFinished) throw new Error('summarize() needs a finished recorder: call recorder.finish() first');

  const measuredMs = input.measuredMs ?? recorder.measuredMs;
  const measuredS = measuredMs / 1000;
  const sent = recorder.sentCount;
  const ok = recorder.okCount;
  const completed = recorder.completedCount;
  const failed = completed - ok;

  const problems: string[] = [];
  let unfinished = sent - completed;
  if (unfinished < 0) {
    problems.push(`recorder invariant broken: ${completed} requests completed but only ${sent} sent`);
    unfinished = 0;
  }
  if (input.unfinished !== undefined && input.unfinished !== sent - completed) {
    problems.push(`engine reports ${input.unfinished} unfinished requests, recorder counts ${sent - completed}`);
  }

  const byEndpoint: Partial<Record<Endpoint, Percentiles>> = {};
  const encodedByEndpoint: Partial<Record<Endpoint, string>> = {};
  for (const endpoint of ENDPOINTS) {
    const h = recorder.endpointHistogram(endpoint);
    if (h.totalCount === 0) continue;
    byEndpoint[endpoint] = percentilesOf(h);
    encodedByEndpoint[endpoint] = encodeHistogram(h);
  }

  const hasStore = recorder.store.totalCount > 0;
  const histograms: EncodedHistograms = {
    latency: encodeHistogram(recorder.latency),
    // Open load only: under a closed load the send is the intended time, so it would repeat `latency`.
    ...(input.targetRps !== undefined ? { uncorrected: encodeHistogram(recorder.uncorrected) } : {}),
    byEndpoint: encodedByEndpoint,
  };
  if (hasStore) histograms.store = encodeHistogram(recorder.store);
  const hasStaleness = recorder.staleness.totalCount > 0;
  if (hasStaleness) histograms.staleness = encodeHistogram(recorder.staleness);
  const byCause = Object.entries(recorder.sessionsLostByCause()).filter(([, n]) => n > 0);

  const windowSeconds = Math.max(1, Math.ceil(measuredMs / 1000 - 1e-6));
  const cpuFigures = input.cpuIntervals !== undefined ? cpuBySecond(input.cpuIntervals, recorder.windowStartMs) : undefined;
  const timeline = cpuFigures !== undefined ? addCpuToTimeline(recorder.timeline, cpuFigures) : [...recorder.timeline];
  const measurementQuality = assessQuality({
    // Grace seconds hold stragglers only; their figures are not the window's.
    timeline: timeline.filter((t) => t.second < windowSeconds),
    lateness: recorder.latenessFigures(),
    loopDelay: recorder.loopDelayFigures(),
    cpu: cpuFigures,
    firstSecond: firstSecondFigures(recorder, timeline, windowSeconds),
  });
  const result: ArchitectureResult = {
    architecture: input.architecture,
    repetition: input.repetition,
    complete: (input.complete ?? true) && problems.length === 0,
    replicas: input.replicas,
    measuredMs,
    requests: {
      sent,
      ok,
      errors: recorder.errorCounts(),
      failed,
      dropped: recorder.droppedCount,
      unfinished,
    },
    throughputRps: measuredS > 0 ? completed / measuredS : 0,
    latencyUs: percentilesOf(recorder.latency),
    ...(input.targetRps !== undefined ? { uncorrectedLatencyUs: percentilesOf(recorder.uncorrected) } : {}),
    byEndpoint,
    errorsByEndpoint: recorder.errorsByEndpoint(),
    sessions: { started: recorder.sessionsStartedCount, lost: recorder.sessionsLostCount, lostByCause: Object.fromEntries(byCause) },
    consistency: {
      readYourWritesViolations: recorder.readYourWritesViolations,
      monotonicReadViolations: recorder.monotonicReadViolations,
      staleItems: recorder.staleItemsCount,
      stalenessUs: hasStaleness ? percentilesOf(recorder.staleness) : null,
    },
    updatesLost: recorder.updatesLostCount,
    itemsLostWithSessions: recorder.itemsLostWithSessionsCount,
    store: {
      roundTripUs: hasStore ? percentilesOf(recorder.store) : null,
      shareOfLatency: !hasStore
        ? null
        : recorder.sumUncorrectedWithStoreUs > 0
          ? Math.min(1, recorder.sumStoreUs / recorder.sumUncorrectedWithStoreUs)
          : 0,
      ...(hasStore ? { totalUs: recorder.sumStoreUs, totalUncorrectedUs: recorder.sumUncorrectedWithStoreUs } : {}),
    },
    perReplica: recorder.perReplica(),
    faults: input.faults,
    faultWindows: computeFaultWindows(timeline, input.faults, { measuredMs, ...input.faultWindows }),
    ...(input.faults.length > 0 ? { phases: computePhases(timeline, input.faults, measuredMs) } : {}),
    timeline,
    cpu: input.cpu ?? [],
    histograms,
    measurementQuality,
  };
  if (input.targetRps !== undefined) {
    result.targetRps = input.targetRps;
    result.achievedRps = measuredS > 0 ? sent / measuredS : 0;
  }
  const error = [input.error, ...problems].filter((e): e is string => e !== undefined && e !== '').join('; ');
  if (error !== '') result.error = error;
  return result;
}

/**
 * The first second against the rest of the window, from the recorder's histograms; undefined
 * when the window is too short, nothing was sent in its first second, or a fault fired in it
 * (then the first second is slow for a reason the run means to show).
 */
function firstSecondFigures(recorder: Recorder, timeline: readonly TimelineSecond[], windowSeconds: number): FirstSecondFigures | undefined {
  const sent = recorder.firstSecondSentCount;
  const s0 = timeline.find((t) => t.second === 0);
  if (windowSeconds < MIN_SECONDS_FOR_TRANSIENT || sent === 0 || s0 === undefined || s0.faults.length > 0) return undefined;
  const first = recorder.firstSecondLatency;
  const rest = mergeHistograms([recorder.latency]);
  rest.subtract(first);
  return {
    sent,
    completed: first.totalCount,
    p50Us: percentileOf(first, 50),
    windowP50Us: percentileOf(recorder.latency, 50),
    windowP99Us: percentileOf(recorder.latency, 99),
    windowP50WithoutUs: percentileOf(rest, 50),
    windowP99WithoutUs: percentileOf(rest, 99),
  };
}
