import { ERROR_KINDS } from '../../load/outcome.js';
import type { ArchitectureResult, RunResult, TimelineSecond } from '../../result/types.js';
import { runLabel } from '../fault-window-rows.js';
import { storeApplies } from '../../metrics/store-applies.js';
import { SPECTRUM_MAX_X, spectrumFromHistogram, spectrumFromPercentiles, spectrumXs } from './percentile-spectrum.js';

/**
 * Everything the charts of the HTML report draw, computed in Node at render time and embedded
 * as JSON: the page carries figures, not decoders. Latencies are in milliseconds (the unit of
 * the axes), times in seconds from the start of the measured window.
 */
export interface ChartData {
  runs: RunChartData[];
  spectrum: SpectrumData;
  store: StoreComparison;
  /** The scenario's faults, for charts that overlay every run. */
  markers: FaultMarker[];
  /** Right end of the time axes shared by every run (the longest measured window). */
  endS: number;
}

/** One architecture run (one repetition): one column of the summary, one series in overlays. */
export interface RunChartData {
  /** `redis`, or `redis #2` when the architecture ran more than once. */
  label: string;
  color: string;
  /** Canvas dash pattern telling repetitions of one architecture apart in overlays. */
  dash: number[];
  complete: boolean;
  /** Seconds of the measured window that have a timeline entry (grace seconds left out). */
  seconds: number[];
  /** Null for a second in which nothing completed (a log axis has no 0). */
  p50Ms: (number | null)[];
  p99Ms: (number | null)[];
  completed: number[];
  /** Per error kind that occurred in this run; open-load drops included as `dropped`. */
  errors: { kind: string; values: number[] }[];
  sessionsLost: number[];
  /**
   * Sessions held and requests in flight when each second closed: the users the load had going.
   * Empty when the result did not record them (written before it was), and the chart says so.
   */
  sessionsOpen: (number | null)[];
  requestsInFlight: (number | null)[];
  /** Completed requests per replica per second, replicas in name order. */
  replicas: { name: string; values: number[] }[];
  bands: FaultBand[];
  /** Faults that failed to take effect: drawn as dashed lines, since they open no window. */
  failedFaults: FaultMarker[];
  /** Seconds whose own quality figures passed the limits (measurementQuality.disturbedSeconds): hatched. */
  disturbedSeconds: number[];
  measuredS: number;
}

/** A fault window: from the fault to recovery (or to the next fault / the end, if none). */
export interface FaultBand {
  startS: number;
  endS: number;
  label: string;
  recovered: boolean;
  /** The fault that opened the window did not take effect (e.g. a restart that never came up). */
  failed: boolean;
}

export interface FaultMarker {
  atS: number;
  label: string;
}

/** The latency percentile spectrum of every run on one shared x grid (1/(1-p)). */
export interface SpectrumData {
  xs: number[];
  maxX: number;
  series: { run: number; valuesMs: (number | null)[]; fromHistogram: boolean }[];
}

/** Store round trip beside total latency, one group of bars per run. */
export interface StoreComparison {
  latencyP50Ms: (number | null)[];
  storeP50Ms: (number | null)[];
  latencyP99Ms: (number | null)[];
  storeP99Ms: (number | null)[];
  /** Store time / total latency, 0..1; null without a store. */
  share: (number | null)[];
}

/**
 * Okabe–Ito colours: distinguishable with the common colour-vision deficiencies and readable on
 * white (its yellow is left out for that reason).
 */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#000000'];
const DASHES = [[], [8, 4], [2, 3], [12, 3, 2, 3]];

const usToMs = (us: number): number => us / 1000;
const msOrNull = (us: number | null | undefined): number | null =>
  us === null || us === undefined || !Number.isFinite(us) || us <= 0 ? null : usToMs(us);

function faultLabel(kind: string, target: string | undefined): string {
  return target ? `${kind} ${target}` : kind;
}

/** Labels of every run in result order, numbered only for architectures that ran repeatedly. */
export function runLabels(result: RunResult): string[] {
  const counts = new Map<string, number>();
  for (const a of result.architectures) counts.set(a.architecture, (counts.get(a.architecture) ?? 0) + 1);
  return result.architectures.map((a) =>
    runLabel({ architecture: a.architecture, ...((counts.get(a.architecture) ?? 0) > 1 ? { repetition: a.repetition } : {}) }),
  );
}

function runData(run: ArchitectureResult, label: string, color: string, dash: number[]): RunChartData {
  const measuredS = run.measuredMs / 1000;
  // Grace-period seconds only collect stragglers; their falling throughput is not the system's.
  const timeline = run.timeline
    .filter((t) => t.second < Math.max(1, Math.ceil(measuredS)))
    .sort((a, b) => a.second - b.second);
  const kinds = ERROR_KINDS.filter((k) => timeline.some((t) => (t.errors[k] ?? 0) > 0));
  const errors = kinds.map((kind) => ({ kind: kind as string, values: timeline.map((t) => t.errors[kind] ?? 0) }));
  if (timeline.some((t) => t.dropped > 0)) errors.push({ kind: 'dropped', values: timeline.map((t) => t.dropped) });
  const replicaNames = [...new Set(timeline.flatMap((t) => Object.keys(t.byReplica)))].sort((a, b) =>
    a.localeCompare(b, 'en', { numeric: true }),
  );
  const windows = [...run.faultWindows].sort((a, b) => a.startMs - b.startMs);
  const failedEvents = run.faults.filter((f) => !f.ok);
  // A failed fault may still open a window (it was attempted); one label per fault, not two.
  const failedOf = (kind: string, target: string | undefined, atMs: number) =>
    failedEvents.find((f) => f.kind === kind && f.target === target && Math.floor(f.atMs / 1000) === Math.floor(atMs / 1000));
  const bands = windows.map((w, i) => {
    const next = windows.slice(i + 1).find((n) => n.startMs > w.startMs);
    const endMs = w.recoveredAtMs ?? next?.startMs ?? run.measuredMs;
    const failed = failedOf(w.kind, w.target, w.startMs) !== undefined;
    return {
      startS: w.startMs / 1000,
      endS: Math.max(w.startMs, endMs) / 1000,
      label: `${faultLabel(w.kind, w.target)}${failed ? ' failed' : ''}`,
      recovered: w.recoveredAtMs !== null,
      failed,
    };
  });
  const failedFaults = failedEvents
    .filter((f) => !windows.some((w) => failedOf(w.kind, w.target, w.startMs) === f))
    .map((f) => ({ atS: f.atMs / 1000, label: `${faultLabel(f.kind, f.target)} failed` }));
  return {
    label,
    color,
    dash,
    complete: run.complete,
    seconds: timeline.map((t) => t.second),
    p50Ms: timeline.map((t) => (t.completed > 0 ? msOrNull(t.p50Us) : null)),
    p99Ms: timeline.map((t) => (t.completed > 0 ? msOrNull(t.p99Us) : null)),
    completed: timeline.map((t) => t.completed),
    errors,
    sessionsLost: timeline.map((t) => t.sessionsLost),
    ...inFlightOf(timeline),
    replicas: replicaNames.map((name) => ({ name, values: timeline.map((t) => t.byReplica[name] ?? 0) })),
    bands,
    failedFaults,
    disturbedSeconds: (run.measurementQuality?.disturbedSeconds ?? []).filter((s) => s < Math.max(1, Math.ceil(measuredS))),
    measuredS,
  };
}

/** The in-flight gauges, or empty series when no second of the run recorded them. */
function inFlightOf(timeline: readonly TimelineSecond[]): Pick<RunChartData, 'sessionsOpen' | 'requestsInFlight'> {
  if (!timeline.some((t) => t.requestsInFlight !== undefined || t.sessionsOpen !== undefined)) return { sessionsOpen: [], requestsInFlight: [] };
  return {
    sessionsOpen: timeline.map((t) => t.sessionsOpen ?? null),
    requestsInFlight: timeline.map((t) => t.requestsInFlight ?? null),
  };
}

/** Builds the charts' data from a result; pure. */
export function buildChartData(result: RunResult): ChartData {
  const labels = runLabels(result);
  const architectures = [...new Set(result.architectures.map((a) => a.architecture))];
  const xs = spectrumXs();
  const runs = result.architectures.map((run, i) => {
    const family = architectures.indexOf(run.architecture);
    const repeat = result.architectures.slice(0, i).filter((a) => a.architecture === run.architecture).length;
    return runData(run, labels[i], PALETTE[family % PALETTE.length], DASHES[repeat % DASHES.length]);
  });
  const series = result.architectures.flatMap((run, i) => {
    const fromHistogram = spectrumFromHistogram(run.histograms?.latency, xs);
    const values = fromHistogram ?? spectrumFromPercentiles(run.latencyUs, xs);
    return values ? [{ run: i, valuesMs: values.map(msOrNull), fromHistogram: fromHistogram !== null }] : [];
  });
  return {
    runs,
    spectrum: { xs, maxX: SPECTRUM_MAX_X, series },
    store: {
      latencyP50Ms: result.architectures.map((a) => msOrNull(a.latencyUs.p50)),
      storeP50Ms: result.architectures.map((a) => (storeApplies(a) ? msOrNull(a.store.roundTripUs?.p50) : null)),
      latencyP99Ms: result.architectures.map((a) => msOrNull(a.latencyUs.p99)),
      storeP99Ms: result.architectures.map((a) => (storeApplies(a) ? msOrNull(a.store.roundTripUs?.p99) : null)),
      share: result.architectures.map((a) => (storeApplies(a) ? a.store.shareOfLatency : null)),
    },
    markers: result.scenario.faults.map((f) => ({ atS: f.atMs / 1000, label: faultLabel(f.kind, 'target' in f ? f.target : undefined) })),
    endS: Math.max(1, ...result.architectures.map((a) => a.measuredMs / 1000), result.scenario.durationMs / 1000),
  };
}
