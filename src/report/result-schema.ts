import { z } from 'zod';
import { ENDPOINTS, ERROR_KINDS } from '../load/outcome.js';

/**
 * The shape of a result file (src/result/types.ts) as readers rely on it, checked when a file
 * is read so that a malformed one is refused naming its field (exit 2) instead of failing deep
 * inside a reporter ("Cannot read properties of undefined"). Objects are loose: a field added
 * by a later version of the same schema is kept, not refused. Histograms are checked apart
 * (result-histograms.ts): they are strings here.
 */

const count = z.number().int().nonnegative();
const nonNegative = z.number().nonnegative();
const ms = z.number().finite();

const percentiles = z.looseObject({
  count,
  p50: nonNegative,
  p90: nonNegative,
  // Absent in files written before it was recorded: filled in from the histogram when read.
  p95: nonNegative.optional(),
  p99: nonNegative,
  p999: nonNegative,
  max: nonNegative,
  mean: nonNegative,
});

// Partial: results name every kind, but a kind added later must not make older files unreadable.
const errorCounts = z.partialRecord(z.enum(ERROR_KINDS as [string, ...string[]]), count);
const byEndpoint = z.partialRecord(z.enum(ENDPOINTS as [string, ...string[]]), percentiles);
const errorsByEndpoint = z.partialRecord(z.enum(ENDPOINTS as [string, ...string[]]), errorCounts);

const faultEvent = z.looseObject({
  atMs: ms,
  kind: z.string(),
  target: z.string().optional(),
  tookMs: nonNegative,
  ok: z.boolean(),
  error: z.string().optional(),
  detail: z.string().optional(),
  commands: z
    .array(z.looseObject({ command: z.string(), exitCode: z.number().int().nullable(), tookMs: nonNegative, output: z.string() }))
    .optional(),
});

const faultWindow = z.looseObject({
  kind: z.string(),
  target: z.string().optional(),
  startMs: ms,
  recoveredAtMs: ms.nullable(),
  timeToRecoverMs: ms.nullable(),
  errors: z.record(z.string(), count),
  sessionsLost: count,
  updatesLost: count,
  p99Us: nonNegative,
});

const phase = z.looseObject({
  after: z.array(z.string()),
  startMs: ms,
  endMs: ms,
  throughputRps: nonNegative,
  errors: count,
  p50Us: nonNegative,
  p99Us: nonNegative,
  storeP50Us: nonNegative,
  replicaShare: z.record(z.string(), nonNegative),
});

const timelineSecond = z.looseObject({
  second: count,
  completed: count,
  ok: count,
  errors: z.record(z.string(), count),
  sessionsLost: count,
  updatesLost: count,
  dropped: count,
  p50Us: nonNegative,
  p99Us: nonNegative,
  storeP50Us: nonNegative,
  byReplica: z.record(z.string(), count),
  faults: z.array(z.string()),
  requestsInFlight: count.optional(),
  sessionsOpen: count.optional(),
});

const cpuUsage = z.looseObject({
  component: z.string(),
  cpuMs: nonNegative,
  cpuUsPerRequest: nonNegative,
  cores: nonNegative,
});

const histograms = z.looseObject({
  latency: z.string(),
  uncorrected: z.string().optional(),
  store: z.string().optional(),
  staleness: z.string().optional(),
  byEndpoint: z.partialRecord(z.enum(ENDPOINTS as [string, ...string[]]), z.string()),
});

export const architectureResultSchema = z.looseObject({
  architecture: z.string(),
  repetition: z.number().int().positive(),
  complete: z.boolean(),
  error: z.string().optional(),
  unmeasured: z.looseObject({ reason: z.string() }).optional(),
  replicas: z.number().int().positive(),
  measuredMs: nonNegative,
  requests: z.looseObject({
    sent: count,
    ok: count,
    errors: errorCounts,
    failed: count,
    dropped: count,
    unfinished: count,
  }),
  throughputRps: nonNegative,
  targetRps: nonNegative.optional(),
  achievedRps: nonNegative.optional(),
  latencyUs: percentiles,
  uncorrectedLatencyUs: percentiles.optional(),
  byEndpoint,
  errorsByEndpoint: errorsByEndpoint.optional(),
  sessions: z.looseObject({ started: count, lost: count, lostByCause: z.record(z.string(), count).optional() }),
  consistency: z
    .looseObject({
      readYourWritesViolations: count,
      monotonicReadViolations: count,
      staleItems: count,
      stalenessUs: percentiles.nullable(),
    })
    .optional(),
  storeCounters: z.looseObject({ source: z.string(), expiredKeys: count.optional(), evictedKeys: count.optional() }).optional(),
  updatesLost: count,
  itemsLostWithSessions: count.optional(),
  store: z.looseObject({ roundTripUs: percentiles.nullable(), shareOfLatency: nonNegative.nullable() }),
  perReplica: z.record(z.string(), count),
  faults: z.array(faultEvent),
  faultWindows: z.array(faultWindow),
  phases: z.array(phase).optional(),
  timeline: z.array(timelineSecond),
  cpu: z.array(cpuUsage),
  histograms,
});

const scenario = z.looseObject({
  name: z.string(),
  description: z.string().optional(),
  architectures: z.array(z.string()),
  replicas: z.number().int().positive(),
  durationMs: nonNegative,
  warmupMs: nonNegative,
  load: z.looseObject({ model: z.enum(['open', 'closed']) }),
  session: z.looseObject({}),
  store: z.looseObject({ latencyMs: nonNegative, jitterMs: nonNegative }),
  faults: z.array(z.looseObject({ atMs: ms, kind: z.string() })),
  thresholds: z.array(z.looseObject({ source: z.string(), expression: z.string() })),
});

const thresholdResult = z.looseObject({
  source: z.string(),
  architecture: z.string(),
  metric: z.string(),
  expression: z.string(),
  // NaN (no value) is written as null.
  actual: z.number().nullable(),
  passed: z.boolean(),
});

/** Everything but `schemaVersion`, which is checked first and apart (a newer file is refused as such). */
export const runResultSchema = z.looseObject({
  tool: z.looseObject({ name: z.literal('statebench'), version: z.string() }),
  complete: z.boolean(),
  incompleteReason: z.string().optional(),
  startedAt: z.string(),
  finishedAt: z.string(),
  scenarioFile: z.string().optional(),
  scenario,
  environment: z.looseObject({
    statebenchVersion: z.string(),
    node: z.string(),
    platform: z.string(),
    arch: z.string(),
    cpuModel: z.string(),
    cpus: z.number().int().positive(),
    totalMemoryBytes: nonNegative,
    gitCommit: z.string().optional(),
    redisVersion: z.string().optional(),
    storeVersions: z.record(z.string(), z.string()).optional(),
  }),
  architectures: z.array(architectureResultSchema),
  thresholds: z.array(thresholdResult),
  skipped: z.array(z.looseObject({ architecture: z.string(), reason: z.string() })),
});
