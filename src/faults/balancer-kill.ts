import { flag } from '../syntax/fields.js';
import { defineFault, passive } from './fault.js';

export interface BalancerKillSpec {
  atMs: number;
  kind: 'balancer-kill';
}

export const balancerKill = defineFault<BalancerKillSpec, typeof flag>({
  kind: 'balancer-kill',
  summary:
    'SIGKILL the load balancer in front (`balancer: haproxy`): every request is refused, whatever the architecture, ' +
    'until `balancer-restart` (a single balancer is a single point of failure); a sticky balancer forgets its pins.',
  syntax: { description: 'Kill the load balancer in front of the replicas.', example: 'balancer-kill: true', value: flag, resolve: () => ({}) },
  needsBalancer: true,
  async apply({ topology }) {
    await topology.killBalancer();
    return { detail: 'SIGKILL' };
  },
  async heal({ topology }) {
    await topology.restartBalancer();
  },
  describe: (_spec, tense) => `the load balancer ${passive(tense, 'killed')}`,
});
