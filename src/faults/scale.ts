import type { Fault } from './fault.js';

export const scale: Fault = {
  kind: 'scale',
  summary: 'Add (`+N`, started in parallel) or remove (`-N`, newest first, gracefully) replicas under load.',
  async apply({ topology, spec }) {
    const amount = spec.amount ?? 0;
    const target = amount > 0 ? `+${amount}` : String(amount);
    if (amount > 0) {
      const added = await Promise.all(Array.from({ length: amount }, () => topology.addReplica()));
      return { target, detail: `added ${added.map((r) => r.name).join(', ')}` };
    }
    const removed: string[] = [];
    // One at a time: removeReplica picks the newest live one, which a parallel call would race for.
    for (let i = 0; i < -amount; i++) removed.push((await topology.removeReplica()).name);
    return { target, detail: `removed ${removed.join(', ')}` };
  },
};
