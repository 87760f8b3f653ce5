import type Database from 'better-sqlite3';
import { sleep } from '../process/health-check.js';

/** A replica's write holds the lock for microseconds; giving up after this means something is wrong. */
const ACQUIRE_TIMEOUT_MS = 5000;

/**
 * `store-pause` for SQLite: another connection (in the statebench process) holds
 * `BEGIN EXCLUSIVE` on the sessions file until {@link release}. In WAL mode that blocks every
 * writer but not readers, so requests that save a session wait out the replicas'
 * `busy_timeout` and fail, while pure reads still succeed: what an embedded store does when a
 * migration, a backup or a long transaction holds the write lock.
 *
 * Acquiring never blocks statebench's event loop (busy_timeout 0 and an asynchronous retry),
 * because the load generator runs on it.
 */
export class SqliteLock {
  private db: Database.Database | undefined;

  constructor(private readonly path: string) {}

  get held(): boolean {
    return this.db?.inTransaction ?? false;
  }

  /** Resolves once the exclusive lock is held. */
  async acquire(): Promise<void> {
    if (this.held) return;
    // Loaded here only: the addon costs startup time the other architectures need not pay.
    const { default: Sqlite } = await import('better-sqlite3');
    const db = new Sqlite(this.path);
    db.pragma('busy_timeout = 0');
    const deadlineMs = Date.now() + ACQUIRE_TIMEOUT_MS;
    for (;;) {
      try {
        db.exec('BEGIN EXCLUSIVE');
        this.db = db;
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadlineMs) {
          db.close();
          throw err;
        }
      }
      await sleep(1);
    }
  }

  /** Ends the transaction (nothing was written) and closes the connection. */
  release(): void {
    const db = this.db;
    this.db = undefined;
    if (db === undefined) return;
    try {
      if (db.inTransaction) db.exec('ROLLBACK');
    } finally {
      db.close();
    }
  }
}
