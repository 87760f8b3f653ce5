import type { Fault } from './fault.js';
import { pickTarget } from './kill.js';

export const pause: Fault = {
  kind: 'pause',
  summary: 'SIGSTOP a replica (a GC pause or hung host); with `for`, SIGCONT after that long.',
  async apply({ topology, spec, sleep }) {
    const replica = await topology.pause(pickTarget(spec.target));
    if (spec.forMs !== undefined) {
      await sleep(spec.forMs);
      await topology.resume(replica.name);
      return { target: replica.name, detail: `paused for ${spec.forMs} ms` };
    }
    return { target: replica.name };
  },
};
