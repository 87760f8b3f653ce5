import type { ArchitectureResult, FaultWindow, RunResult, TimelineSecond } from '../../src/result/types.js';
import type { Scenario } from '../../src/scenario/types.js';

/** One second of a synthetic timeline: what the noise rule reads. */
export interface SecondSpec {
  p50: number;
  p99?: number;
  completed?: number;
  storeP50?: number;
  sessionsLost?: number;
  errors?: number;
}

export interface SyntheticRunSpec {
  architecture?: string;
  repetition?: number;
  /** The seconds, in order; their count is the measured window. */
  seconds: SecondSpec[];
  /** Headline figures; default: derived from the seconds (median p50, max p99). */
  p50?: number;
  p99?: number;
  storeP50?: number;
  sessionsLost?: number;
  faultWindows?: FaultWindow[];
  complete?: boolean;
  measurementQuality?: ArchitectureResult['measurementQuality'];
}

function medianOf(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * An architecture run whose per-second timeline is exactly `spec.seconds`, with headline
 * figures consistent with it: the known input of the verdict-rule tests.
 */
export function syntheticRun(spec: SyntheticRunSpec): ArchitectureResult {
  const timeline: TimelineSecond[] = spec.seconds.map((s, second) => ({
    second,
    completed: s.completed ?? 1000,
    ok: (s.completed ?? 1000) - (s.errors ?? 0),
    errors: s.errors ? { refused: s.errors } : {},
    sessionsLost: s.sessionsLost ?? 0,
    updatesLost: 0,
    dropped: 0,
    p50Us: s.p50,
    p99Us: s.p99 ?? s.p50 * 4,
    storeP50Us: s.storeP50 ?? 0,
    byReplica: {},
    faults: [],
  }));
  const completed = timeline.reduce((n, s) => n + s.completed, 0);
  const failed = timeline.reduce((n, s) => n + (s.completed - s.ok), 0);
  const p50 = spec.p50 ?? medianOf(spec.seconds.map((s) => s.p50));
  const p99 = spec.p99 ?? Math.max(...timeline.map((s) => s.p99Us));
  const storeP50 = spec.storeP50 ?? (spec.seconds.some((s) => s.storeP50 !== undefined) ? medianOf(spec.seconds.map((s) => s.storeP50 ?? 0)) : undefined);
  const latency = (p50Us: number, p99Us: number) => ({ count: completed, p50: p50Us, p90: Math.round((p50Us + p99Us) / 2), p99: p99Us, p999: p99Us * 2, max: p99Us * 3, mean: p50Us });
  return {
    architecture: spec.architecture ?? 'redis',
    repetition: spec.repetition ?? 1,
    complete: spec.complete ?? true,
    replicas: 2,
    measuredMs: spec.seconds.length * 1000,
    requests: {
      sent: completed,
      ok: completed - failed,
      errors: { refused: failed, reset: 0, timeout: 0, 'http-4xx': 0, 'http-5xx': 0, 'session-lost': 0, 'stale-read': 0, 'update-lost': 0 },
      failed,
      dropped: 0,
      unfinished: 0,
    },
    throughputRps: completed / spec.seconds.length,
    latencyUs: latency(p50, p99),
    byEndpoint: {},
    sessions: { started: 100, lost: spec.sessionsLost ?? timeline.reduce((n, s) => n + s.sessionsLost, 0) },
    updatesLost: 0,
    store: { roundTripUs: storeP50 === undefined ? null : latency(storeP50, storeP50 * 4), shareOfLatency: storeP50 === undefined ? null : 0.3 },
    perReplica: {},
    faults: [],
    faultWindows: spec.faultWindows ?? [],
    timeline,
    cpu: [],
    histograms: { latency: '', byEndpoint: {} },
    ...(spec.measurementQuality ? { measurementQuality: spec.measurementQuality } : {}),
  };
}

/** `n` seconds around `p50` µs, alternating ±`wobble` (a fraction), p99 four times p50. */
export function steadySeconds(n: number, p50: number, wobble = 0.02): SecondSpec[] {
  return Array.from({ length: n }, (_, i) => ({ p50: Math.round(p50 * (1 + (i % 2 === 0 ? wobble : -wobble))) }));
}

const SCENARIO: Scenario = {
  name: 'synthetic',
  architectures: ['sticky', 'redis'],
  replicas: 2,
  durationMs: 10_000,
  warmupMs: 2_000,
  load: { model: 'open', rateRps: 1000, sessions: 100, maxBacklog: 10_000, timeoutMs: 2_000, graceMs: 1_000, parallelPerSession: 1 },
  session: { adds: 8, readRatio: 0.5, payloadBytes: 64, thinkTimeMs: 0 },
  store: { persistence: false, sessionTtlS: 1800, latencyMs: 0, jitterMs: 0 },
  faults: [],
  thresholds: [],
};

/** A whole result around some architecture runs; `over.scenario` is merged into the default scenario. */
export function syntheticResult(architectures: ArchitectureResult[], over: Partial<Omit<RunResult, 'scenario'>> & { scenario?: Partial<Scenario> } = {}): RunResult {
  const { scenario, ...rest } = over;
  return {
    schemaVersion: 1,
    tool: { name: 'statebench', version: '0.1.0' },
    complete: true,
    startedAt: '2025-05-14T09:12:03.120Z',
    finishedAt: '2025-05-14T09:13:03.120Z',
    environment: {
      statebenchVersion: '0.1.0', node: 'v20.18.0', platform: 'linux', arch: 'x64', cpuModel: 'AMD EPYC', cpus: 2,
      totalMemoryBytes: 8_000_000_000, gitCommit: 'abc', redisVersion: '7.0.15',
    },
    thresholds: [],
    skipped: [],
    ...rest,
    scenario: { ...SCENARIO, architectures: [...new Set(architectures.map((a) => a.architecture))] as Scenario['architectures'], ...scenario },
    architectures,
  };
}
