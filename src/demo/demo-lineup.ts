import type { LoadSpec, Scenario } from '../scenario/types.js';
import type { ArchitectureName } from '../topology/types.js';

/** The architectures a demo shows and the load each one gets. */
export interface DemoLineup {
  /** One or two architectures, shown side by side in this order. */
  architectures: ArchitectureName[];
  /** The scenario's load divided between them: they run at the same time on the same cores. */
  load: LoadSpec;
  /** What was changed from the story and why, for the screen and the log. */
  notices: string[];
}

/**
 * Picks who is on stage: sticky and the first stateless architecture of the story (two panels
 * fit an 80-column terminal; more would make each unreadable), with `redis` replaced by `sqlite`
 * when no Redis can be had, and the load split evenly between them.
 */
export function demoLineup(scenario: Scenario, opts: { redisUsable: boolean }): DemoLineup {
  const notices: string[] = [];
  let listed = [...scenario.architectures];
  if (!opts.redisUsable && listed.includes('redis')) {
    listed = listed.map((a) => (a === 'redis' ? 'sqlite' : a));
    notices.push('redis-server is not installed: sqlite (a shared SQLite file) plays the stateless part');
  }
  listed = listed.filter((a, i) => listed.indexOf(a) === i);
  const stateless = listed.filter((a) => a !== 'sticky');
  const architectures: ArchitectureName[] = listed.includes('sticky') && stateless.length > 0 ? ['sticky', stateless[0]] : listed.slice(0, 2);
  const left = listed.filter((a) => !architectures.includes(a));
  if (left.length > 0) notices.push(`a demo shows two architectures side by side: ${left.join(', ')} left out`);
  return { architectures, load: divideLoad(scenario.load, architectures.length), notices };
}

/** The load one of `parts` simultaneous architectures gets: users, rates and session pools divided, rounded up. */
export function divideLoad(load: LoadSpec, parts: number): LoadSpec {
  const share = (n: number): number => Math.max(1, Math.ceil(n / parts));
  if (load.model === 'closed') return { ...load, users: share(load.users) };
  return {
    ...load,
    rateRps: load.rateRps / parts,
    ...(load.rampToRps === undefined ? {} : { rampToRps: load.rampToRps / parts }),
    sessions: share(load.sessions),
    maxBacklog: share(load.maxBacklog),
  };
}
