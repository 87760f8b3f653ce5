import { STORE_DEFAULTS } from '../stores/store-options.js';

/**
 * Every default of the scenario file format, in base units (ms, req/s, bytes, seconds for
 * the TTL). The resolver fills from here and the JSON Schema publishes these, so the two
 * cannot disagree.
 */
export const SCENARIO_DEFAULTS = {
  /** A file without `architectures:` compares where state can live: in memory, a server store, a file, the client. */
  architectures: ['sticky', 'redis', 'sqlite', 'cookie'],
  replicas: 3,
  durationMs: 30_000,
  warmupMs: 2_000,
  load: {
    model: 'closed',
    users: 50,
    rampUpMs: 0,
    maxBacklog: 10_000,
    timeoutMs: 2_000,
    graceMs: 1_000,
    parallelPerSession: 1,
    /** Open model: the session pool is at least this big... */
    minSessions: 100,
    /**
     * ...and big enough to hold this much time's worth of arrivals in flight at the peak
     * rate, so a healthy run is paced by the rate, not by waiting for a free session.
     */
    sessionsCoverMs: 50,
  },
  session: {
    adds: 8,
    readRatio: 0.5,
    payloadBytes: 64,
    thinkTimeMs: 0,
  },
  store: STORE_DEFAULTS,
  capacity: {
    replicaCounts: [1, 2, 4],
    slo: { p99: '<= 50ms', 'error-rate': '<= 0.1%', dropped: '== 0' },
    probeMs: 4_000,
    probeWarmupMs: 2_000,
    startRps: 100,
    maxRps: 50_000,
    /** Bisect until high / low ≤ 1 + precision. */
    precision: 0.1,
    /** A failing probe is repeated once before it counts (a shared machine stalls now and then). */
    confirmFailures: true,
  },
} as const;

/**
 * Session pool for an open load when the file does not say: enough sessions for the peak
 * arrival rate to be served without queueing at typical latencies.
 */
export function defaultSessions(peakRps: number, parallelPerSession: number): number {
  const inFlight = Math.ceil((peakRps * SCENARIO_DEFAULTS.load.sessionsCoverMs) / 1000 / parallelPerSession);
  return Math.max(SCENARIO_DEFAULTS.load.minSessions, inFlight);
}
