import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { StoreUnavailableError, type Session, type SessionStore } from '../session.js';
import type { StoreOpenConfig } from './store-module.js';

/**
 * How long a writer waits for another replica's write lock. better-sqlite3 is synchronous, so
 * this wait blocks the replica's event loop, as a lock does in any app embedding SQLite.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 2000;
/** Expired rows are deleted this often (plus a random jitter, so replicas do not sweep in step). */
const SWEEP_INTERVAL_MS = 60_000;

const SCHEMA = `CREATE TABLE IF NOT EXISTS sessions (
  token TEXT PRIMARY KEY,
  data TEXT NOT NULL,
  expires_at_ms INTEGER NOT NULL
) WITHOUT ROWID`;

/**
 * Creates the file in WAL mode with its schema. Switching to WAL needs an exclusive lock, so the
 * topology does it once before replicas open the file concurrently (WAL mode is stored in the file).
 */
export function prepareSqliteFile(path: string): void {
  const db = new Database(path);
  try {
    db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    db.pragma('journal_mode = WAL');
    db.exec(SCHEMA);
  } finally {
    db.close();
  }
}

/**
 * Sessions as JSON rows in one SQLite file that every replica opens (better-sqlite3, WAL). A save
 * overwrites the whole row, so two tabs' adds can overwrite each other: sqlite-tx.ts closes that.
 */
export class SqliteStore implements SessionStore {
  readonly kind: string = 'sqlite';
  readonly external = true;
  /** Open to subclasses, which add statements of their own (sqlite-tx.ts). */
  protected readonly db: Database.Database;
  private readonly selectStmt: Database.Statement<[string, number], { data: string }>;
  private readonly upsertStmt: Database.Statement<[string, string, number]>;
  private readonly deleteStmt: Database.Statement<[string]>;
  private readonly sweepStmt: Database.Statement<[number]>;
  /** `rolling: true`: a load extends the session too (a write: it takes the file's write lock). */
  private readonly touchStmt: Database.Statement<[number, string, number], { data: string }>;
  private readonly sweepTimer: NodeJS.Timeout;

  constructor(
    path: string,
    private readonly ttlMs: number,
    /** What extends a session (StoreOpenConfig.rolling): absent every save, `true` every load too, `false` nothing. */
    private readonly rolling?: boolean,
  ) {
    try {
      this.db = new Database(path);
      this.db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
      this.db.pragma('journal_mode = WAL');
      // NORMAL is the usual WAL setting: durable across app crashes, not across power loss.
      this.db.pragma('synchronous = NORMAL');
      this.db.exec(SCHEMA);
      this.selectStmt = this.db.prepare('SELECT data FROM sessions WHERE token = ? AND expires_at_ms > ?');
      this.upsertStmt = this.db.prepare(
        'INSERT INTO sessions (token, data, expires_at_ms) VALUES (?, ?, ?) ' +
          'ON CONFLICT(token) DO UPDATE SET data = excluded.data, expires_at_ms = excluded.expires_at_ms',
      );
      this.deleteStmt = this.db.prepare('DELETE FROM sessions WHERE token = ?');
      this.sweepStmt = this.db.prepare('DELETE FROM sessions WHERE expires_at_ms <= ?');
      this.touchStmt = this.db.prepare('UPDATE sessions SET expires_at_ms = ? WHERE token = ? AND expires_at_ms > ? RETURNING data');
    } catch (err) {
      throw unavailable(err);
    }
    this.sweepTimer = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS + Math.floor(Math.random() * 10_000));
    this.sweepTimer.unref();
  }

  async load(token: string): Promise<Session | undefined> {
    let row: { data: string } | undefined;
    try {
      const nowMs = Date.now();
      row = this.rolling === true ? this.touchStmt.get(nowMs + this.ttlMs, token, nowMs) : this.selectStmt.get(token, nowMs);
    } catch (err) {
      throw unavailable(err);
    }
    if (row === undefined) return undefined;
    try {
      return JSON.parse(row.data) as Session;
    } catch {
      return undefined;
    }
  }

  async save(token: string | undefined, session: Session): Promise<string> {
    const id = token ?? randomBytes(18).toString('base64url');
    try {
      this.upsertStmt.run(id, JSON.stringify(session), this.expiresAtMs(session, Date.now()));
    } catch (err) {
      throw unavailable(err);
    }
    return id;
  }

  async destroy(token: string): Promise<void> {
    try {
      this.deleteStmt.run(token);
    } catch (err) {
      throw unavailable(err);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.sweepTimer);
    try {
      this.db.close();
    } catch {
      // Already closed.
    }
  }

  /** When a save at `nowMs` makes `session` expire: the TTL from now, or from its creation (`rolling: false`). */
  protected expiresAtMs(session: Session, nowMs: number): number {
    return (this.rolling === false ? session.createdAtMs : nowMs) + this.ttlMs;
  }

  /** Exposed for tests: deletes expired rows now and returns how many went. */
  sweep(): number {
    try {
      return this.sweepStmt.run(Date.now()).changes;
    } catch {
      // A busy database skips this sweep; the next one catches up, and loads ignore expired rows.
      return 0;
    }
  }
}

/** A failed SQLite call (busy beyond the timeout, I/O) as the error the server turns into a 503. */
export function unavailable(err: unknown): StoreUnavailableError {
  return new StoreUnavailableError(`sqlite: ${(err as Error).message}`);
}

/** Store module entry (see store-module.ts): `url` is the file path. */
export async function open(config: StoreOpenConfig): Promise<SqliteStore> {
  return new SqliteStore(config.url, config.sessionTtlS * 1000, config.rolling);
}
