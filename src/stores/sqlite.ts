import { join } from 'node:path';
import { createRequire } from 'node:module';
import { SqliteLock } from './sqlite-lock.js';
import type { StoreBackend, StoreInstance, StoreMemory, StoreOptionProblem } from './store-backend.js';

/** Why SQLite cannot be "killed": no process of its own. */
export const SQLITE_NOT_KILLABLE =
  'SQLite is embedded: every replica opens the file itself, so there is no store process to kill, and ' +
  'deleting, renaming or chmod-ing the file does not reach the handles replicas already hold (they would ' +
  'go on serving while the report showed an outage). Use `store-pause` (another connection holds the ' +
  'write lock) for an SQLite outage';

/** Why SQLite takes no added store latency nor network faults. */
export const SQLITE_NO_NETWORK =
  'SQLite is embedded: a store call is a function call on a local file, with no network hop to delay, and ' +
  'one SQLite file cannot be shared by replicas on other hosts (which is what added latency models); ' +
  'compare network stores (redis) under latency, and sqlite without it';

/**
 * One SQLite file (WAL) in the topology's temporary directory, opened by every replica: the
 * embedded default, no server to install. Pausing it holds the write lock from another connection.
 */
export const sqlite: StoreBackend = {
  name: 'sqlite',
  settings: ['ttl'],
  pauseHow: 'write lock held',
  // The SQLite library better-sqlite3 was built with, as the replicas open the file.
  version: () => sqliteVersion(),
  title: 'an SQLite file',

  unavailable: () => undefined,

  refuses(action) {
    switch (action) {
      case 'process':
        return SQLITE_NOT_KILLABLE;
      case 'network':
        return SQLITE_NO_NETWORK;
      case 'failover':
        return 'SQLite is one file with no replica to promote; `store-failover` needs a replicated Redis';
      case 'pause':
        return undefined;
    }
  },

  checkOptions(options) {
    const problems: StoreOptionProblem[] = [];
    if (options.latencyMs > 0) problems.push({ field: 'latency', message: SQLITE_NO_NETWORK });
    if (options.jitterMs > 0) problems.push({ field: 'jitter', message: SQLITE_NO_NETWORK });
    return problems;
  },

  async start(start) {
    const path = join(start.dir, 'sessions.db');
    // Loaded here only: the addon costs startup time the other architectures need not pay.
    const { prepareSqliteFile } = await import('../../targets/stores/sqlite.js');
    prepareSqliteFile(path);
    let lock: SqliteLock | undefined;
    const instance: StoreInstance = {
      url: path,
      address: undefined,
      version: undefined,
      processes: () => new Map(),
      kill: notKillable,
      restart: notKillable,
      async pause() {
        lock ??= new SqliteLock(path);
        await lock.acquire();
      },
      async resume() {
        lock?.release();
      },
      memory: async () => sqliteMemory(path),
      async stop() {
        lock?.release();
      },
      killSync: () => {},
    };
    return instance;
  },
};

async function notKillable(): Promise<never> {
  throw new Error(SQLITE_NOT_KILLABLE);
}

interface ReadOnlyDatabase {
  prepare(sql: string): { pluck(): { get(): number } };
  close(): void;
}

/**
 * The pages the file uses (page count less free pages, times the page size: what the sessions
 * take, whatever the WAL still holds apart) and its rows, read through a read-only connection.
 */
function sqliteMemory(path: string): StoreMemory | undefined {
  let db: ReadOnlyDatabase | undefined;
  try {
    const Database = createRequire(import.meta.url)('better-sqlite3') as new (path: string, options: { readonly: boolean; fileMustExist: boolean }) => ReadOnlyDatabase;
    db = new Database(path, { readonly: true, fileMustExist: true });
    const pages = db.prepare('PRAGMA page_count').pluck().get() - db.prepare('PRAGMA freelist_count').pluck().get();
    const bytes = pages * db.prepare('PRAGMA page_size').pluck().get();
    const sessions = db.prepare('SELECT count(*) FROM sessions').pluck().get();
    return { bytes, measure: 'pages in use (page_count − freelist_count)', sessions };
  } catch {
    return undefined;
  } finally {
    db?.close();
  }
}

let cachedVersion: string | undefined;

function sqliteVersion(): string | undefined {
  if (cachedVersion !== undefined) return cachedVersion;
  try {
    const Database = createRequire(import.meta.url)('better-sqlite3') as new (path: string) => { prepare(sql: string): { pluck(): { get(): string } }; close(): void };
    const db = new Database(':memory:');
    cachedVersion = db.prepare('select sqlite_version()').pluck().get();
    db.close();
  } catch {
    // The addon did not load: the version stays unknown.
  }
  return cachedVersion;
}
