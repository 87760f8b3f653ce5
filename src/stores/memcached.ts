import { TargetStartError } from '../errors.js';
import { MemcachedServer, memcachedAvailable, memcachedVersion } from './memcached-server.js';
import type { StoreBackend, StoreOptionProblem } from './store-backend.js';

/**
 * Memcached: a `memcached` statebench starts on a free port. It keeps nothing on disk, and past
 * its memory limit (`store.maxmemory`) it evicts the least recently used sessions.
 */
export const memcached: StoreBackend = {
  name: 'memcached',
  title: 'Memcached',
  settings: ['ttl', 'latency', 'jitter', 'maxmemory', 'maxmemoryPolicy'],
  pauseHow: 'SIGSTOP',
  evictsByDefault: true,
  version: () => memcachedVersion(),

  unavailable: () => (memcachedAvailable() ? undefined : 'memcached is not on the PATH (install the memcached package)'),

  refuses(action) {
    return action === 'failover' ? 'Memcached has no replicas to promote; `store-failover` needs a replicated Redis' : undefined;
  },

  checkOptions(options) {
    const problems: StoreOptionProblem[] = [];
    if (options.persistence) problems.push({ field: 'persistence', message: 'Memcached keeps nothing on disk: a killed memcached loses every session, whatever `persistence` says' });
    const policy = options.maxMemoryPolicy;
    if (policy !== undefined && policy !== 'allkeys-lru' && policy !== 'noeviction') {
      problems.push({ field: 'maxmemoryPolicy', message: `Memcached evicts the least recently used items (\`allkeys-lru\`) or, with \`noeviction\` (its \`-M\`), refuses writes; it has no \`${policy}\`` });
    }
    return problems;
  },

  async start(start) {
    if (!memcachedAvailable()) throw new TargetStartError('memcached is not on the PATH: install the memcached package');
    return MemcachedServer.start(start);
  },
};
