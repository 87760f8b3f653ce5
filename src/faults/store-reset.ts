import { durationMs, flag } from '../syntax/fields.js';
import { formatDuration } from '../syntax/units.js';
import { defineFault, holdStoreToxic, passive } from './fault.js';

export interface StoreResetSpec {
  atMs: number;
  kind: 'store-reset';
  /** New connections are reset too for this long; 0: only the open ones, once. */
  forMs: number;
}

const options = { for: durationMs({ description: 'New connections are reset too for this long (default: only those open now).' }).optional() };

/**
 * Toxiproxy's `reset_peer`: every connection between replicas and store is reset (both sides get
 * ECONNRESET), and with `for`, every new one too until it ends. The store keeps running and keeps
 * its data: what users see is the replicas' reconnect policy (ioredis retries at once, backing
 * off to 200 ms).
 */
export const storeReset = defineFault<StoreResetSpec, typeof flag, typeof options>({
  kind: 'store-reset',
  summary:
    'Reset every connection between the replicas and the store (TCP RST, through statebench\'s proxy), and for `for` every ' +
    'new one: the store keeps running, the replicas\' reconnects decide what users see.',
  syntax: {
    description: 'Reset the connections between the replicas and the store (and new ones for `for`).',
    example: 'store-reset: true\n  for: 1s',
    value: flag,
    options,
    resolve: (_flag, o) => ({ forMs: o.for ?? 0 }),
  },
  storeAction: 'network',
  async apply(ctx) {
    const { spec } = ctx;
    await holdStoreToxic(ctx, { kind: 'reset' }, spec.forMs);
    return { detail: spec.forMs > 0 ? `connections reset, new ones too for ${spec.forMs} ms` : 'open connections reset', healed: true };
  },
  describe: (spec, tense) =>
    `the store's connections ${passive(tense, 'reset', true)}${spec.forMs > 0 ? `, and new ones for ${formatDuration(spec.forMs)}` : ''}`,
});
