import { postgres as postgresStore } from '../stores/postgres.js';
import type { Architecture } from './architecture.js';

export const postgres: Architecture = {
  name: 'postgres',
  help:
    'stateless replicas, sessions as rows (sid, sess jsonb, expire) in a PostgreSQL statebench starts itself (initdb in a temp dir), like connect-pg-simple; a pg pool per replica, round robin. Load + save of the whole row: two tabs can overwrite each other.',
  stateLives: 'in a shared PostgreSQL database',
  stateShort: 'sessions in PostgreSQL',
  introduction: 'postgres keeps sessions as rows of a shared PostgreSQL database',
  routing: 'round-robin',
  store: postgresStore,
  targetStore: 'postgres',
};
