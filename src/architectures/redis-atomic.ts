import { redis } from '../stores/redis.js';
import type { Architecture } from './architecture.js';

export const redisAtomic: Architecture = {
  name: 'redis-atomic',
  help:
    'as redis, but the cart is a Redis list beside a hash: an add is one script (RPUSH, HINCRBY), never a whole-session overwrite, so concurrent adds are all kept.',
  stateLives: 'in Redis, one field at a time',
  stateShort: 'sessions in Redis (atomic)',
  introduction: 'redis-atomic keeps sessions in Redis and changes a cart in one atomic step',
  routing: 'round-robin',
  store: redis,
  targetStore: 'redis-atomic',
};
