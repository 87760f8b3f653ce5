import { postgres } from '../stores/postgres.js';
import type { Architecture } from './architecture.js';

export const postgresTx: Architecture = {
  name: 'postgres-tx',
  help:
    'as postgres, but a cart add runs in a transaction that locks the row (SELECT … FOR UPDATE), so concurrent adds wait for each other instead of overwriting.',
  stateLives: 'in a shared PostgreSQL database, changed under a row lock',
  stateShort: 'sessions in PostgreSQL (tx)',
  introduction: 'postgres-tx keeps sessions in PostgreSQL and changes a cart under a row lock',
  routing: 'round-robin',
  store: postgres,
  targetStore: 'postgres-tx',
};
