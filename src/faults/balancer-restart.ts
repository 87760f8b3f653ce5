import { flag } from '../syntax/fields.js';
import { defineFault, passive } from './fault.js';

export interface BalancerRestartSpec {
  atMs: number;
  kind: 'balancer-restart';
}

export const balancerRestart = defineFault<BalancerRestartSpec, typeof flag>({
  kind: 'balancer-restart',
  summary: 'Start the killed load balancer again on its port, with the replicas as they are now; done when it accepts connections.',
  syntax: { description: 'Start the killed load balancer again.', example: 'balancer-restart: true', value: flag, resolve: () => ({}) },
  needsBalancer: true,
  async apply({ topology }) {
    await topology.restartBalancer();
    return {};
  },
  describe: (_spec, tense) => `the load balancer ${passive(tense, 'restarted')}`,
});
