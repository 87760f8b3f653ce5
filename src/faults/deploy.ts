import type { Fault } from './fault.js';

export const deploy: Fault = {
  kind: 'deploy',
  summary:
    'Rolling restart of every replica, one at a time: out of the balancer, SIGTERM (in-flight requests finish), ' +
    'start again, back in once healthy; `interval` between replicas.',
  async apply({ topology, spec, sleep, signal }) {
    // The replicas at the start of the deploy; one added meanwhile already runs the new version.
    const names = topology.replicas.map((r) => r.name);
    const intervalMs = spec.forMs ?? 0;
    const done: string[] = [];
    for (const name of names) {
      if (done.length > 0) await sleep(intervalMs);
      if (signal.aborted) break;
      // Deregistered from the balancer before it stops, as a well-configured rolling deploy
      // does, so stateless users feel nothing and what sticky users lose is the state alone.
      // redeploy() waits for /healthz, so the next replica goes only once this one serves again.
      await topology.redeploy(name);
      done.push(name);
    }
    const cut = done.length < names.length ? ` (the window ended before ${names.slice(done.length).join(', ')})` : '';
    return { detail: `restarted ${done.join(', ')} one at a time, ${intervalMs} ms apart${cut}` };
  },
};
