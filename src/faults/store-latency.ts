import type { Fault } from './fault.js';
import { hasSentinels, storeKindOf } from './store-kind.js';

/** Why SQLite takes no added store latency (also used for `store.latency`). */
export const SQLITE_NO_NETWORK =
  'SQLite is embedded: a store call is a function call on a local file, with no network hop to delay, and ' +
  'one SQLite file cannot be shared by replicas on other hosts (which is what added latency models); ' +
  'compare network stores (redis) under latency, and sqlite without it';

export const storeLatency: Fault = {
  kind: 'store-latency',
  summary:
    'From now on, add this much (± jitter) to every store round trip, through the TCP proxy statebench puts ' +
    'between the replicas and Redis (half on the way there, half on the way back).',
  actsOnStore: true,
  check(_spec, scenario, architecture) {
    if (storeKindOf(architecture) === 'sqlite') return SQLITE_NO_NETWORK;
    if (hasSentinels(scenario)) {
      return 'the latency proxy fronts one Redis address, but with `store.sentinels` replicas connect to whichever server is primary; not supported yet';
    }
    return undefined;
  },
  async apply({ topology, spec }) {
    if (topology.store === undefined) return { target: `+${spec.amount ?? 0}ms`, detail: 'no store: nothing to delay' };
    const latencyMs = spec.amount ?? 0;
    const jitterMs = spec.jitterMs ?? 0;
    await topology.setStoreLatency({ latencyMs, jitterMs });
    // The level is what tells one step from another in fault windows and phases.
    const level = `+${latencyMs}ms${jitterMs > 0 ? `±${jitterMs}ms` : ''}`;
    return { target: level, detail: `store round trip ${level}` };
  },
};
