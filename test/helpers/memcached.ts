import { memcachedAvailable } from '../../src/stores/memcached-server.js';

/** Memcached tests run whenever memcached is on the PATH (CI must have it); otherwise they skip, saying why. */
export const HAS_MEMCACHED = memcachedAvailable();
if (!HAS_MEMCACHED) {
  console.warn('memcached is not on the PATH: Memcached tests are skipped (install memcached to run them)');
}
