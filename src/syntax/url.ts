import { LIMITS } from './limits.js';
import { quoteInput } from './units.js';

/**
 * Why `text` is not a Redis URL statebench can connect to, or undefined when it is one: parsed
 * the way ioredis will parse it, so a URL that would fail after the topology started (exit 1,
 * `ERR_INVALID_URL`) is refused before anything starts instead.
 */
export function redisUrlProblem(text: unknown): string | undefined {
  const example = 'such as `redis://127.0.0.1:6379` or `rediss://:password@host:6380/0`';
  if (typeof text !== 'string') return `expected a Redis URL ${example}`;
  if (text.length > LIMITS.urlChars) return `must be at most ${LIMITS.urlChars} characters, got ${text.length}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `expected a Redis URL ${example}, got ${quoteInput(text)}, which is not a URL`;
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') return `expected a \`redis://\` or \`rediss://\` URL ${example}, got ${quoteInput(text)}`;
  if (url.hostname === '') return `names no host: expected a Redis URL ${example}, got ${quoteInput(text)}`;
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) return `the path of a Redis URL is a database number (\`/0\`), got \`/${db}\``;
  return undefined;
}
