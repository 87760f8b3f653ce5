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
  /** Set when this run generated one slice of the load (`run --shard i/n`); `merge` adds the slices up. */
  shard?: ShardInfo;
  /** Set on the result of `statebench merge`: which shard results it adds up, and how well their clocks lined up. */
  merged?: MergeInfo;
}

/**
 * The slice of the load a sharded run generated: slice `index` of `count` (1-based), as k6's
 * execution segments divide a test: its users (closed) or its part of the rate and sessions
 * (open), user numbers disjoint from the other slices'. The scenario in the result is the whole
 * experiment; the slice's own load is here.
 */
export interface ShardInfo {
  index: number;
  count: number;
  /** The load this slice generated. */
  load: import('../load/load-spec.js').LoadSpec;
  /** The number of its first virtual user across the slices. */
  firstUserId: number;
  /** Only the first slice fires the fault timeline (one `kubectl delete pod`, not n). */
  firesFaults: boolean;
  /** `--start-at`, when the slices were told to begin together. */
  startAt?: string;
}

/** What `statebench merge` added up. */
export interface MergeInfo {
  shards: {
    /** The file it was read from, as given. */
    file: string;
    index: number;
    count: number;
    startedAt: string;
    /** The generator machine. */
    node: string;
    cpus: number;
    cpuModel: string;
  }[];
  /**
   * The largest gap, ms, between where a shard's measured window began and the whole second of
   * the merged timeline it was added to (windows are aligned on wall-clock time, to the second):
   * near 0 with `--start-at`; the clocks' own disagreement (NTP) comes on top.
   */
  alignmentMs: number;
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

/** The machine and software a run measured on (versions, CPU model and count, memory, git commit). */
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
  /** The stores of external topologies (`topology.external.<architecture>.store`): where they were, not started here. */
  externalStores?: { architecture: string; kind: string; url: string }[];
}

import type { Percentiles } from '../hdr/histogram.js';

export type { Percentiles } from '../hdr/histogram.js';

/** Requests of one architecture run by what became of them. */
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
  /**
   * HTTP statuses of the `http-4xx` and `http-5xx` errors, by code (`{"413": 1204}`: a session
   * too large for its cookie). Absent when there were none, and in results written before it was recorded.
   */
  errorStatuses?: Record<string, number>;
}

/** Everything measured for one architecture (one repetition, behind one balancer). */
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
  /** When the measured window began, by this machine's clock (ISO 8601, ms): how `merge` lines shards up. */
  windowStartedAt?: string;
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
  /** Latency per endpoint (login, add, read, checkout, logout); `count` is its completed requests, failed ones included. */
  byEndpoint: Partial<Record<Endpoint, Percentiles>>;
  /**
   * Failed requests per endpoint, by kind (an endpoint that completed requests without a
   * failure maps to `{}`). Absent in results written before it was recorded.
   */
  errorsByEndpoint?: Partial<Record<Endpoint, Partial<Record<ErrorKind, number>>>>;
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
    /**
     * The share's two sums, µs, over the responses that carried a store timing: store time, and
     * latency from the actual send. Kept so that `merge` recomputes the share exactly. Absent in
     * results written before they were recorded, and when no store.
     */
    totalUs?: number;
    totalUncorrectedUs?: number;
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
   * Memory of where sessions live, before the load and after it, per session held (src/metrics/
   * session-memory.ts). Absent in results written before it was recorded.
   */
  memory?: SessionMemory;
  /**
   * Bytes each replica and store process read and wrote over the measured window (sockets and
   * files). Absent where /proc cannot be read, and in results written before it was recorded.
   */
  io?: IoUsage[];
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
   * the requests sent in it (they waited behind the warm-up), or was slow (p50 at least
   * `limits.transientFactor` times the rest's) and alone moved the window's p50 or p99 by more
   * than `limits.transientShare`; with the counts and the figures with and without
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
  /** Transient when the first second moves the window's p50 or p99 by more than this share (0.2 = 20%)… */
  transientShare: number;
  /** …and its own p50 is at least this many times the rest's (absent in results before it existed: 1). */
  transientFactor?: number;
}


/** From a fault to recovery: what users felt meanwhile. */
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

/** One second of the measured window (what `--csv` writes a row of). */
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
  /**
   * Requests of the window sent and not yet completed when the second closed: with one tab per
   * session, the users waiting for an answer. Absent in results written before it was recorded.
   */
  requestsInFlight?: number;
  /**
   * Sessions logged in and not yet logged out or lost when the second closed (warm-up's
   * included): what a fault has to fail over. Absent in results written before it was recorded.
   */
  sessionsOpen?: number;
  /** Open model: p99 of how late the pacer's own sends left in this second, µs. */
  lateP99Us?: number;
  /** p99 of the generator's event-loop delay in this second, µs. */
  loopDelayP99Us?: number;
  /** CPU used by processes not part of the run in this second, cores (1.0 = one core). */
  foreignCores?: number;
  /** Share (0..1) of the machine's CPU time stolen by the hypervisor in this second. */
  stealShare?: number;
  /**
   * This second's latency (and store time) histograms, encoded as `EncodedHistograms` are: kept
   * by shard runs (`run --shard`), so `merge` computes each merged second's percentiles from
   * the added histograms. Absent otherwise.
   */
  histograms?: { latency: string; store?: string };
}

/** CPU one component used over the measured window. */
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

/**
 * What holding sessions cost in memory: the figure of where they live (replica RSS, the store's
 * own measure) right after the topology started and after the load, and the sessions held then.
 */
export interface SessionMemory {
  /** Where this architecture keeps sessions: replica memory (sticky), a store, or the client (nothing to read). */
  holder: 'replicas' | 'store' | 'client';
  /** Sessions the virtual users held when memory was read, after the load (logged in, not yet out or lost). */
  sessionsHeld: number;
  /** Each replica's resident set size (RSS) before any load and after it, bytes; replicas running at both reads. */
  replicas: { replica: string; beforeBytes: number; afterBytes: number }[];
  /** The store's own figure, before and after, bytes; absent without a store, or when it could not say. */
  store?: {
    /** What was read: `used_memory (INFO memory)`, `session table size (pg_total_relation_size)`. */
    measure: string;
    beforeBytes: number;
    afterBytes: number;
    /** Sessions (keys, rows, items) the store said it held after the load. */
    sessions?: number;
  };
  /**
   * The holder's growth over the load divided by the sessions held, bytes: an upper bound on
   * what one session costs (growth that is not sessions, such as a replica's heap warming up,
   * is in it too; a sweep over `load.sessions` takes it out by fitting growth against sessions).
   * Null for the client, with no session held, or when the holder could not be read.
   */
  bytesPerSession: number | null;
}

/** Bytes one process read and wrote over the measured window (`rchar`/`wchar`: sockets and files). */
export interface IoUsage {
  /** `replica-1`, `store` (its forked processes counted in). */
  component: string;
  readBytes: number;
  writtenBytes: number;
  /** (read + written) per completed request. */
  bytesPerRequest: number;
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
