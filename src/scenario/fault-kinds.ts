import { z } from 'zod';
import { durationMs, publishAs, replicaTarget } from './fields.js';
import { formatDuration } from './units.js';
import type { FaultSpec } from './types.js';

/**
 * How one fault kind is written in a scenario file. The key users write (`kill`) is the kind;
 * its value and any extra keys beside `at` are validated by these schemas and resolved into a
 * FaultSpec. What the fault does at run time lives in src/faults/<kind>.ts, keyed by the same word.
 */
export interface FaultKind<V extends z.ZodType = z.ZodType, O extends z.ZodRawShape = z.ZodRawShape> {
  description: string;
  /** An entry as it appears in a file, for messages and docs. */
  example: string;
  /** The value written under the kind's key. */
  value: V;
  /** Keys allowed beside `at` and the kind's key (optional ones wrapped in `.optional()`). */
  options: O;
  /** The FaultSpec fields other than `atMs` and `kind`. */
  resolve(value: z.output<V>, options: z.output<z.ZodObject<O>>): Omit<FaultSpec, 'atMs' | 'kind'>;
  /** Replicas added (+) or removed (−): later faults may then name more, or fewer, replicas. */
  replicaDelta?(spec: FaultSpec): number;
  /** Whether `value` names a replica, so the name can be checked against the replicas that exist then. */
  targetsReplica?: boolean;
}

// Only for inference: each kind's resolve() sees its own value and option types.
function defineFaultKind<V extends z.ZodType, O extends z.ZodRawShape = Record<never, never>>(
  kind: Omit<FaultKind<V, O>, 'options'> & { options?: O },
): FaultKind {
  return { ...kind, options: kind.options ?? {} } as unknown as FaultKind;
}

/** Store faults carry no value: `store-kill: true`, or the key alone. */
const flag = publishAs(
  z.unknown().transform((input, ctx) => {
    if (input === true || input === null) return true;
    ctx.addIssue({ code: 'custom', message: `expected \`true\` (the fault takes no value), got \`${JSON.stringify(input)}\``, input });
    return z.NEVER;
  }),
  { enum: [true, null], description: '`true`: this fault takes no value.' },
);

const scaleAmount = publishAs(
  z.unknown().transform((input, ctx) => {
    const n = typeof input === 'number' ? input : typeof input === 'string' && /^\s*[+-]\d+\s*$/.test(input) ? Number(input) : NaN;
    if (Number.isInteger(n) && n !== 0) return n;
    ctx.addIssue({ code: 'custom', message: `expected replicas to add or remove, such as \`+2\` or \`-1\`, got \`${JSON.stringify(input)}\``, input });
    return z.NEVER;
  }),
  {
    description: 'Replicas to add (`+2`) or remove (`-1`).',
    anyOf: [{ type: 'integer', not: { const: 0 } }, { type: 'string', pattern: '^\\s*[+-][0-9]+\\s*$' }],
  },
);

const DEFAULT_DEPLOY_INTERVAL_MS = 1000;

/**
 * Every fault kind a scenario may use, keyed by the word users write. Adding a kind: one entry
 * here (syntax) and one file in src/faults/ (behaviour).
 */
export const FAULT_KINDS: Record<string, FaultKind> = {
  kill: defineFaultKind({
    description: 'SIGKILL a replica (a crash: sessions in its memory are gone).',
    example: 'kill: replica-2',
    value: replicaTarget,
    targetsReplica: true,
    resolve: (target) => ({ target }),
  }),
  restart: defineFaultKind({
    description: 'Start a killed replica again, with the same name.',
    example: 'restart: replica-2',
    value: replicaTarget,
    targetsReplica: true,
    resolve: (target) => ({ target }),
  }),
  pause: defineFaultKind({
    description: 'SIGSTOP a replica (a GC pause or a hung host); resumes after `for`, or at a `resume` entry.',
    example: 'pause: replica-1\n  for: 1s',
    value: replicaTarget,
    options: { for: durationMs({ description: 'Resume automatically after this long.', positive: true }).optional() },
    targetsReplica: true,
    resolve: (target, options) => ({ target, forMs: options.for }),
  }),
  resume: defineFaultKind({
    description: 'SIGCONT a paused replica.',
    example: 'resume: replica-1',
    value: replicaTarget,
    targetsReplica: true,
    resolve: (target) => ({ target }),
  }),
  deploy: defineFaultKind({
    description: 'Rolling restart of every replica, one at a time (a release).',
    example: 'deploy: {interval: 2s}',
    value: z.strictObject({
      interval: durationMs({ description: 'Pause between one replica being healthy again and restarting the next.', default: formatDuration(DEFAULT_DEPLOY_INTERVAL_MS) }).optional(),
    }),
    resolve: (value) => ({ forMs: value.interval ?? DEFAULT_DEPLOY_INTERVAL_MS }),
  }),
  scale: defineFaultKind({
    description: 'Add (`+N`) or remove (`-N`, newest first) replicas under load.',
    example: 'scale: +2',
    value: scaleAmount,
    resolve: (amount) => ({ amount }),
    replicaDelta: (spec) => spec.amount ?? 0,
  }),
  'store-kill': defineFaultKind({
    description: 'Kill the session store process.',
    example: 'store-kill: true',
    value: flag,
    resolve: () => ({}),
  }),
  'store-restart': defineFaultKind({
    description: 'Start the killed store again.',
    example: 'store-restart: true',
    value: flag,
    resolve: () => ({}),
  }),
  'store-pause': defineFaultKind({
    description: 'Freeze the store for `for` (Redis: SIGSTOP; SQLite: a held exclusive lock).',
    example: 'store-pause: true\n  for: 2s',
    value: flag,
    options: { for: durationMs({ description: 'How long the store stays frozen.', positive: true }) },
    resolve: (_flag, options) => ({ forMs: options.for }),
  }),
  'store-latency': defineFaultKind({
    description: 'From now on, add this delay to every store round trip (through statebench\'s TCP proxy).',
    example: 'store-latency: 2ms\n  jitter: 0.5ms',
    value: durationMs({ description: 'Delay added to each store round trip.' }),
    options: { jitter: durationMs({ description: 'Random variation around the delay.' }).optional() },
    resolve: (delayMs, options) => ({ amount: delayMs, jitterMs: options.jitter }),
  }),
  'store-failover': defineFaultKind({
    description: 'Kill the store primary so a replica is promoted (replicated Redis only).',
    example: 'store-failover: true',
    value: flag,
    resolve: () => ({}),
  }),
};

/** The fault kinds' keys, in the order messages and the JSON Schema list them. */
export const FAULT_KIND_NAMES = Object.keys(FAULT_KINDS);
