import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { ARCHITECTURE_NAMES } from '../architectures/index.js';
import { FAULTS } from '../faults/index.js';
import { SCENARIO_DEFAULTS } from './defaults.js';
import { STORE_LATENCY, count, cpuCores, durationMs, jsonSchemaOverrides, publishAs, rateRps, sizeBytes } from '../syntax/fields.js';
import { THRESHOLD_CONDITION_PATTERN, THRESHOLD_METRIC_NAMES } from './thresholds.js';
import type { FaultSpec } from './types.js';
import { formatDuration, formatSize } from '../syntax/units.js';
import { describeInput, knownKeysAt, unknownFieldMessage } from './zod-problems.js';
import { LIMITS } from '../syntax/limits.js';
import { redisUrlProblem } from '../syntax/url.js';
import { topologySchema } from './topology-schema.js';
import { sweepableFields } from './sweep.js';
import { MAX_MEMORY_POLICIES } from '../stores/store-options.js';

const D = SCENARIO_DEFAULTS;

const kindEntrySchemas = new Map<string, z.ZodObject>();
/** The fault kinds' keys, in the order messages and the JSON Schema list them. */
const FAULT_KIND_NAMES = [...FAULTS.keys()];

/** The entry a fault kind accepts: `at`, its own key, and its options; nothing else. */
export function faultEntrySchema(kind: string): z.ZodObject {
  let schema = kindEntrySchemas.get(kind);
  if (!schema) {
    const syntax = FAULTS.get(kind)!.syntax;
    schema = z
      .strictObject({
        at: durationMs({ description: 'When, from the start of the measured window (after warm-up).' }),
        [kind]: syntax.value,
        ...syntax.options,
      })
      .meta({ title: kind, description: syntax.description });
    kindEntrySchemas.set(kind, schema);
  }
  return schema;
}

/**
 * One timeline entry: `at` plus exactly one fault-kind key. Parsed by hand rather than as a zod
 * union so a mistake is reported against the kind the user meant, not as "no union branch
 * matched"; published to editors as a `oneOf` of the kinds.
 */
const faultEntry = publishAs(
  z.unknown().transform((input, ctx): FaultSpec => {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      ctx.addIssue({ code: 'custom', message: `expected a fault such as \`{at: 10s, kill: replica-2}\`, got ${describeInput(input)}`, input });
      return z.NEVER;
    }
    const keys = Object.keys(input);
    const kinds = keys.filter((key) => FAULTS.has(key));
    if (kinds.length !== 1) {
      const unknown = keys.filter((key) => key !== 'at' && !kinds.includes(key));
      const message =
        kinds.length > 1
          ? `one fault per entry, but this one has ${kinds.map((k) => `\`${k}\``).join(' and ')}: split it into one entry each`
          : unknown.length > 0
            ? `${unknown.map((k) => unknownFieldMessage(k, FAULT_KIND_NAMES)).join('; ')}: each fault needs one kind key: ${FAULT_KIND_NAMES.join(', ')}`
            : `a fault needs one kind key beside \`at\`: ${FAULT_KIND_NAMES.join(', ')}`;
      ctx.addIssue({ code: 'custom', message, input });
      return z.NEVER;
    }
    const kind = kinds[0];
    const schema = faultEntrySchema(kind);
    const parsed = schema.safeParse(input, { reportInput: true });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        if (issue.code !== 'unrecognized_keys') {
          ctx.addIssue({ ...issue, path: issue.path as PropertyKey[] } as never);
          continue;
        }
        const known = knownKeysAt(schema, issue.path as PropertyKey[]);
        for (const key of issue.keys) {
          const usedBy = FAULT_KIND_NAMES.filter((k) => key in FAULTS.get(k)!.syntax.options);
          const message =
            issue.path.length === 0 && usedBy.length > 0
              ? `\`${key}\` does not apply to \`${kind}\` (it goes with ${usedBy.map((k) => `\`${k}\``).join(', ')}); \`${kind}\` takes ${known.map((k) => `\`${k}\``).join(', ')}`
              : unknownFieldMessage(key, known);
          ctx.addIssue({ code: 'custom', path: [...(issue.path as PropertyKey[]), key], message, input });
        }
      }
      return z.NEVER;
    }
    const { at, [kind]: value, ...options } = parsed.data as Record<string, unknown>;
    return { atMs: at as number, kind, ...FAULTS.get(kind)!.syntax.resolve(value, options) } as FaultSpec;
  }),
  (convert) => ({
    description: 'A fault: `at` plus exactly one fault kind.',
    oneOf: FAULT_KIND_NAMES.map((kind) => convert(faultEntrySchema(kind))),
  }),
);

const architecture = z.enum(ARCHITECTURE_NAMES as [string, ...string[]]);

/** Threshold keys editors can complete: `p99`, `sticky.sessions-lost`. */
const THRESHOLD_KEY_PATTERN = `^((${ARCHITECTURE_NAMES.join('|')})\\.)?(${THRESHOLD_METRIC_NAMES.join('|')})$`;

/**
 * Threshold values are checked beside the architectures list (a prefix must name an
 * architecture the scenario runs), so here they are only collected; see check-scenario.ts.
 */
const thresholds = publishAs(z.record(z.string(), z.unknown()), {
  description: 'Pass/fail conditions: `[architecture.]metric: "<op> value"`. Failing ones make `run` exit with code 99.',
  type: 'object',
  propertyNames: { pattern: THRESHOLD_KEY_PATTERN },
  additionalProperties: {
    anyOf: [
      { type: 'string', pattern: THRESHOLD_CONDITION_PATTERN },
      { type: 'array', minItems: 1, items: { type: 'string', pattern: THRESHOLD_CONDITION_PATTERN } },
    ],
  },
  examples: [{ p99: '< 50ms', 'sticky.sessions-lost': '> 0', 'redis.error-rate': '<= 1%' }],
});

const load = z
  .strictObject({
    model: z.enum(['closed', 'open']).meta({ description: '`closed`: a fixed number of users; `open`: a fixed arrival rate.', default: D.load.model }).optional(),
    users: count({ description: 'closed: concurrent virtual users.', min: 1, max: LIMITS.users, default: D.load.users }).optional(),
    rampUp: durationMs({ description: 'closed: users start linearly over this time.', default: formatDuration(D.load.rampUpMs) }).optional(),
    rate: rateRps({ description: 'open (required): arrival rate, e.g. `2000/s`.' }).optional(),
    rampTo: rateRps({ description: 'open: ramp the rate linearly to this over the measured window.' }).optional(),
    sessions: count({ description: 'open: pool of user sessions requests are spread over (default: 100, or 50 ms worth of arrivals at the peak rate if more).', min: 1, max: LIMITS.sessions }).optional(),
    maxBacklog: count({ description: 'open: requests waiting for a free session beyond this are dropped (and counted).', min: 0, max: LIMITS.maxBacklog, default: D.load.maxBacklog }).optional(),
    timeout: durationMs({ description: 'Per-request timeout.', positive: true, default: formatDuration(D.load.timeoutMs) }).optional(),
    grace: durationMs({ description: 'At the end, in-flight requests are awaited this long, then counted as unfinished.', default: formatDuration(D.load.graceMs) }).optional(),
    parallelPerSession: count({ description: 'Requests one session may have in flight at once (browser tabs).', min: 1, max: 64, default: D.load.parallelPerSession }).optional(),
    workers: count({ description: 'Engines generating the load, each in a worker thread with its share of users and rate (histograms merge exactly). Keep 1 on 2 cores, where the servers need the other core; raise it when the generator\'s core is the limit and cores are spare.', min: 1, max: 16, default: 1 }).optional(),
  })
  .meta({ description: 'The workload.' });

const session = z
  .strictObject({
    adds: count({ description: 'Cart adds per user before checkout.', min: 0, max: 100_000, default: D.session.adds }).optional(),
    readRatio: z.number().min(0).lt(1).meta({ description: 'Probability that a cart operation is a read rather than an add (below 1).', default: D.session.readRatio }).optional(),
    payload: sizeBytes({
      description: 'Bytes sent with each add (session state grows with it).',
      default: formatSize(D.session.payloadBytes),
      bound: { max: LIMITS.payloadBytes, why: 'replicas refuse request bodies over 1MiB' },
    }).optional(),
    thinkTime: durationMs({ description: 'closed: pause between a user\'s requests.', default: formatDuration(D.session.thinkTimeMs) }).optional(),
  })
  .meta({ description: 'What one virtual user does: login, adds mixed with reads, checkout, logout.' });

const store = z
  .strictObject({
    redisUrl: z
      .string()
      .superRefine((url, ctx) => {
        const problem = redisUrlProblem(url);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, input: url });
      })
      .meta({ description: 'Use this Redis instead of starting one (store faults then cannot apply).', pattern: '^rediss?://' })
      .optional(),
    persistence: z.boolean().meta({ description: 'Keep Redis persistence on (appendonly).', default: D.store.persistence }).optional(),
    ttl: durationMs({
      description: 'Session expiry in the store (whole seconds).',
      positive: true,
      default: formatDuration(D.store.sessionTtlS * 1000),
      bound: { max: LIMITS.sessionTtlS * 1000, why: 'Memcached reads a longer expiry as a date in 1970' },
    }).optional(),
    latency: durationMs({ description: 'Added to every store round trip for the whole run (a store on another host).', default: formatDuration(D.store.latencyMs), bound: STORE_LATENCY }).optional(),
    jitter: durationMs({ description: 'Random variation of the added store latency.', default: formatDuration(D.store.jitterMs), bound: STORE_LATENCY }).optional(),
    kind: z
      .literal('redis')
      .meta({ description: 'The store `replicas`, `sentinels` and `cluster` describe; only `redis` can be replicated.' })
      .optional(),
    replicas: count({ description: 'Redis replicas of the primary (asynchronous replication): promoted by `sentinels` (`store-failover`), or read from (`readFrom: replica`).', min: 1, max: 5 }).optional(),
    sentinels: count({ description: 'Sentinels watching the primary (3 for a real quorum); replicas find the primary through them.', min: 1, max: 7 }).optional(),
    cluster: count({ description: 'A Redis Cluster of this many masters (`replicas`: replicas of each), formed with `redis-cli --cluster create`; `store-kill: master-2` kills one master, and the sessions in its slots.', min: 3, max: 9 }).optional(),
    maxmemory: sizeBytes({
      description: 'Memory limit of the store server (Redis `maxmemory`, Memcached `-m`): beyond it the server evicts sessions or refuses writes, as `maxmemoryPolicy` says.',
      bound: { max: LIMITS.storeMemoryBytes, why: 'beyond any machine' },
    }).optional(),
    maxmemoryPolicy: oneOrCompared(
      z.enum(MAX_MEMORY_POLICIES),
      'What the store does at `maxmemory` (Redis `maxmemory-policy`): evict sessions (`allkeys-lru`, …; lost sessions then count as `evicted`) or refuse writes (`noeviction`: Redis answers OOM, users get 5xx). Default: the server\'s own (Redis: noeviction; Memcached evicts least recently used, `noeviction` is its `-M`). A list (`[allkeys-lru, noeviction]`) runs each architecture once per value.',
    ).optional(),
    rolling: oneOrCompared(
      z.boolean(),
      'What extends a session\'s time to live: `true` every request (connect-redis\' touch), `false` nothing (it counts from login); absent: every save (login, add, checkout). A list (`[true, false]`) runs each architecture once per value.',
    ).optional(),
    readFrom: oneOrCompared(
      z.enum(['primary', 'replica']),
      'Where replicas read sessions a request only reads (GET /cart): `primary`, or a Redis replica (`replica`, with `replicas`) as read-scaling setups do; requests that change the session read the primary. A list (`[primary, replica]`) runs each architecture once per value.',
    ).optional(),
    replicationLatency: durationMs({
      description: 'One-way delay on the replication link from the Redis primary to its replicas (a latency proxy in between): replication lag.',
      bound: STORE_LATENCY,
    }).optional(),
  })
  .meta({ description: 'Session store options.' });

/**
 * A store setting given once, or as a list of values to compare: every architecture whose store
 * honours it then runs once per value (two different values at most).
 */
function oneOrCompared<T extends z.ZodType>(value: T, description: string) {
  return z
    .union([
      value,
      z
        .array(value)
        .min(1)
        .max(2)
        .superRefine((list, ctx) => {
          if (new Set(list).size !== list.length) ctx.addIssue({ code: 'custom', message: 'lists a value twice: give each value to compare once', input: list });
        }),
    ])
    .meta({ description });
}

const machineCores = availableParallelism();

const hosts = z
  .strictObject({
    replicaCpu: cpuCores({ description: 'CPU budget of each replica, in cores (`0.25`) or millicores (`250m`).', maxCores: machineCores }).optional(),
    storeCpu: cpuCores({ description: 'CPU budget of each store server process (with what it forks), in cores or millicores.', maxCores: machineCores }).optional(),
  })
  .meta({
    description:
      'Each replica and each store process as a small host of its own: a cgroup CPU quota (needs root, or a delegated cgroup v2 cpu controller). Replicas started later (restart, deploy, scale) get the same budget.',
  });

const haproxySettings = z
  .strictObject({
    stickiness: z
      .enum(['stick-table', 'cookie'])
      .meta({
        description:
          'How HAProxy pins a sticky session. `stick-table`: a table in HAProxy maps the `sid` cookie to its server (forgotten when the balancer restarts). `cookie`: HAProxy prefixes the `sid` cookie with the server\'s name (`cookie sid prefix`), so the client carries the pin and it survives a balancer restart.',
        default: 'stick-table',
      })
      .optional(),
    check: z
      .strictObject({
        interval: durationMs({ description: 'Between two health checks (`GET /healthz`) of one replica (`inter`).', default: '1s', positive: true, bound: { max: 60_000, why: 'a minute without a check is no health check' } }).optional(),
        timeout: durationMs({ description: 'A check slower than this fails (`timeout check`).', default: '1s', positive: true, bound: { max: 60_000, why: 'a minute without a check is no health check' } }).optional(),
        rise: count({ description: 'Passing checks in a row before a down replica takes traffic again.', min: 1, max: 10, default: 2 }).optional(),
        fall: count({ description: 'Failing checks in a row before an up replica is taken out.', min: 1, max: 10, default: 3 }).optional(),
      })
      .meta({ description: 'HAProxy\'s health checks. A refused connection takes a replica out at once (passive checking), whatever these say.' })
      .optional(),
  })
  .meta({ description: 'The HAProxy statebench starts when `balancer` includes `haproxy` (or `--balancer haproxy`).' });

/** SLO conditions are parsed beside the thresholds (see check-scenario.ts); here only collected. */
const slo = publishAs(z.record(z.string(), z.unknown()), {
  description: 'The service-level objective a sustainable rate meets: `metric: "<op> value"`, all of them (default: p99 <= 50ms, error-rate <= 0.1%, dropped == 0).',
  type: 'object',
  propertyNames: { pattern: `^(${THRESHOLD_METRIC_NAMES.join('|')})$` },
  additionalProperties: { type: 'string', pattern: THRESHOLD_CONDITION_PATTERN },
  examples: [{ p99: '<= 50ms', 'error-rate': '<= 0.1%', dropped: '== 0' }],
});

const capacity = z
  .strictObject({
    replicas: z
      .array(count({ description: 'A replica count.', min: 1, max: 64 }))
      .superRefine((list, ctx) => {
        if (list.length === 0) ctx.addIssue({ code: 'custom', message: 'needs at least one replica count, such as `[1, 2, 4]`', input: list });
      })
      .meta({ description: 'Replica counts to find the sustainable rate of, each on a fresh topology.', default: [...D.capacity.replicaCounts] })
      .optional(),
    slo: slo.optional(),
    probe: durationMs({ description: 'Measured window of each probe (after its own warm-up).', positive: true, default: formatDuration(D.capacity.probeMs) }).optional(),
    warmup: durationMs({ description: 'Warm-up of each probe (ramping up to its rate over the first half).', default: formatDuration(D.capacity.probeWarmupMs) }).optional(),
    from: rateRps({ description: 'The first probe\'s rate (for 1 replica; later counts start from what the previous one sustained).', default: `${D.capacity.startRps}/s` }).optional(),
    upTo: rateRps({ description: 'The search never probes above this rate.', default: `${D.capacity.maxRps}/s` }).optional(),
    precision: z
      .number()
      .gt(0)
      .lt(1)
      .meta({ description: 'Bisect until the failing rate is within this fraction of the sustained one.', default: D.capacity.precision })
      .optional(),
    confirm: z
      .boolean()
      .meta({ description: 'Run a failing probe once more; the rate fails only if that fails too (a shared machine stalls now and then).', default: D.capacity.confirmFailures })
      .optional(),
  })
  .meta({ description: '`statebench capacity`: find the highest open-load rate each architecture sustains within the SLO, per replica count.' });

/**
 * The scenario file format. Field-level checks only; rules spanning fields (a fault after the
 * end, a replica that does not exist then, open-model fields in a closed load) are in
 * check-scenario.ts so they are reported even when other fields are wrong.
 */
export const scenarioFileSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { error: 'use letters, digits, `.`, `_` and `-` only: the name becomes part of result file names' })
      .max(LIMITS.nameChars)
      .meta({ description: 'Names the result file (default: the file name).' })
      .optional(),
    description: z.string().max(LIMITS.descriptionChars).meta({ description: 'What the experiment shows; printed with the report.' }).optional(),
    architectures: z
      .array(architecture)
      .min(1)
      .superRefine((list, ctx) => {
        const seen = new Set<string>();
        list.forEach((name, index) => {
          if (seen.has(name)) ctx.addIssue({ code: 'custom', path: [index], message: `\`${name}\` is listed twice`, input: name });
          seen.add(name);
        });
      })
      .meta({ description: 'Compared one after another, each on a fresh topology.', default: [...D.architectures] })
      .optional(),
    replicas: count({ description: 'Application replicas per architecture.', min: 1, max: LIMITS.replicas, default: D.replicas }).optional(),
    duration: durationMs({ description: 'Measured window per architecture (after warm-up).', positive: true, default: formatDuration(D.durationMs) }).optional(),
    warmup: durationMs({ description: 'Load runs but nothing is recorded; an open load ramps up from a tenth of its rate over the first half.', default: formatDuration(D.warmupMs) }).optional(),
    load: load.optional(),
    session: session.optional(),
    store: store.optional(),
    hosts: hosts.optional(),
    capacity: capacity.optional(),
    faults: z.array(faultEntry).max(LIMITS.faults).meta({ description: 'The fault timeline; `at` counts from the start of the measured window.' }).optional(),
    thresholds: thresholds.optional(),
    balancer: z
      .union([z.enum(['router', 'haproxy']), z.array(z.enum(['router', 'haproxy'])).min(1).max(2)])
      .meta({
        description:
          '`router`: the load engine routes (no proxy hop competes for the cores); `haproxy`: a real HAProxy statebench starts in front (sticky: a stick table on `sid` with redispatch; stateless: round robin; health checks on /healthz; deploys and scale-outs drain through its runtime API). A list runs every architecture behind each, to measure the hop.',
        default: 'router',
      })
      .optional(),
    haproxy: haproxySettings.optional(),
    pairing: z
      .enum(['sequential', 'concurrent'])
      .meta({
        description:
          '`sequential` (the default): architectures one after another, each alone with the whole load; `concurrent`: all at once, each with an equal share of the load, so drift of the machine lands on all alike and each difference from sticky gets a confidence interval, at the price of the topologies contending with each other (on 2 cores this widened the spread of differences between runs and biased them up: docs/scenarios.md).',
      })
      .optional(),
    topology: topologySchema.optional(),
    sweep: publishAs(z.record(z.string(), z.array(z.unknown())), (convert) => sweepJsonSchema(convert)).optional(),
    strict: z.boolean().meta({ description: '`run` exits with code 98 when the machine disturbed the run (the generator fell behind, foreign processes or steal took CPU), as `--strict` does.', default: false }).optional(),
  })
  .meta({ title: 'statebench scenario', description: 'One statebench experiment. See docs/scenarios.md.' });

/**
 * `sweep:` for editors: each sweepable field (`session.payload`) with a list of the values that
 * field takes. Built when the JSON Schema is, from the file format itself.
 */
function sweepJsonSchema(convert: (schema: z.core.$ZodType) => Record<string, unknown>): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const field of sweepableFields(scenarioFileSchema)) {
    const [top, nested] = field.split('.');
    const shape = scenarioFileSchema.shape as Record<string, z.core.$ZodType>;
    let schema = shape[top];
    if (nested !== undefined) schema = ((schema as z.ZodOptional<z.ZodObject>).unwrap()).shape[nested] as z.core.$ZodType;
    const item = { ...convert(schema) };
    delete item.default;
    properties[field] = { type: 'array', minItems: 1, items: item };
  }
  return {
    description:
      'Run every architecture at each of these values (two fields make a grid), each on a fresh topology: `session.payload: [64B, 512B, 2KiB, 8KiB]`. The result keeps every point with its full measurement.',
    type: 'object',
    minProperties: 1,
    additionalProperties: false,
    properties,
    examples: [{ 'session.payload': ['64B', '512B', '2KiB', '8KiB'] }, { 'store.latency': ['0ms', '0.5ms', '2ms'] }],
  };
}

/** A scenario file after field-level validation: units converted, defaults not yet applied. */
export type ScenarioFile = z.output<typeof scenarioFileSchema>;

/**
 * The JSON Schema of the file format, for editors (yaml-language-server) and for
 * schema/scenario.schema.json. Draft-07 because that is what editors support best.
 */
export function toScenarioJsonSchema(): Record<string, unknown> {
  const convert = (schema: z.core.$ZodType): Record<string, unknown> => {
    const json = z.toJSONSchema(schema, {
      target: 'draft-07',
      io: 'input',
      unrepresentable: 'any',
      override: ({ zodSchema, jsonSchema }) => {
        const published = jsonSchemaOverrides.get(zodSchema);
        if (published === undefined) return;
        const target = jsonSchema as Record<string, unknown>;
        for (const key of Object.keys(target)) delete target[key];
        Object.assign(target, typeof published === 'function' ? published(convert) : published);
      },
    }) as Record<string, unknown>;
    delete json.$schema;
    return json;
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    ...convert(scenarioFileSchema),
  };
}

/** schema/scenario.schema.json's exact content (a test keeps the committed file equal to it). */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(toScenarioJsonSchema(), null, 2)}\n`;
}
