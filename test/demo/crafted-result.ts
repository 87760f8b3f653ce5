import { ERROR_KINDS, type ErrorKind } from '../../src/load/outcome.js';
import type { ArchitectureResult, Percentiles, RunResult } from '../../src/result/types.js';
import { defaultStoryScenario } from '../../src/demo/default-story.js';

function percentiles(p50: number, p99: number): Percentiles {
  return { count: 1000, p50, p90: p50 * 2, p99, p999: p99 * 1.2, max: p99 * 1.5, mean: p50 * 1.1 };
}

/** The figures a test sets; everything else is plausible filler. */
export interface Crafted {
  architecture: string;
  lost: number;
  started?: number;
  p99Us: number;
  /** Median store round trip, µs; undefined: no store timing at all. */
  storeP50Us?: number;
  throughputRps: number;
  killAtMs?: number;
  /** Acknowledged cart items lost (default 0). */
  itemsLost?: number;
}

/** An ArchitectureResult with the given figures, as summarize() would shape it. */
export function craftArchitecture(c: Crafted): ArchitectureResult {
  const errors = Object.fromEntries(ERROR_KINDS.map((k) => [k, 0])) as Record<ErrorKind, number>;
  return {
    architecture: c.architecture,
    repetition: 1,
    complete: true,
    replicas: 3,
    measuredMs: 10_000,
    requests: { sent: 10_000, ok: 10_000, errors, failed: 0, dropped: 0, unfinished: 0 },
    throughputRps: c.throughputRps,
    latencyUs: percentiles(2000, c.p99Us),
    byEndpoint: {},
    sessions: { started: c.started ?? 800, lost: c.lost },
    updatesLost: c.itemsLost ?? 0,
    store: {
      roundTripUs: c.storeP50Us === undefined ? null : percentiles(c.storeP50Us, c.storeP50Us * 5),
      shareOfLatency: c.storeP50Us === undefined ? null : 0.25,
    },
    perReplica: {},
    faults: c.killAtMs === undefined ? [] : [{ atMs: c.killAtMs, kind: 'kill', target: 'replica-2', tookMs: 3, ok: true }],
    faultWindows: [],
    timeline: [],
    cpu: [],
    histograms: { latency: '', byEndpoint: {} },
  };
}

/** A run of the given architectures, in order. */
export function craftRun(architectures: ArchitectureResult[], complete = true): RunResult {
  return {
    schemaVersion: 1,
    tool: { name: 'statebench', version: '0.0.0' },
    complete,
    ...(complete ? {} : { incompleteReason: 'interrupted' }),
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:01:00.000Z',
    scenario: defaultStoryScenario(),
    environment: { statebenchVersion: '0.0.0', node: 'v20', platform: 'linux', arch: 'x64', cpuModel: 'test', cpus: 2, totalMemoryBytes: 1 },
    architectures,
    thresholds: [],
    skipped: [],
  };
}
