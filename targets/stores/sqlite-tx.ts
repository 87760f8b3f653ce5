import type Database from 'better-sqlite3';
import type { AddedItem, CartItem, Session } from '../session.js';
import { SqliteStore, unavailable } from './sqlite.js';
import type { StoreOpenConfig } from './store-module.js';

/**
 * The sqlite store, with each cart add's read-modify-write inside one `BEGIN IMMEDIATE`
 * transaction. IMMEDIATE takes the file's write lock before the read, so another replica's add
 * waits (up to the busy timeout) instead of reading the same cart; a plain (deferred)
 * transaction would read first and, in WAL mode, fail with SQLITE_BUSY on the upgrade when
 * another writer got in between. Sessions keep the blob layout, so loads, logins and checkouts
 * are the sqlite store's own.
 *
 * better-sqlite3 runs the whole transaction synchronously, so inside one replica nothing can
 * interleave with it either; the price is that a replica waiting for the lock waits with its
 * event loop blocked, as any app embedding SQLite does.
 */
export class SqliteTxStore extends SqliteStore {
  override readonly kind = 'sqlite-tx';
  private readonly addTx: Database.Transaction<(token: string, item: CartItem, nowMs: number) => AddedItem | undefined>;

  constructor(path: string, ttlMs: number, rolling?: boolean) {
    super(path, ttlMs, rolling);
    try {
      const select = this.db.prepare<[string, number], { data: string }>('SELECT data FROM sessions WHERE token = ? AND expires_at_ms > ?');
      const update = this.db.prepare<[string, number, string]>('UPDATE sessions SET data = ?, expires_at_ms = ? WHERE token = ?');
      this.addTx = this.db.transaction((token: string, item: CartItem, nowMs: number): AddedItem | undefined => {
        const row = select.get(token, nowMs);
        if (row === undefined) return undefined;
        let session: Session;
        try {
          session = JSON.parse(row.data) as Session;
        } catch {
          return undefined; // unreadable, as the blob store's load treats it
        }
        session.items.push(item);
        session.version++;
        update.run(JSON.stringify(session), this.expiresAtMs(session, nowMs), token);
        return { count: session.items.length, version: session.version };
      });
    } catch (err) {
      void this.close(); // stops the base class's sweep timer too
      throw unavailable(err);
    }
  }

  async addItem(token: string, item: CartItem): Promise<AddedItem | undefined> {
    try {
      return this.addTx.immediate(token, item, Date.now());
    } catch (err) {
      throw unavailable(err);
    }
  }
}

/** Store module entry (see store-module.ts): `url` is the file path. */
export async function open(config: StoreOpenConfig): Promise<SqliteTxStore> {
  return new SqliteTxStore(config.url, config.sessionTtlS * 1000, config.rolling);
}
