import type { Architecture } from './architecture.js';
import { cookie } from './cookie.js';
import { redisAtomic } from './redis-atomic.js';
import { redis } from './redis.js';
import { sqliteTx } from './sqlite-tx.js';
import { sqlite } from './sqlite.js';
import { sticky } from './sticky.js';

/** Every architecture, keyed by the word users write, in the order help and defaults list them. */
export const ARCHITECTURES: ReadonlyMap<string, Architecture> = new Map(
  [sticky, redis, redisAtomic, sqlite, sqliteTx, cookie].map((a) => [a.name, a]),
);

/** The names users may write in `architectures:`. */
export const ARCHITECTURE_NAMES: readonly string[] = [...ARCHITECTURES.keys()];

/** The architecture named `name`; throws for a name validation should have refused. */
export function architecture(name: string): Architecture {
  const found = ARCHITECTURES.get(name);
  if (found === undefined) throw new Error(`unknown architecture ${name} (known: ${ARCHITECTURE_NAMES.join(', ')})`);
  return found;
}

/** `help` of every architecture, as one block for `--help`: long names get a line of their own. */
export function architecturesHelp(): string {
  const indent = ' '.repeat(11);
  const lines = ['Architectures:'];
  for (const a of ARCHITECTURES.values()) {
    const [first, ...rest] = a.help.split('\n');
    if (a.name.length > 8) lines.push(`  ${a.name}`, `${indent}${first}`);
    else lines.push(`  ${a.name.padEnd(9)}${first}`);
    lines.push(...rest.map((l) => `${indent}${l}`));
  }
  return lines.join('\n');
}

export type { Architecture } from './architecture.js';
