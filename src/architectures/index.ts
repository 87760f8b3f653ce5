import type { Architecture } from './architecture.js';
import { cookie } from './cookie.js';
import { memcachedCas } from './memcached-cas.js';
import { memcached } from './memcached.js';
import { postgresTx } from './postgres-tx.js';
import { postgres } from './postgres.js';
import { redisAtomic } from './redis-atomic.js';
import { redis } from './redis.js';
import { sqliteTx } from './sqlite-tx.js';
import { sqlite } from './sqlite.js';
import { sticky } from './sticky.js';

/** Every architecture, keyed by the word users write, in the order help and defaults list them. */
export const ARCHITECTURES: ReadonlyMap<string, Architecture> = new Map(
  [sticky, redis, redisAtomic, sqlite, sqliteTx, cookie, memcached, memcachedCas, postgres, postgresTx].map((a) => [a.name, a]),
);

/** The names users may write in `architectures:`. */
export const ARCHITECTURE_NAMES: readonly string[] = [...ARCHITECTURES.keys()];

/** The architecture named `name`; throws for a name validation should have refused. */
export function architecture(name: string): Architecture {
  const found = ARCHITECTURES.get(name);
  if (found === undefined) throw new Error(`unknown architecture ${name} (known: ${ARCHITECTURE_NAMES.join(', ')})`);
  return found;
}

/** `help` of every architecture, as one block for `--help`, wrapped to `width`: long names get a line of their own. */
export function architecturesHelp(width = 80): string {
  const indent = ' '.repeat(11);
  const lines = ['Architectures:'];
  for (const a of ARCHITECTURES.values()) {
    const [first, ...rest] = wrap(a.help, width - indent.length);
    if (a.name.length > 8) lines.push(`  ${a.name}`, `${indent}${first}`);
    else lines.push(`  ${a.name.padEnd(9)}${first}`);
    lines.push(...rest.map((l) => `${indent}${l}`));
  }
  return lines.join('\n');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

export type { Architecture } from './architecture.js';
