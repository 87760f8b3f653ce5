import { STORE_LATENCY, durationMs } from '../syntax/fields.js';
import { formatLatencyUs } from '../syntax/figures.js';
import { defineFault, passive } from './fault.js';

export interface StoreLatencySpec {
  atMs: number;
  kind: 'store-latency';
  /** Added to every store round trip from now on. */
  latencyMs: number;
  /** Random variation around it. */
  jitterMs: number;
}

const value = durationMs({ description: 'Delay added to each store round trip.', bound: STORE_LATENCY });
const options = { jitter: durationMs({ description: 'Random variation around the delay.', bound: STORE_LATENCY }).optional() };

/** `+2ms±0.5ms`: what tells one latency step from another in fault windows and phases. */
export function latencyLevel(latencyMs: number, jitterMs: number): string {
  return `+${latencyMs}ms${jitterMs > 0 ? `±${jitterMs}ms` : ''}`;
}

export const storeLatency = defineFault<StoreLatencySpec, typeof value, typeof options>({
  kind: 'store-latency',
  summary:
    'From now on, add this much (± jitter) to every store round trip, through the TCP proxy statebench puts ' +
    'between the replicas and the store (half on the way there, half on the way back).',
  syntax: {
    description: "From now on, add this delay to every store round trip (through statebench's TCP proxy).",
    example: 'store-latency: 2ms\n  jitter: 0.5ms',
    value,
    options,
    resolve: (latencyMs, o) => ({ latencyMs, jitterMs: o.jitter ?? 0 }),
  },
  storeAction: 'network',
  steadyChange: 'store-latency',
  async apply({ topology, spec }) {
    await topology.setStoreLatency({ latencyMs: spec.latencyMs, jitterMs: spec.jitterMs });
    const level = latencyLevel(spec.latencyMs, spec.jitterMs);
    return { target: level, detail: `store round trip ${level}` };
  },
  async heal({ topology }) {
    await topology.setStoreLatency({ latencyMs: 0, jitterMs: 0 });
  },
  describe: (spec, tense) => `the store ${passive(tense, `slowed down by ${formatLatencyUs(spec.latencyMs * 1000)}`)}`,
});
