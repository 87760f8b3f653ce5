import type { ArchitectureResult } from '../result/types.js';

/** The base unit a metric is stored and compared in. */
export type MetricUnit = 'rps' | 'us' | 'count' | 'ratio';

/** A figure of one architecture run that thresholds and `compare` can name. */
export interface MetricDefinition {
  /** What users write in thresholds and `compare` options. */
  name: MetricName;
  unit: MetricUnit;
  /** True for latencies, errors and losses; false for throughput (for compare's direction). */
  higherIsWorse: boolean;
  description: string;
  /** The value, or null when it does not apply (no store timing, nothing completed). */
  extract(result: ArchitectureResult): number | null;
  /**
   * A figure of the session store: it does not apply to architectures without one (sticky and
   * cookie measure a store time of 0), so `compare` does not judge it there. Thresholds still
   * read the 0, as they always have.
   */
  storeOnly?: boolean;
}

/** Every metric name, in the order tables show them. */
export const METRIC_NAMES = [
  'throughput',
  'mean',
  'p50',
  'p90',
  'p95',
  'p99',
  'p999',
  'max',
  'errors',
  'error-rate',
  'sessions-lost',
  'updates-lost',
  'store-p50',
  'store-p99',
  'dropped',
  'unfinished',
] as const;

export type MetricName = (typeof METRIC_NAMES)[number];

function completed(r: ArchitectureResult): number {
  return r.requests.ok + r.requests.failed;
}

/** The metrics, by name. Units are the result file's: µs for latencies, req/s, counts, 0..1. */
export const METRICS: Readonly<Record<MetricName, MetricDefinition>> = {
  throughput: {
    name: 'throughput', unit: 'rps', higherIsWorse: false,
    description: 'completed requests (ok or failed) per second of the measured window',
    extract: (r) => r.throughputRps,
  },
  mean: { name: 'mean', unit: 'us', higherIsWorse: true, description: 'mean request latency', extract: (r) => r.latencyUs.mean },
  p50: { name: 'p50', unit: 'us', higherIsWorse: true, description: 'median request latency', extract: (r) => r.latencyUs.p50 },
  p90: { name: 'p90', unit: 'us', higherIsWorse: true, description: '90th percentile request latency', extract: (r) => r.latencyUs.p90 },
  p95: {
    name: 'p95', unit: 'us', higherIsWorse: true,
    // Results written before p95 was recorded and without a histogram have none.
    description: '95th percentile request latency', extract: (r) => r.latencyUs.p95 ?? null,
  },
  p99: { name: 'p99', unit: 'us', higherIsWorse: true, description: '99th percentile request latency', extract: (r) => r.latencyUs.p99 },
  p999: { name: 'p999', unit: 'us', higherIsWorse: true, description: '99.9th percentile request latency', extract: (r) => r.latencyUs.p999 },
  max: { name: 'max', unit: 'us', higherIsWorse: true, description: 'slowest request', extract: (r) => r.latencyUs.max },
  errors: {
    name: 'errors', unit: 'count', higherIsWorse: true,
    description: 'failed requests, all kinds', extract: (r) => r.requests.failed,
  },
  'error-rate': {
    name: 'error-rate', unit: 'ratio', higherIsWorse: true,
    // Of completed, not of sent: unfinished requests have no outcome yet and are their own metric.
    description: 'failed requests / completed requests (null when none completed)',
    extract: (r) => (completed(r) === 0 ? null : r.requests.failed / completed(r)),
  },
  'sessions-lost': {
    name: 'sessions-lost', unit: 'count', higherIsWorse: true,
    description: 'distinct live sessions the servers forgot', extract: (r) => r.sessions.lost,
  },
  'updates-lost': {
    name: 'updates-lost', unit: 'count', higherIsWorse: true,
    description: 'acknowledged cart items later missing, or lost with their session', extract: (r) => r.updatesLost,
  },
  'store-p50': {
    name: 'store-p50', unit: 'us', higherIsWorse: true, storeOnly: true,
    description: 'median store time inside the server (null without store timings)',
    extract: (r) => r.store.roundTripUs?.p50 ?? null,
  },
  'store-p99': {
    name: 'store-p99', unit: 'us', higherIsWorse: true, storeOnly: true,
    description: '99th percentile store time inside the server (null without store timings)',
    extract: (r) => r.store.roundTripUs?.p99 ?? null,
  },
  dropped: {
    name: 'dropped', unit: 'count', higherIsWorse: true,
    description: 'requests due that could not be sent (open load, backlog full)', extract: (r) => r.requests.dropped,
  },
  unfinished: {
    name: 'unfinished', unit: 'count', higherIsWorse: true,
    description: 'requests still in flight when the grace period ended', extract: (r) => r.requests.unfinished,
  },
};

/** Whether `name` is a metric name (for validating thresholds and compare options). */
export function isMetricName(name: string): name is MetricName {
  return Object.hasOwn(METRICS, name);
}

/**
 * The value of metric `name` in `result`, in the metric's base unit; NaN when it does not apply
 * (no store timing, nothing completed), so every comparison with it is false and a threshold on
 * it fails rather than passes. Throws on an unknown name: callers validate names first with
 * {@link isMetricName} (scenario validation does).
 */
export function metricValue(result: ArchitectureResult, name: string): number {
  if (!isMetricName(name)) throw new Error(`unknown metric ${JSON.stringify(name)}`);
  return METRICS[name].extract(result) ?? Number.NaN;
}
