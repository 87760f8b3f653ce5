import type { ArchitectureName } from '../topology/types.js';

/**
 * A scenario after validation, with every default filled in and every duration in
 * milliseconds, every rate in requests per second. This is what the runner consumes and
 * what result files store under `scenario`.
 */
export interface Scenario {
  name: string;
  description?: string;
  /** Run one after another, each on a fresh topology. */
  architectures: ArchitectureName[];
  replicas: number;
  /** Measured window (after warm-up). */
  durationMs: number;
  /** Load runs but nothing is recorded. */
  warmupMs: number;
  load: LoadSpec;
  session: SessionMix;
  store: StoreOptions;
  /** Times are relative to the start of the measured window (after warm-up). */
  faults: FaultSpec[];
  thresholds: ThresholdSpec[];
}

export type LoadSpec = ClosedLoad | OpenLoad;

interface LoadCommon {
  /** Per-request timeout. */
  timeoutMs: number;
  /** At the end of the window, in-flight requests are awaited this long, then counted as unfinished. */
  graceMs: number;
  /** Requests one session may have in flight at once (browser tabs). */
  parallelPerSession: number;
}

export interface ClosedLoad extends LoadCommon {
  model: 'closed';
  /** Concurrent virtual users (each one session, one request at a time per tab). */
  users: number;
  /** Users start linearly over this time (0: all at once). */
  rampUpMs: number;
}

export interface OpenLoad extends LoadCommon {
  model: 'open';
  /** Target arrival rate at the start. */
  rateRps: number;
  /** When set, the rate ramps linearly from `rateRps` to this over the measured window. */
  rampToRps?: number;
  /** Pool of user sessions that requests are spread over. */
  sessions: number;
  /** Requests waiting for a free session beyond this are dropped (and counted). */
  maxBacklog: number;
}

/** What one virtual user does: login, `adds` cart adds mixed with reads, checkout, logout. */
export interface SessionMix {
  /** Cart adds per user before checkout. */
  adds: number;
  /** Probability that a cart operation is a read (GET /cart) rather than an add. */
  readRatio: number;
  /** Size of the opaque payload sent with each add (state size grows with it). */
  payloadBytes: number;
  /** Pause between a user's requests (closed model only). */
  thinkTimeMs: number;
}

export interface StoreOptions {
  /** Use an existing Redis instead of starting one. */
  redisUrl?: string;
  persistence: boolean;
  sessionTtlS: number;
  /**
   * Latency added to every store round trip by statebench's TCP proxy for the whole run. The
   * proxy is in the path when this is above 0 or a `store-latency` fault is on the timeline.
   */
  latencyMs: number;
  jitterMs: number;
  /** Redis replicas of the primary (asynchronous replication); absent: a single Redis. */
  replicas?: number;
  /** Sentinels watching the primary; replicas then find it through them (`store-failover`). */
  sentinels?: number;
}

/** One entry of the fault timeline. Which fields apply depends on `kind` (see src/faults). */
export interface FaultSpec {
  atMs: number;
  /** The word the user wrote: `kill`, `restart`, `pause`, `resume`, ... */
  kind: string;
  /** A replica name, or `random`; absent for faults that take no replica. */
  target?: string;
  /** How long a pause lasts, or the interval of a rolling deploy. */
  forMs?: number;
  /** `scale`: replicas to add (positive) or remove (negative); `store-latency`: delay in ms. */
  amount?: number;
  jitterMs?: number;
}

export type ThresholdOp = '<' | '<=' | '>' | '>=' | '==';

/** `p99: "< 50ms"` or `sticky.sessions-lost: "> 0"`, parsed. */
export interface ThresholdSpec {
  /** What the user wrote as the key. */
  source: string;
  /** Architecture it applies to; undefined means every architecture. */
  architecture?: string;
  /** A metric name from src/metrics/metric-names.ts (e.g. `p99`, `throughput`, `sessions-lost`). */
  metric: string;
  op: ThresholdOp;
  /** In the metric's base unit: microseconds for latencies, req/s, counts, ratios 0..1. */
  value: number;
  /** What the user wrote as the condition, for messages. */
  expression: string;
}
