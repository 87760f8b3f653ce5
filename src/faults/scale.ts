import { z } from 'zod';
import { publishAs } from '../syntax/fields.js';
import { LIMITS } from '../syntax/limits.js';
import { defineFault, passive } from './fault.js';

export interface ScaleSpec {
  atMs: number;
  kind: 'scale';
  /** Replicas to add (positive) or remove (negative, newest first). */
  delta: number;
}

const delta = publishAs(
  z.unknown().transform((input, ctx) => {
    const n = typeof input === 'number' ? input : typeof input === 'string' && /^\s*[+-]\d+\s*$/.test(input) ? Number(input) : NaN;
    if (Number.isInteger(n) && n !== 0 && Math.abs(n) <= LIMITS.replicas) return n;
    if (Number.isInteger(n) && Math.abs(n) > LIMITS.replicas) {
      ctx.addIssue({ code: 'custom', message: `must add or remove at most ${LIMITS.replicas} replicas (the most statebench runs at once), got \`${JSON.stringify(input)}\``, input });
      return z.NEVER;
    }
    ctx.addIssue({ code: 'custom', message: `expected replicas to add or remove, such as \`+2\` or \`-1\`, got \`${JSON.stringify(input)}\``, input });
    return z.NEVER;
  }),
  {
    description: 'Replicas to add (`+2`) or remove (`-1`).',
    anyOf: [{ type: 'integer', not: { const: 0 } }, { type: 'string', pattern: '^\\s*[+-][0-9]+\\s*$' }],
  },
);

export const scale = defineFault<ScaleSpec, typeof delta>({
  kind: 'scale',
  summary: 'Add (`+N`, started in parallel) or remove (`-N`, newest first, gracefully) replicas under load.',
  syntax: {
    description: 'Add (`+N`) or remove (`-N`, newest first) replicas under load.',
    example: 'scale: +2',
    value: delta,
    resolve: (d) => ({ delta: d }),
  },
  replicaDelta: (spec) => spec.delta,
  steadyChange: 'replicas',
  // Removing replicas stops them (the newest first): sticky sessions they held are gone.
  losesSessions: (event) => (event.target?.startsWith('-') ? { cause: 'replica-died' } : undefined),
  async apply({ topology, spec }) {
    const target = spec.delta > 0 ? `+${spec.delta}` : String(spec.delta);
    if (spec.delta > 0) {
      const added = await Promise.all(Array.from({ length: spec.delta }, () => topology.addReplica()));
      return { target, detail: `added ${added.map((r) => r.name).join(', ')}` };
    }
    const removed: string[] = [];
    // One at a time: removeReplica picks the newest live one, which a parallel call would race for.
    for (let i = 0; i < -spec.delta; i++) removed.push((await topology.removeReplica()).name);
    return { target, detail: `removed ${removed.join(', ')}` };
  },
  describe(spec, tense) {
    const n = Math.abs(spec.delta);
    return `${n} ${n === 1 ? 'replica' : 'replicas'} ${passive(tense, spec.delta > 0 ? 'added' : 'removed', n !== 1)}`;
  },
});
