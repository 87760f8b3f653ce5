import { durationMs, flag } from '../syntax/fields.js';
import { formatDuration } from '../syntax/units.js';
import { defineFault, holdStoreToxic, passive } from './fault.js';

export interface StorePartitionSpec {
  atMs: number;
  kind: 'store-partition';
  /** How long nothing passes between replicas and store. */
  forMs: number;
}

const options = { for: durationMs({ description: 'How long nothing passes between the replicas and the store.', positive: true }) };

/**
 * Toxiproxy's `timeout` toxic with no timeout: the link between replicas and store goes dead,
 * connections stay open, and what was sent is delivered when it heals. Unlike `store-pause`, the
 * store itself stays healthy (other clients, replication, its own timers go on): what users see
 * is decided by the replicas' command timeout (1 s for Redis) and reconnect policy.
 */
export const storePartition = defineFault<StorePartitionSpec, typeof flag, typeof options>({
  kind: 'store-partition',
  summary:
    'Cut the network between the replicas and the store for `for` (through statebench\'s proxy): connections stay open ' +
    'and nothing passes; the store stays healthy, and the replicas\' command timeouts decide what users see.',
  syntax: {
    description: 'Nothing passes between the replicas and the store for `for` (the store itself stays up).',
    example: 'store-partition: true\n  for: 2s',
    value: flag,
    options,
    resolve: (_flag, o) => ({ forMs: o.for }),
  },
  storeAction: 'network',
  async apply(ctx) {
    const { spec } = ctx;
    await holdStoreToxic(ctx, { kind: 'partition' }, spec.forMs);
    return { detail: `nothing passed for ${spec.forMs} ms`, healed: true };
  },
  describe: (spec, tense) => `the store ${passive(tense, 'cut off from the replicas')} for ${formatDuration(spec.forMs)}`,
});
