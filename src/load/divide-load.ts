import type { ClosedLoad, LoadSpec, OpenLoad } from './load-spec.js';

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

/** Splits `total` into `n` near-equal whole shares (the first ones get the remainder). */
export function splitCount(total: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.floor(total / n) + (i < total % n ? 1 : 0));
}

/**
 * Part `i` (0-based) of `n` disjoint parts of one load, as k6 splits it into execution segments:
 * its users or sessions (whole shares adding up to the total), its share of the rate and
 * backlog. The worker threads of one engine (`load.workers`) and the generators of a sharded run
 * (`run --shard i/n`) divide a load this way.
 */
export function shareOfLoad(load: LoadSpec, n: number, i: number): LoadSpec {
  if (load.model === 'closed') return { ...load, users: splitCount(load.users, n)[i] } satisfies ClosedLoad;
  return {
    ...load,
    rateRps: load.rateRps / n,
    ...(load.rampToRps !== undefined ? { rampToRps: load.rampToRps / n } : {}),
    sessions: splitCount(load.sessions, n)[i],
    maxBacklog: Math.ceil(load.maxBacklog / n),
  } satisfies OpenLoad;
}

/** The first virtual user of part `i` of `n`: parts number their users from here, so no two share an id. */
export function firstUserOf(load: LoadSpec, n: number, i: number): number {
  const users = load.model === 'closed' ? load.users : load.sessions;
  return splitCount(users, n)
    .slice(0, i)
    .reduce((a, b) => a + b, 0);
}
