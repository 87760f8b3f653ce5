import type { PoolClient } from 'pg';
import type { AddedItem, CartItem, Session } from '../session.js';
import { PostgresStore, openPool, unavailable } from './postgres.js';
import { SESSION_TABLE } from './postgres-schema.js';
import type { StoreOpenConfig } from './store-module.js';

const LOCK_SQL = `SELECT sess FROM ${SESSION_TABLE} WHERE sid = $1 AND expire > now() FOR UPDATE`;
const UPDATE_SQL = `UPDATE ${SESSION_TABLE} SET sess = $2, expire = now() + $3 * interval '1 second' WHERE sid = $1`;

/**
 * The postgres store, with each cart add's read-modify-write in one transaction that locks the
 * row first (`SELECT … FOR UPDATE`): a second tab's add of the same session waits for the first
 * to commit and then reads the cart with its item, so no update is lost. The price is four round
 * trips per add (BEGIN, SELECT, UPDATE, COMMIT) instead of the plain store's two, and adds of one
 * session queue behind each other (bounded by the statement timeout). Sessions keep the blob
 * layout, so loads, logins and checkouts are the plain store's.
 */
export class PostgresTxStore extends PostgresStore {
  override readonly kind = 'postgres-tx';

  async addItem(token: string, item: CartItem): Promise<AddedItem | undefined> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw unavailable(err);
    }
    let failed: Error | undefined;
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ sess: Session }>(LOCK_SQL, [token]);
      const session = rows[0]?.sess;
      if (session === undefined) {
        await client.query('ROLLBACK');
        return undefined;
      }
      session.items.push(item);
      session.version++;
      await client.query(UPDATE_SQL, [token, JSON.stringify(session), this.lifetimeS(session)]);
      await client.query('COMMIT');
      return { count: session.items.length, version: session.version };
    } catch (err) {
      failed = err instanceof Error ? err : new Error(String(err));
      throw unavailable(err);
    } finally {
      // A connection that failed mid-transaction is in an unknown state: destroy it, never reuse it.
      client.release(failed);
    }
  }
}

/** The store module's entry point (see postgres.ts `open`). */
export async function open(config: StoreOpenConfig): Promise<PostgresTxStore> {
  return new PostgresTxStore(await openPool(config), config.sessionTtlS, config.rolling);
}
