import { sqlite } from '../stores/sqlite.js';
import type { Architecture } from './architecture.js';

export const sqliteTx: Architecture = {
  name: 'sqlite-tx',
  help:
    "as sqlite, but an add's read-modify-write runs in one BEGIN IMMEDIATE transaction, so concurrent adds wait for each other instead of overwriting.",
  stateLives: 'in one SQLite file, changed in transactions',
  stateShort: 'sessions in SQLite (tx)',
  introduction: 'sqlite-tx keeps sessions in one SQLite file and changes a cart in a transaction',
  routing: 'round-robin',
  store: sqlite,
  targetStore: 'sqlite-tx',
};
