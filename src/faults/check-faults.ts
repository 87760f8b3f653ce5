import type { FaultSpec, Scenario } from '../scenario/types.js';
import type { PathProblem } from '../scenario/zod-problems.js';
import { FAULTS } from './index.js';
import { sessionsLiveWhere, storeKindOf } from './store-kind.js';

/**
 * Whether each fault of the timeline can be carried out on each architecture of the scenario,
 * before anything starts: every `Fault.check` reason, and a store fault in a scenario where no
 * architecture has a store. A store fault on sticky or cookie beside architectures that have a
 * store is allowed: it changes nothing there, which is the point of the comparison.
 *
 * `faults` in file order (the problem paths index into the file's list); identical reasons for
 * several architectures are reported once, naming them all.
 */
export function checkFaults(faults: readonly FaultSpec[], scenario: Scenario): PathProblem[] {
  const problems: PathProblem[] = [];
  faults.forEach((spec, index) => {
    const path = ['faults', index, spec.kind];
    const fault = FAULTS.get(spec.kind);
    if (fault === undefined) {
      problems.push({ path, message: `no fault named \`${spec.kind}\` is implemented (known: ${[...FAULTS.keys()].join(', ')})` });
      return;
    }
    let architectures = scenario.architectures as string[];
    if (fault.actsOnStore) {
      architectures = architectures.filter((a) => storeKindOf(a) !== undefined);
      if (architectures.length === 0) {
        const where = scenario.architectures.map((a) => `\`${a}\` keeps sessions ${sessionsLiveWhere(a)}`).join(', ');
        problems.push({
          path,
          message: `acts on the session store, but no architecture of this scenario has one (${where}): add one that does, such as \`redis\``,
        });
        return;
      }
    }
    const byReason = new Map<string, string[]>();
    for (const architecture of architectures) {
      const reason = fault.check?.(spec, scenario, architecture);
      if (reason !== undefined) byReason.set(reason, [...(byReason.get(reason) ?? []), architecture]);
    }
    for (const [reason, names] of byReason) {
      problems.push({ path, message: `cannot apply to ${names.map((n) => `\`${n}\``).join(', ')}: ${reason}` });
    }
  });
  return problems;
}

