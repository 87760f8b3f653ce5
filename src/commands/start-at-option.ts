import { InvalidInputError } from '../errors.js';

/** How far ahead `--start-at` may be: a typo of a day is more likely than a wish to wait one. */
const MAX_AHEAD_MS = 24 * 3600 * 1000;
/**
 * How far behind it may be: a generator that came up a little late (a pod scheduled after the
 * others) begins at once, and `merge` reports how far its window is off; further back is a
 * stale manifest or a typo.
 */
const MAX_BEHIND_MS = 60_000;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * `--start-at <ISO time>`: when the load begins (warm-up first), so that the generators of a
 * sharded run begin together. A time with its zone (`2026-05-01T12:00:00Z`), within a day ahead
 * and at most a minute behind (then the load begins at once); returns ms since the epoch.
 * `nowMs` is for tests.
 */
export function parseStartAt(text: string, nowMs = Date.now()): number {
  const fail = (why: string): never => {
    throw new InvalidInputError([{ file: '--start-at', path: '', message: `${why}, got \`${text}\`` }]);
  };
  if (!ISO.test(text.trim())) return fail('expected an ISO 8601 time with its zone, such as `2026-05-01T12:00:00Z` (`date -u -d "+1 min" +%FT%TZ`)');
  const atMs = Date.parse(text.trim());
  if (Number.isNaN(atMs)) return fail('expected a real date and time');
  if (nowMs - atMs > MAX_BEHIND_MS) return fail(`expected a time in the future: it was ${Math.round((nowMs - atMs) / 1000)} s ago`);
  if (atMs - nowMs > MAX_AHEAD_MS) return fail('expected a time within a day');
  return atMs;
}
