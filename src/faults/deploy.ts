import { z } from 'zod';
import { durationMs } from '../syntax/fields.js';
import { formatDuration } from '../syntax/units.js';
import { defineFault, passive } from './fault.js';

export interface DeploySpec {
  atMs: number;
  kind: 'deploy';
  /** Pause between one replica being healthy again and restarting the next. */
  intervalMs: number;
}

const DEFAULT_INTERVAL_MS = 1000;

const value = z.strictObject({
  interval: durationMs({ description: 'Pause between one replica being healthy again and restarting the next.', default: formatDuration(DEFAULT_INTERVAL_MS) }).optional(),
});

export const deploy = defineFault<DeploySpec, typeof value>({
  kind: 'deploy',
  summary:
    'Rolling restart of every replica, one at a time: out of the balancer, SIGTERM (in-flight requests finish), ' +
    'start again, back in once healthy; `interval` between replicas.',
  syntax: {
    description: 'Rolling restart of every replica, one at a time (a release).',
    example: 'deploy: {interval: 2s}',
    value,
    resolve: (v) => ({ intervalMs: v.interval ?? DEFAULT_INTERVAL_MS }),
  },
  // Every replica, one after the other, whatever its state: no named target, so the timeline
  // check (replica-conflicts.ts) takes replica states as unknown from here.
  replicaChange: () => ({ needs: ['up', 'paused', 'killed', 'stopped'], leaves: 'up' }),
  // Every replica restarts: sticky sessions in any of them are gone.
  losesSessions: () => ({ cause: 'replica-died' }),
  async apply({ topology, spec, sleep, signal }) {
    // The replicas at the start of the deploy; one added meanwhile already runs the new version.
    const names = topology.replicas.map((r) => r.name);
    const done: string[] = [];
    for (const name of names) {
      if (done.length > 0) await sleep(spec.intervalMs);
      if (signal.aborted) break;
      // Deregistered from the balancer before it stops, as a well-configured rolling deploy
      // does, so stateless users feel nothing and what sticky users lose is the state alone.
      // redeploy() waits for /healthz, so the next replica goes only once this one serves again.
      await topology.redeploy(name);
      done.push(name);
    }
    const cut = done.length < names.length ? ` (the window ended before ${names.slice(done.length).join(', ')})` : '';
    return { detail: `restarted ${done.join(', ')} one at a time, ${spec.intervalMs} ms apart${cut}` };
  },
  describe: (_spec, tense) => `every replica ${passive(tense, 'redeployed')} in turn`,
});
