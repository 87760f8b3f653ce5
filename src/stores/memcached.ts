import { TargetStartError } from '../errors.js';
import { MemcachedServer, memcachedAvailable, memcachedVersion } from './memcached-server.js';
import type { StoreBackend } from './store-backend.js';

/**
 * Memcached: a `memcached` statebench starts on a free port. It keeps nothing on disk, and past
 * its memory limit (`store.maxmemory`) it evicts the least recently used sessions.
 */
export const memcached: StoreBackend = {
  name: 'memcached',
  title: 'Memcached',
  settings: ['ttl', 'latency', 'jitter', 'maxmemory'],
  pauseHow: 'SIGSTOP',
  evictsByDefault: true,
  version: () => memcachedVersion(),

  unavailable: () => (memcachedAvailable() ? undefined : 'memcached is not on the PATH (install the memcached package)'),

  refuses(action) {
    return action === 'failover' ? 'Memcached has no replicas to promote; `store-failover` needs a replicated Redis' : undefined;
  },

  checkOptions(options) {
    return options.persistence
      ? [{ field: 'persistence', message: 'Memcached keeps nothing on disk: a killed memcached loses every session, whatever `persistence` says' }]
      : [];
  },

  async start(start) {
    if (!memcachedAvailable()) throw new TargetStartError('memcached is not on the PATH: install the memcached package');
    return MemcachedServer.start(start);
  },
};
