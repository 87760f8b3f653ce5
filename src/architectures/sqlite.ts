import { sqlite as sqliteStore } from '../stores/sqlite.js';
import type { Architecture } from './architecture.js';

export const sqlite: Architecture = {
  name: 'sqlite',
  help:
    'stateless replicas sharing one SQLite file (WAL mode) in a temp directory: the embedded store, no server process; round robin. Load + save, like redis.',
  stateLives: 'in one SQLite file all replicas share',
  stateShort: 'sessions in a SQLite file',
  introduction: 'sqlite keeps sessions in one SQLite file all replicas share',
  routing: 'round-robin',
  store: sqliteStore,
  targetStore: 'sqlite',
};
