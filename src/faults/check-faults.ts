import type { Architecture } from '../architectures/architecture.js';
import type { StoreOptions } from '../stores/store-options.js';
import type { FaultSpecBase } from './fault.js';
import { FAULTS } from './index.js';

/** A problem with one timeline entry: its path in the scenario file, and why. */
export interface FaultProblem {
  path: (string | number)[];
  message: string;
}

/**
 * Whether each fault of the timeline can be carried out on each architecture that will run,
 * before anything starts: the store's refusal of what the fault needs, every `Fault.check`
 * reason, and a store fault in a scenario where no architecture has a store. A store fault on
 * sticky or cookie beside architectures that have a store is allowed: it changes nothing there,
 * which is the point of the comparison.
 *
 * `faults` in file order (the paths index into the file's list); identical reasons for several
 * architectures are reported once, naming them all.
 */
export function checkFaults(
  faults: readonly FaultSpecBase[],
  architectures: readonly Architecture[],
  store: StoreOptions,
  /** What routes requests in this scenario (`router`, `haproxy`): a balancer fault needs a real balancer. */
  balancers: readonly string[] = ['router'],
): FaultProblem[] {
  const problems: FaultProblem[] = [];
  faults.forEach((spec, index) => {
    const path = ['faults', index, spec.kind];
    const fault = FAULTS.get(spec.kind);
    if (fault === undefined) {
      problems.push({ path, message: `no fault named \`${spec.kind}\` is implemented (known: ${[...FAULTS.keys()].join(', ')})` });
      return;
    }
    if (fault.needsBalancer && !balancers.some((b) => b !== 'router')) {
      problems.push({ path, message: 'acts on a load balancer in front of the replicas, but this scenario routes in the load engine: add `balancer: haproxy` (or `[router, haproxy]`)' });
      return;
    }
    let targets = architectures;
    if (fault.storeAction !== undefined) {
      targets = architectures.filter((a) => a.store !== undefined);
      if (targets.length === 0) {
        const where = architectures.map((a) => `\`${a.name}\` keeps sessions ${a.stateLives}`).join(', ');
        problems.push({ path, message: `acts on the session store, but no architecture of this scenario has one (${where}): add one that does, such as \`redis\`` });
        return;
      }
    }
    const byReason = new Map<string, string[]>();
    for (const architecture of targets) {
      const reason =
        (fault.storeAction === undefined ? undefined : architecture.store?.refuses(fault.storeAction, store)) ??
        fault.check?.(spec, { architecture, store });
      if (reason !== undefined) byReason.set(reason, [...(byReason.get(reason) ?? []), architecture.name]);
    }
    for (const [reason, names] of byReason) {
      problems.push({ path, message: `cannot apply to ${names.map((n) => `\`${n}\``).join(', ')}: ${reason}` });
    }
  });
  return problems;
}

/**
 * {@link checkFaults} for each of several store settings (the values of a compared setting,
 * `store.readFrom: [primary, replica]`), each problem once.
 */
export function checkFaultsForStores(
  faults: readonly FaultSpecBase[],
  architectures: readonly Architecture[],
  stores: readonly StoreOptions[],
  balancers?: readonly string[],
): FaultProblem[] {
  const seen = new Set<string>();
  return stores
    .flatMap((store) => checkFaults(faults, architectures, store, balancers))
    .filter((p) => {
      const key = `${p.path.join('.')}\0${p.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}
