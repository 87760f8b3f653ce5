import { redisAvailable } from '../../src/stores/redis-server.js';

/** Redis tests run whenever redis-server is on the PATH (CI must have it); otherwise they skip, saying why. */
export const HAS_REDIS = redisAvailable();
if (!HAS_REDIS) {
  console.warn('redis-server is not on the PATH: Redis tests are skipped (install Redis to run them)');
}
