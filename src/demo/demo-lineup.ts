import { divideLoad } from '../load/divide-load.js';
import type { LoadSpec, Scenario } from '../scenario/types.js';
import { ARCHITECTURES } from '../architectures/index.js';

/** The architectures a demo shows and the load each one gets. */
export interface DemoLineup {
  /** One or two architectures, shown side by side in this order. */
  architectures: string[];
  /** The scenario's load divided between them: they run at the same time on the same cores. */
  load: LoadSpec;
  /** What was changed from the story and why, for the screen and the log. */
  notices: string[];
}

/** The embedded store: it runs on any machine, so it stands in for a store that cannot. */
const STAND_IN = 'sqlite';

/**
 * Picks who is on stage: the first sticky architecture and the first stateless one of the story
 * (two panels fit an 80-column terminal; more would make each unreadable), with an architecture
 * whose store cannot run here (`unavailable` says why) replaced by `sqlite`, and the load split
 * evenly between them.
 */
export function demoLineup(scenario: Scenario, opts: { unavailable: (architecture: string) => string | undefined }): DemoLineup {
  const notices: string[] = [];
  let listed = scenario.architectures.map((a) => {
    const reason = opts.unavailable(a);
    if (reason === undefined) return a;
    notices.push(`${a} cannot run here (${reason}): ${STAND_IN} (a shared SQLite file) plays its part`);
    return STAND_IN;
  });
  listed = listed.filter((a, i) => listed.indexOf(a) === i);
  const isSticky = (a: string): boolean => ARCHITECTURES.get(a)?.routing === 'sticky';
  const sticky = listed.find(isSticky);
  const stateless = listed.filter((a) => !isSticky(a));
  const architectures = sticky !== undefined && stateless.length > 0 ? [sticky, stateless[0]] : listed.slice(0, 2);
  const left = listed.filter((a) => !architectures.includes(a));
  if (left.length > 0) notices.push(`a demo shows two architectures side by side: ${left.join(', ')} left out`);
  return { architectures, load: divideLoad(scenario.load, architectures.length), notices };
}

export { divideLoad } from '../load/divide-load.js';
