import type { Replica, Router } from '../topology/types.js';

/**
 * The engine's router when a real balancer is in front: every request goes to the balancer's one
 * URL, and the balancer picks the replica (the engine learns which from `X-Replica`). It never
 * marks the balancer down: when the balancer is killed, every request is refused, and that is
 * what the run must show (a single balancer is a single point of failure).
 */
export function createBalancerRouter(url: string, name = 'balancer'): Router {
  const target: Replica = { name, url, pid: undefined, state: 'up' };
  return {
    // Affinity is the balancer's job (stick table or cookie); the engine pins nothing.
    sticky: false,
    attributesByHeader: true,
    pick: () => target,
    reportFailure: () => {},
    isUp: () => true,
    close: () => {},
  };
}
