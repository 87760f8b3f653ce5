import type { LoadSpec } from './load-spec.js';

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
