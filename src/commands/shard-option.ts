import { InvalidInputError } from '../errors.js';

/** The most generators one experiment is split between. */
export const MAX_SHARDS = 1000;

/**
 * `--shard i/n`: slice `i` (1 to n) of `n` disjoint slices of the load. Throws InvalidInputError
 * naming the flag and what was expected.
 */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const fail = (why: string): never => {
    throw new InvalidInputError([{ file: '--shard', path: '', message: `${why}, got \`${text}\`` }]);
  };
  if (m === null) return fail('expected `i/n`, slice i of n (e.g. `1/2` and `2/2` on two machines)');
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > MAX_SHARDS) return fail(`expected n from 1 to ${MAX_SHARDS}`);
  if (index < 1 || index > count) return fail(`expected i from 1 to n (${count}): slices are numbered from 1`);
  return { index, count };
}
