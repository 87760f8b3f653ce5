import { z } from 'zod';
import { durationMs, publishAs } from '../syntax/fields.js';
import { SIZE_PATTERN, formatDuration, formatSize, parseSize } from '../syntax/units.js';
import { defineFault, holdStoreToxic, passive } from './fault.js';

export interface StoreBandwidthSpec {
  atMs: number;
  kind: 'store-bandwidth';
  /** What each direction of each connection may carry. */
  bytesPerSecond: number;
  forMs: number;
}

/** The lowest rate: below it one session's round trip takes seconds. */
const MIN_BYTES_PER_SECOND = 1024;

/** `64KiB/s` (or `64KiB`: per second) → bytes per second. */
const rate = publishAs(
  z.unknown().transform((input, ctx) => {
    const text = typeof input === 'string' ? input.trim().replace(/\s*\/\s*s$/, '') : input;
    const parsed = parseSize(text);
    if (parsed.ok && parsed.value >= MIN_BYTES_PER_SECOND) return parsed.value;
    const message = parsed.ok
      ? `must be at least \`${formatSize(MIN_BYTES_PER_SECOND)}/s\` (below it one round trip takes seconds), got \`${String(input)}\``
      : `expected bytes per second such as \`64KiB/s\`, got \`${String(input)}\``;
    ctx.addIssue({ code: 'custom', message, input });
    return z.NEVER;
  }),
  {
    description: 'Bytes per second each direction of each connection may carry, such as `64KiB/s`.',
    type: 'string',
    pattern: SIZE_PATTERN.replace(/\\s\*\$$/, String.raw`\s*(?:/\s*s)?\s*$`),
    examples: ['64KiB/s', '1MiB/s'],
  },
);
const options = { for: durationMs({ description: 'How long the limit holds.', positive: true }) };

/**
 * Toxiproxy's `bandwidth` toxic: each direction of each connection between replicas and store
 * carries at most this rate, so a session's transfer time grows with its size: large sessions
 * (a cart of big items) queue behind each other where small ones barely notice. `store-latency`
 * delays every round trip alike; this delays by the byte.
 */
export const storeBandwidth = defineFault<StoreBandwidthSpec, typeof rate, typeof options>({
  kind: 'store-bandwidth',
  summary:
    'Limit each direction of each connection between the replicas and the store to this rate for `for` (through statebench\'s ' +
    'proxy): transfer time grows with session size, unlike `store-latency`.',
  syntax: {
    description: 'Limit the link between the replicas and the store to a rate per connection and direction, for `for`.',
    example: 'store-bandwidth: 64KiB/s\n  for: 3s',
    value: rate,
    options,
    resolve: (bytesPerSecond, o) => ({ bytesPerSecond, forMs: o.for }),
  },
  storeAction: 'network',
  async apply(ctx) {
    const { spec } = ctx;
    await holdStoreToxic(ctx, { kind: 'bandwidth', bytesPerSecond: spec.bytesPerSecond }, spec.forMs);
    return { target: `${formatSize(spec.bytesPerSecond)}/s`, detail: `${formatSize(spec.bytesPerSecond)}/s per connection and direction for ${spec.forMs} ms`, healed: true };
  },
  describe: (spec, tense) => `the store link ${passive(tense, `limited to ${formatSize(spec.bytesPerSecond)}/s`)} for ${formatDuration(spec.forMs)}`,
});
