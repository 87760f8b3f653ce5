import { memcached } from '../stores/memcached.js';
import type { Architecture } from './architecture.js';

export const memcachedCas: Architecture = {
  name: 'memcached-cas',
  help:
    'as memcached, but a cart add is gets + cas with a bounded retry: a concurrent add makes the cas fail and the add is retried on the fresh session, so no update is lost.',
  stateLives: 'in Memcached, changed with compare-and-swap',
  stateShort: 'sessions in Memcached (cas)',
  introduction: 'memcached-cas keeps sessions in Memcached and changes a cart with compare-and-swap',
  routing: 'round-robin',
  store: memcached,
  targetStore: 'memcached-cas',
};
