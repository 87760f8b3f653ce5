import { STORE_LATENCY, durationMs } from '../syntax/fields.js';
import { formatDuration } from '../syntax/units.js';
import { defineFault, holdStoreToxic, passive } from './fault.js';

export interface StoreSlowCloseSpec {
  atMs: number;
  kind: 'store-slow-close';
  /** How long a closed or broken connection stays open on the other side. */
  delayMs: number;
  forMs: number;
}

const value = durationMs({ description: 'How long a connection one side closed or broke stays open on the other side.', positive: true, bound: STORE_LATENCY });
const options = { for: durationMs({ description: 'How long closes are delayed.', positive: true }) };

/**
 * Toxiproxy's `slow_close`: while it holds, a connection the store closes (or that breaks: the
 * store was killed) stays open on the replicas' side for `delay`, and what they send into it is
 * lost. A dead store then looks hung instead of gone: requests wait out the command timeout
 * rather than failing at once. Nothing happens while no connection closes: pair it with
 * `store-kill` or `store-restart`.
 */
export const storeSlowClose = defineFault<StoreSlowCloseSpec, typeof value, typeof options>({
  kind: 'store-slow-close',
  summary:
    'For `for`, a connection between the replicas and the store that one side closes (or that breaks) stays open on the other ' +
    'side for the given delay (through statebench\'s proxy): a dead store looks hung until then. Pair it with `store-kill`.',
  syntax: {
    description: 'Delay the close of connections between the replicas and the store, for `for`.',
    example: 'store-slow-close: 2s\n  for: 10s',
    value,
    options,
    resolve: (delayMs, o) => ({ delayMs, forMs: o.for }),
  },
  storeAction: 'network',
  async apply(ctx) {
    const { spec } = ctx;
    await holdStoreToxic(ctx, { kind: 'slow-close', delayMs: spec.delayMs }, spec.forMs);
    return { target: `+${spec.delayMs}ms`, detail: `closes delayed by ${spec.delayMs} ms for ${spec.forMs} ms`, healed: true };
  },
  describe: (spec, tense) => `closing store connections ${passive(tense, `delayed by ${formatDuration(spec.delayMs)}`, true)} for ${formatDuration(spec.forMs)}`,
});
