import type { Endpoint, ErrorKind } from '../load/outcome.js';
import type { FaultEvent, SessionLossCause } from '../faults/fault-event.js';
import type { Scenario, ThresholdResult } from '../scenario/types.js';

export type { FaultEvent, SessionLossCause } from '../faults/fault-event.js';
export type { ThresholdResult } from '../scenario/types.js';

/** Bumped whenever a field changes meaning or disappears; readers refuse versions they do not know. */
export const SCHEMA_VERSION = 1;

/** The saved result of `statebench run`: the contract every report and compare reads. */
export interface RunResult {
  schemaVersion: typeof SCHEMA_VERSION;
  tool: { name: 'statebench'; version: string };
  /** False when the run was interrupted or an architecture failed; what was measured is still here. */
  complete: boolean;
  /** Why the run is incomplete, when it is. */
  incompleteReason?: string;
  startedAt: string;
  finishedAt: string;
  scenarioFile?: string;
  scenario: Scenario;
  environment: Environment;
  /** One entry per architecture per repetition, in run order. */
  architectures: ArchitectureResult[];
  thresholds: ThresholdResult[];
  /** Architectures that were not run, and why (e.g. redis-server not installed). */
  skipped: { architecture: string; reason: string }[];
  /** How the architectures shared the machine; absent in results written before it was recorded (sequential). */
  pairing?: Pairing;
}

/**
 * How the architectures shared the machine. `sequential`: one after another, each alone (machine
 * drift between them lands on one and not the other). `concurrent`: all at once, each with an
 * equal share of the load, so each second's noise lands on all of them; the generator's CPU is
 * then shared and not reported per architecture.
 */
export interface Pairing {
  mode: 'sequential' | 'concurrent';
  /** Concurrent: each architecture's share of the scenario's load (1/N). */
  share?: number;
  /** Concurrent: each architecture's difference from the baseline, second by second. */
  differences?: PairedDifference[];
}

/** One architecture's paired difference from the baseline in one metric, over the seconds measured together. */
export interface PairedDifference {
  architecture: string;
  baseline: string;
  metric: 'p50' | 'p99';
  /** Seconds paired (both sides completed enough requests). */
  seconds: number;
  /** Mean per-second difference (architecture − baseline), µs; null when nothing was paired. */
  meanUs: number | null;
  /** 95% confidence interval of the mean difference, µs; null under two seconds. */
  lowUs: number | null;
  highUs: number | null;
  /** The interval includes zero: the difference cannot be told from noise. */
  includesZero: boolean;
}

export interface Environment {
  statebenchVersion: string;
  node: string;
  platform: string;
  arch: string;
  cpuModel: string;
  cpus: number;
  totalMemoryBytes: number;
  gitCommit?: string;
  redisVersion?: string;
  /** The version of each store server the run used, by backend name (`{ redis: '7.0.15', postgres: '15.20' }`). */
  storeVersions?: Record<string, string>;
}

import type { Percentiles } from '../hdr/histogram.js';

export type { Percentiles } from '../hdr/histogram.js';

export interface RequestCounts {
  /** Requests handed to the network (or counted as sent when no replica could take them). */
  sent: number;
  ok: number;
  /** Errors by kind (every ErrorKind present, 0 when none). */
  errors: Record<ErrorKind, number>;
  /** Total of `errors`. */
  failed: number;
  /** Due requests that never got sent because the backlog was full (open model). */
  dropped: number;
  /** Still in flight when the grace period ended. sent = ok + failed + unfinished. */
  unfinished: number;
}

export interface ArchitectureResult {
  /** The architecture's name; `redis+haproxy` when a run compares balancers and this one ran behind HAProxy. */
  architecture: string;
  /** Set when a real balancer routed the requests (`haproxy`); absent: the in-process router. */
  balancer?: string;
  /** 1-based repetition number (`run --repeat N`). */
  repetition: number;
  complete: boolean;
  error?: string;
  /**
   * Present when the run did not measure the architecture: its requests failed for a reason
   * the scenario did not schedule (the store died from outside, the disk filled, the targets
   * never came up; src/run/measurement-verdict.ts). Its figures are then not data: reports show
   * the reason instead, and `run` exits 1. Absent in results written before it was recorded.
   */
  unmeasured?: { reason: string };
  replicas: number;
  /** Length of the measured window actually run. */
  measuredMs: number;
  requests: RequestCounts;
  /** Completed requests (ok or failed) per second of measured window. */
  throughputRps: number;
  /** Open model: the rate asked for (mean over the window) and the rate at which requests were sent. */
  targetRps?: number;
  achievedRps?: number;
  /** From the intended send time (open model) or the actual send (closed). */
  latencyUs: Percentiles;
  /** From the actual send time; only differs from latencyUs under the open model. */
  uncorrectedLatencyUs?: Percentiles;
  byEndpoint: Partial<Record<Endpoint, Percentiles>>;
  sessions: {
    /** Logins that succeeded in the measured window. */
    started: number;
    /** Distinct sessions lost (a 401 for a held session). */
    lost: number;
    /**
     * `lost` by cause (src/metrics/loss-causes.ts): the replica holding it died, the store
     * restarted empty, a failover, expiry, eviction, or unexplained. Absent in results written
     * before it was recorded.
     */
    lostByCause?: Partial<Record<SessionLossCause, number>>;
  };
  /**
   * The session guarantees the client checked on every cart read (src/load/cart-checker.ts),
   * beside `requests.errors['stale-read']` (reads that lacked items known present). Absent in
   * results written before it was recorded.
   */
  consistency?: ConsistencyFigures;
  /**
   * The store's own counters over the measured window (Redis `INFO stats`), printed beside
   * statebench's counts to cross-check them. Absent when the store has none, or in older results.
   */
  storeCounters?: StoreCounters;
  /**
   * Acknowledged cart items lost, whatever the cause: missing from a later read or checkout of a
   * live session (overwritten, e.g. by a concurrent tab's save), or gone with a lost session.
   */
  updatesLost: number;
  /**
   * The part of `updatesLost` that went with lost sessions; the rest (`updatesLost −
   * itemsLostWithSessions`) vanished from sessions that lived on. Absent in results written
   * before it was recorded.
   */
  itemsLostWithSessions?: number;
  store: {
    /** Time replicas spent waiting on the store per request (from Server-Timing); null when the architecture has none. */
    roundTripUs: Percentiles | null;
    /** Sum of store time / sum of server-side... total latency, 0..1; null when no store. */
    shareOfLatency: number | null;
  };
  /** Completed requests per replica name (from X-Replica). */
  perReplica: Record<string, number>;
  faults: FaultEvent[];
  faultWindows: FaultWindow[];
  /**
   * The window cut at every fault into steady states (src/metrics/phases.ts): how load spread
   * over replicas after a `scale`, what requests cost after a `store-latency` step. Absent in
   * results written before it was recorded.
   */
  phases?: Phase[];
  timeline: TimelineSecond[];
  cpu: CpuUsage[];
  histograms: EncodedHistograms;
  /**
   * Whether the machine disturbed the measurement (src/metrics/measurement-quality.ts): the
   * generator's lateness, CPU taken by foreign processes, steal, a first-second transient.
   * Absent in results written before it was recorded.
   */
  measurementQuality?: MeasurementQuality;
}

/**
 * How far the figures of one architecture run can be trusted: what the machine did besides the
 * run, and how it held the generator up. `disturbed` is the verdict `compare` and `--strict`
 * read; `reasons` say why, in sentences; the figures and `limits` let anyone redo the verdict.
 */
export interface MeasurementQuality {
  /** True when any figure passed its limit: the run may measure the machine as much as the servers. */
  disturbed: boolean;
  /** One sentence per limit passed, e.g. "foreign processes used 0.9 core on average"; empty when not disturbed. */
  reasons: string[];
  /**
   * Open model: how late the requests the pacer sent itself left, against their intended send
   * time, µs (requests that waited for a free session are not the generator's lateness). Null
   * under the closed model.
   */
  generatorLatenessUs: {
    count: number;
    p50: number;
    p99: number;
    max: number;
    /** Share (0..1) of those sends later than `limits.lateUs`. */
    lateShare: number;
  } | null;
  /**
   * The generator's event-loop delay over the window (beyond the probe's interval), µs: the
   * closed model's stand-in for lateness, recorded under both. Null when not measured.
   */
  loopDelayUs: { p50: number; p99: number; max: number } | null;
  /**
   * CPU used by processes that are not part of the run (the whole machine's busy time from
   * /proc/stat minus the generator, replicas and stores), in cores (1.0 = one full core): mean
   * over the window and the highest second. Null where /proc/stat cannot be read.
   */
  foreignCores: { mean: number; max: number } | null;
  /** Share (0..1) of the machine's CPU time stolen by the hypervisor: mean and highest second. Null when not measured. */
  stealShare: { mean: number; max: number } | null;
  /**
   * Whether the first measured second was a warm-up transient: it completed less than half of
   * the requests sent in it (they waited behind the warm-up), or alone moved the window's p50 or
   * p99 by more than `limits.transientShare`; with the counts and the figures with and without
   * it, µs. Null when the window is too short to tell, or a fault fired in its first second.
   */
  firstSecond: {
    transient: boolean;
    /** Requests sent (open model: due) in the first second, and completed in it. */
    sent: number;
    completed: number;
    p50Us: number;
    windowP50Us: number;
    windowP99Us: number;
    windowP50WithoutUs: number;
    windowP99WithoutUs: number;
  } | null;
  /** Seconds of the timeline in which a per-second figure passed its limit (marked in the charts). */
  disturbedSeconds: number[];
  limits: QualityLimits;
}

/** The limits a {@link MeasurementQuality} verdict used (src/metrics/measurement-quality.ts says why these). */
export interface QualityLimits {
  /** A pacer send later than this is late, µs. */
  lateUs: number;
  /** The run (or a second) is disturbed when more than this share (0..1) of its sends were late. */
  lateShare: number;
  /** Closed model: disturbed when the generator's event-loop delay p99 exceeds this, µs. */
  loopDelayP99Us: number;
  /** Disturbed when foreign processes used more than this many cores on average (or in a second, for that second). */
  foreignCores: number;
  /** Disturbed when the hypervisor stole more than this share (0..1) of CPU time on average (or in a second). */
  stealShare: number;
  /** Transient when the first second moves the window's p50 or p99 by more than this share (0.2 = 20%). */
  transientShare: number;
}


export interface FaultWindow {
  kind: string;
  target?: string;
  startMs: number;
  /** When errors stopped and p99 came back within 20% (or 1 ms) of the steady state before; null if never. */
  recoveredAtMs: number | null;
  timeToRecoverMs: number | null;
  errors: Partial<Record<ErrorKind, number>>;
  sessionsLost: number;
  updatesLost: number;
  p99Us: number;
}

/** A steady state between faults, from the per-second timeline. */
export interface Phase {
  /** Faults that began it (`scale +2`, `store-latency +2ms`); empty for the first phase. */
  after: string[];
  /** Relative to the start of the measured window; the fault's own second is not included. */
  startMs: number;
  endMs: number;
  /** Completed requests per second, mean over the phase. */
  throughputRps: number;
  errors: number;
  /** Medians of the per-second p50, p99 and store p50 over the phase. */
  p50Us: number;
  p99Us: number;
  storeP50Us: number;
  /** Each replica's share (0..1) of the requests completed in the phase, by name. */
  replicaShare: Record<string, number>;
}

export interface TimelineSecond {
  /** Second index from the start of the measured window. */
  second: number;
  completed: number;
  ok: number;
  errors: Partial<Record<ErrorKind, number>>;
  sessionsLost: number;
  updatesLost: number;
  dropped: number;
  p50Us: number;
  p99Us: number;
  storeP50Us: number;
  byReplica: Record<string, number>;
  /** Fault kinds that fired in this second (e.g. `kill replica-2`). */
  faults: string[];
  /** Open model: p99 of how late the pacer's own sends left in this second, µs. */
  lateP99Us?: number;
  /** p99 of the generator's event-loop delay in this second, µs. */
  loopDelayP99Us?: number;
  /** CPU used by processes not part of the run in this second, cores (1.0 = one core). */
  foreignCores?: number;
  /** Share (0..1) of the machine's CPU time stolen by the hypervisor in this second. */
  stealShare?: number;
}

export interface CpuUsage {
  /** `generator`, `replica-1`, ..., `store`. */
  component: string;
  cpuMs: number;
  /** CPU time per completed request, in microseconds. */
  cpuUsPerRequest: number;
  /** cpuMs / measuredMs: 1.0 is one full core. */
  cores: number;
  /** The component's CPU budget in cores (`hosts:`), when it had one: `cores` of `budgetCores`. */
  budgetCores?: number;
}

/** What the cart checker found on reads (see ArchitectureResult.consistency). */
export interface ConsistencyFigures {
  /** Reads that lacked an add this session had been told was done. */
  readYourWritesViolations: number;
  /** Reads that lacked an item an earlier read of the session (completed before it was sent) had shown. */
  monotonicReadViolations: number;
  /** Items a read lacked that a later read (or the checkout's count) showed: stale, not lost. */
  staleItems: number;
  /**
   * Of the stale items a later read showed, the time from when each was known present (its
   * add's acknowledgement) until it became visible, µs, estimated midway between the send of
   * the last read that lacked it and the answer of the first that showed it (so off by at most
   * half the time between them). Null when no item was stale.
   */
  stalenessUs: Percentiles | null;
}

/** A store's own counters over the measured window (differences of two readings). */
export interface StoreCounters {
  /** Where they were read: `redis INFO stats`. */
  source: string;
  /** Keys the store expired (Redis `expired_keys`). */
  expiredKeys?: number;
  /** Keys the store evicted under memory pressure (Redis `evicted_keys`, Memcached `evictions`). */
  evictedKeys?: number;
}

/** hdr-histogram-js `encodeIntoCompressedBase64`, settings from src/hdr/histogram.ts. */
export interface EncodedHistograms {
  latency: string;
  uncorrected?: string;
  store?: string;
  /** Staleness of stale items (ConsistencyFigures.stalenessUs), when any. */
  staleness?: string;
  byEndpoint: Partial<Record<Endpoint, string>>;
}
