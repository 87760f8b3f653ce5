import { ARCHITECTURES } from '../architectures/index.js';
import type { ArchitectureResult } from '../result/types.js';

/**
 * Whether store figures apply to a run: its architecture keeps sessions in a store. Sticky and
 * cookie measure a store time of zero on every request (memory, the client), which is "no store",
 * not "a store that costs nothing": reports show `–` there, as they do for the store's CPU. The
 * registry says which architectures have one; a name it does not know (a result from a later
 * version) has one when a store time above zero was measured.
 */
export function storeApplies(run: Pick<ArchitectureResult, 'architecture' | 'store'>): boolean {
  // `redis+haproxy`: the architecture behind a balancer.
  const known = ARCHITECTURES.get(run.architecture.split('+')[0]);
  if (known !== undefined) return known.store !== undefined;
  return run.store.roundTripUs !== null && run.store.roundTripUs.max > 0;
}
