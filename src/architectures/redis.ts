import { redis as redisStore } from '../stores/redis.js';
import type { Architecture } from './architecture.js';

export const redis: Architecture = {
  name: 'redis',
  help:
    'stateless replicas, sessions in Redis (a redis-server statebench starts on a free port, or --redis-url); requests go round robin to any replica. Each request loads the whole session and saves it back: two tabs adding at once can overwrite each other.',
  stateLives: 'in Redis',
  stateShort: 'sessions in Redis',
  introduction: 'redis keeps sessions in Redis, so any replica can serve anyone',
  routing: 'round-robin',
  store: redisStore,
  targetStore: 'redis',
};
