import { ENDPOINTS, type Endpoint } from '../load/outcome.js';
import type { ArchitectureResult, CpuUsage, EncodedHistograms, FaultEvent, Percentiles } from '../result/types.js';
import { computeFaultWindows, type FaultWindowOptions } from './fault-windows.js';
import { computePhases } from './phases.js';
import { encodeHistogram, percentilesOf } from './histogram.js';
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
}

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

  const timeline = [...recorder.timeline];
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
    sessions: { started: recorder.sessionsStartedCount, lost: recorder.sessionsLostCount },
    updatesLost: recorder.updatesLostCount,
    itemsLostWithSessions: recorder.itemsLostWithSessionsCount,
    store: {
      roundTripUs: hasStore ? percentilesOf(recorder.store) : null,
      shareOfLatency: !hasStore
        ? null
        : recorder.sumUncorrectedWithStoreUs > 0
          ? Math.min(1, recorder.sumStoreUs / recorder.sumUncorrectedWithStoreUs)
          : 0,
    },
    perReplica: recorder.perReplica(),
    faults: input.faults,
    faultWindows: computeFaultWindows(timeline, input.faults, { measuredMs, ...input.faultWindows }),
    ...(input.faults.length > 0 ? { phases: computePhases(timeline, input.faults, measuredMs) } : {}),
    timeline,
    cpu: input.cpu ?? [],
    histograms,
  };
  if (input.targetRps !== undefined) {
    result.targetRps = input.targetRps;
    result.achievedRps = measuredS > 0 ? sent / measuredS : 0;
  }
  const error = [input.error, ...problems].filter((e): e is string => e !== undefined && e !== '').join('; ');
  if (error !== '') result.error = error;
  return result;
}
