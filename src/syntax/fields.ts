import { z } from 'zod';
import { LIMITS } from './limits.js';
import { DURATION_PATTERN, RATE_PATTERN, SIZE_PATTERN, formatDuration, formatSize, parseDuration, parseRate, parseSize, type UnitResult } from './units.js';

/**
 * JSON Schema to publish in place of what zod would generate for a field. Unit fields are
 * transforms (`30s` → 30000) that zod can only describe as "string or number"; editors
 * deserve the real pattern. Read by `toScenarioJsonSchema` through zod's `override` hook.
 */
export const jsonSchemaOverrides = new WeakMap<z.core.$ZodType, JsonSchemaOverride>();

/** A JSON Schema, or a function building one (given the converter, for nested zod schemas). */
export type JsonSchemaOverride = Record<string, unknown> | ((convert: (schema: z.core.$ZodType) => Record<string, unknown>) => Record<string, unknown>);

/** Registers the JSON Schema published for `schema`; returns `schema` for chaining. */
export function publishAs<T extends z.core.$ZodType>(schema: T, json: JsonSchemaOverride): T {
  jsonSchemaOverrides.set(schema, json);
  return schema;
}

function unitField(parse: (input: unknown) => UnitResult, expected: string, check?: (value: number) => string | undefined) {
  return z.unknown().transform((input, ctx) => {
    // Optional fields never get here with undefined (`.optional()` short-circuits it).
    if (input === undefined) {
      ctx.addIssue({ code: 'custom', message: `is required (${expected.replace(/^expected /, '')})`, input });
      return z.NEVER;
    }
    const parsed = parse(input);
    const problem = parsed.ok ? check?.(parsed.value) : parsed.error;
    if (problem !== undefined || !parsed.ok) {
      ctx.addIssue({ code: 'custom', message: problem ?? expected, input });
      return z.NEVER;
    }
    return parsed.value;
  });
}

interface UnitOptions {
  description: string;
  /** Published as the JSON Schema default, in the file's notation (`30s`). */
  default?: string | number;
  /** Zero is rejected (a window or timeout of zero makes no sense). */
  positive?: boolean;
}

/** The largest value a unit field takes, and why, for the message (src/syntax/limits.ts). */
interface Bound {
  max: number;
  why: string;
}

const DAY: Bound = { max: LIMITS.durationMs, why: 'the longest duration statebench runs' };
/** Store latency and jitter, in `store:` and in `store-latency` faults. */
export const STORE_LATENCY: Bound = { max: LIMITS.storeLatencyMs, why: 'a store that far away times every request out' };

const withDefault = (json: Record<string, unknown>, options: UnitOptions) =>
  options.default === undefined ? json : { ...json, default: options.default };

/**
 * A duration as people write it (`30s`, `1m30s`, `0.5ms`), resolved to milliseconds; at most
 * `bound.max` (default: a day, see LIMITS.durationMs).
 */
export function durationMs(options: UnitOptions & { bound?: Bound }) {
  const bound = options.bound ?? DAY;
  const schema = unitField(parseDuration, 'expected a duration such as `30s`', (ms) =>
    options.positive && ms === 0
      ? 'must be longer than zero'
      : ms > bound.max
        ? `must be at most \`${formatDuration(bound.max)}\` (${bound.why}), got \`${formatDuration(ms)}\``
        : undefined,
  );
  const json = options.positive
    ? { type: 'string', pattern: DURATION_PATTERN }
    : { anyOf: [{ type: 'string', pattern: DURATION_PATTERN }, { const: 0 }] };
  return publishAs(schema, withDefault({ description: options.description, ...json, examples: ['30s', '500ms', '1m30s'] }, options));
}

/** A rate (`2000/s`, `120/m`), resolved to requests per second; at most LIMITS.rateRps. */
export function rateRps(options: UnitOptions) {
  const schema = unitField(parseRate, 'expected a rate such as `2000/s`', (rps) =>
    rps === 0
      ? 'must be more than zero'
      : rps > LIMITS.rateRps
        ? `must be at most \`${LIMITS.rateRps}/s\` (the most one generator can pace and count; see docs/commands.md "Limits"), got \`${Number(rps.toPrecision(6))}/s\``
        : undefined,
  );
  return publishAs(schema, withDefault({ description: options.description, type: 'string', pattern: RATE_PATTERN, examples: ['2000/s', '120/m'] }, options));
}

/** A size (`64B`, `1KiB`), resolved to bytes; at most `bound.max`. */
export function sizeBytes(options: UnitOptions & { bound: Bound }) {
  const { bound } = options;
  const schema = unitField(parseSize, 'expected a size such as `64B`', (bytes) =>
    bytes > bound.max ? `must be at most \`${formatSize(bound.max)}\` (${bound.why}), got \`${formatSize(bytes)}\`` : undefined,
  );
  return publishAs(
    schema,
    withDefault({ description: options.description, anyOf: [{ type: 'string', pattern: SIZE_PATTERN }, { const: 0 }], examples: ['64B', '1KiB'] }, options),
  );
}

/** A whole number within bounds, for counts (users, replicas): no unit. */
export function count(options: { description: string; min: number; max: number; default?: number }) {
  // Every count has a maximum: an unbounded one is how 50,000,000 sessions took 4 GB.
  return z
    .number()
    .int()
    .min(options.min)
    .max(options.max).meta({ description: options.description, ...(options.default === undefined ? {} : { default: options.default }) });
}

/** Regular expression source of a replica reference, shared with the JSON Schema. */
export const REPLICA_TARGET_PATTERN = '^(replica-[1-9][0-9]*|random)$';

/** A replica name as the topology names them (`replica-2`), or `random`. */
export const replicaTarget = z
  .string({ error: 'expected a replica name such as `replica-2`, or `random`' })
  .regex(new RegExp(REPLICA_TARGET_PATTERN), { error: (issue) => `expected a replica name such as \`replica-2\`, or \`random\`, got \`${String(issue.input)}\`` })
  .meta({ description: 'A replica name (`replica-1` is the first) or `random` (a random live replica).' });

/** A fault that carries no value: `store-kill: true`, or the key alone. */
export const flag = publishAs(
  z.unknown().transform((input, ctx) => {
    if (input === true || input === null) return true as const;
    ctx.addIssue({ code: 'custom', message: `expected \`true\` (the fault takes no value), got \`${JSON.stringify(input)}\``, input });
    return z.NEVER;
  }),
  { enum: [true, null], description: '`true`: this fault takes no value.' },
);

/** A store fault's value: `true` (the whole store), or one node of it by name (`master-2`). */
export const storeNode = publishAs(
  z.unknown().transform((input, ctx): true | string => {
    if (input === true || input === null) return true;
    if (typeof input === 'string' && /^[a-z][a-z0-9-]{0,62}$/.test(input)) return input;
    ctx.addIssue({ code: 'custom', message: `expected \`true\` (the whole store) or a node of a Redis Cluster such as \`master-2\`, got \`${JSON.stringify(input)}\``, input });
    return z.NEVER;
  }),
  { anyOf: [{ enum: [true, null] }, { type: 'string', pattern: '^[a-z][a-z0-9-]*$' }], description: '`true`: the whole store; a name (`master-2`): that node of a Redis Cluster.' },
);

/** Regular expression source of a CPU amount: cores (`0.25`) or Kubernetes millicores (`250m`). */
export const CPU_CORES_PATTERN = String.raw`^\s*-?\d+(\.\d+)?\s*m?\s*$`;

/**
 * A CPU amount in cores (`0.25`, or `250m` as Kubernetes writes it), above 0 and at most
 * `maxCores` (the machine's: a budget above it limits nothing).
 */
export function cpuCores(options: { description: string; maxCores: number }) {
  const schema = z.unknown().transform((input, ctx) => {
    const text = typeof input === 'number' ? String(input) : typeof input === 'string' ? input.trim() : undefined;
    const milli = text !== undefined && /^-?\d+(\.\d+)?\s*m$/.test(text);
    const cores = text === undefined || !new RegExp(CPU_CORES_PATTERN).test(text) ? Number.NaN : milli ? Number.parseFloat(text) / 1000 : Number(text);
    let message: string | undefined;
    if (Number.isNaN(cores)) message = `expected cores such as \`0.25\` or millicores such as \`250m\`, got \`${String(input)}\``;
    else if (cores <= 0) message = 'must be above 0 cores';
    else if (cores < 0.01) message = `\`${String(input)}\` is below 0.01 core, too little to run anything`;
    else if (cores > options.maxCores) message = `\`${String(input)}\` is above this machine's ${options.maxCores} cores: a budget must fit the machine`;
    if (message !== undefined) {
      ctx.addIssue({ code: 'custom', message, input });
      return z.NEVER;
    }
    return cores;
  });
  return publishAs(schema, {
    description: options.description,
    anyOf: [{ type: 'number', exclusiveMinimum: 0 }, { type: 'string', pattern: CPU_CORES_PATTERN }],
    examples: [0.25, '250m'],
  });
}
