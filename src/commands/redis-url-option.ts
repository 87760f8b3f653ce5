import { InvalidInputError } from '../errors.js';
import { redisUrlProblem } from '../syntax/url.js';

/** `--redis-url` parsed before anything starts (exit 2, naming the option), as `store.redisUrl` is. */
export function checkRedisUrlOption(url: string): void {
  const problem = redisUrlProblem(url);
  if (problem !== undefined) throw new InvalidInputError([{ file: '--redis-url', path: '', message: problem }]);
}
