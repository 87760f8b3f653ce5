import { memcached as memcachedStore } from '../stores/memcached.js';
import type { Architecture } from './architecture.js';

export const memcached: Architecture = {
  name: 'memcached',
  help:
    'stateless replicas, sessions in Memcached (started by statebench on a free port) as one blob with a TTL, like connect-memcached; round robin. Load + save: two tabs can overwrite each other. Nothing on disk, and past `store.maxmemory` sessions are evicted.',
  stateLives: 'in Memcached',
  stateShort: 'sessions in Memcached',
  introduction: 'memcached keeps sessions in Memcached, a cache that may evict them',
  routing: 'round-robin',
  store: memcachedStore,
  targetStore: 'memcached',
};
