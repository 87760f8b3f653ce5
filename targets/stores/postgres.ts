import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { StoreUnavailableError, type Session, type SessionStore } from '../session.js';
import { SESSION_TABLE } from './postgres-schema.js';
import type { StoreOpenConfig } from './store-module.js';

/**
 * Connections per replica. A replica is one Node process whose requests each make one or two
 * short queries, so a few connections keep its event loop fed; more would not help on this
 * 2-core machine, where PostgreSQL itself saturates the cores with a handful of active backends,
 * and every connection is a backend process (memory, and CPU to schedule). Four also leaves
 * headroom for postgres-tx, whose adds hold a connection across their transaction while a
 * second tab's add of the same session waits for the row lock on another. 8 replicas × 4 stays
 * well under the server's max_connections (100).
 */
export const POOL_SIZE = 4;
/**
 * Fail fast: a dead or paused PostgreSQL must give quick 503s, not requests that hang. The
 * connection timeout also bounds the wait for a free pooled connection; the query timeout is
 * the client's own clock (a SIGSTOPped server cannot enforce anything), the statement timeout
 * the server's (a lock wait, a slow query).
 */
const CONNECT_TIMEOUT_MS = 1000;
const QUERY_TIMEOUT_MS = 1000;
/** How often each replica deletes expired rows, as connect-pg-simple prunes (every 15 min there; a run is shorter). */
const PRUNE_INTERVAL_MS = 60_000;
/** Closing a pool waits for its connections to say goodbye; a paused server never answers. */
const CLOSE_TIMEOUT_MS = 200;

const LOAD_SQL = `SELECT sess FROM ${SESSION_TABLE} WHERE sid = $1 AND expire > now()`;
const SAVE_SQL =
  `INSERT INTO ${SESSION_TABLE} (sid, sess, expire) VALUES ($1, $2, now() + $3 * interval '1 second') ` +
  `ON CONFLICT (sid) DO UPDATE SET sess = EXCLUDED.sess, expire = EXCLUDED.expire`;
/** `rolling: true`: a load extends the session too (connect-pg-simple's touch), in the same statement. */
const TOUCH_LOAD_SQL = `UPDATE ${SESSION_TABLE} SET expire = now() + $2 * interval '1 second' WHERE sid = $1 AND expire > now() RETURNING sess`;
const DESTROY_SQL = `DELETE FROM ${SESSION_TABLE} WHERE sid = $1`;
const PRUNE_SQL = `DELETE FROM ${SESSION_TABLE} WHERE expire < now()`;

/**
 * Sessions as rows of one table in a shared PostgreSQL, as connect-pg-simple keeps them: load
 * selects the blob while it has not expired, save upserts the whole blob with a new expiry (two
 * tabs can overwrite each other's cart), destroy deletes the row. One `pg` Pool per replica.
 */
export class PostgresStore implements SessionStore {
  readonly kind: string = 'postgres';
  readonly external = true;
  private readonly pruneTimer: NodeJS.Timeout;

  constructor(
    protected readonly pool: Pool,
    protected readonly ttlS: number,
    /** What extends a session (StoreOpenConfig.rolling): absent every save, `true` every load too, `false` nothing. */
    protected readonly rolling?: boolean,
  ) {
    this.pruneTimer = setInterval(() => void this.prune().catch(() => {}), PRUNE_INTERVAL_MS);
    this.pruneTimer.unref();
  }

  async load(token: string): Promise<Session | undefined> {
    const rows = this.rolling === true ? await this.query<{ sess: Session }>(TOUCH_LOAD_SQL, [token, this.ttlS]) : await this.query<{ sess: Session }>(LOAD_SQL, [token]);
    return rows[0]?.sess;
  }

  async save(token: string | undefined, session: Session): Promise<string> {
    const id = token ?? randomBytes(18).toString('base64url');
    await this.query(SAVE_SQL, [id, JSON.stringify(session), this.lifetimeS(session)]);
    return id;
  }

  async destroy(token: string): Promise<void> {
    await this.query(DESTROY_SQL, [token]);
  }

  /** Seconds from now a save gives `session` to live: the TTL, or what is left of it since creation (`rolling: false`). */
  protected lifetimeS(session: Session): number {
    return this.rolling === false ? (session.createdAtMs + this.ttlS * 1000 - Date.now()) / 1000 : this.ttlS;
  }

  /** Deletes expired rows; returns how many. */
  async prune(): Promise<number> {
    const result = await this.pool.query(PRUNE_SQL).catch((err: unknown) => {
      throw unavailable(err);
    });
    return result.rowCount ?? 0;
  }

  async close(): Promise<void> {
    clearInterval(this.pruneTimer);
    await Promise.race([this.pool.end().catch(() => {}), new Promise((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS).unref())]);
  }

  private async query<Row extends object>(sql: string, params: unknown[]): Promise<Row[]> {
    try {
      // pool.query releases a failed connection destroyed, so a timed-out one is never reused.
      return (await this.pool.query<Row>(sql, params)).rows;
    } catch (err) {
      throw unavailable(err);
    }
  }
}

/** The store module's entry point: connects before resolving, so a replica is ready only once it can serve sessions. */
export async function open(config: StoreOpenConfig): Promise<PostgresStore> {
  return new PostgresStore(await openPool(config), config.sessionTtlS, config.rolling);
}

/**
 * A pg Pool for `postgres://user:pw@host:port/db` with the fail-fast settings above, checked
 * with one query. `config.secret`, when given, is the password (so it need not travel in the URL).
 * Rejects with StoreUnavailableError.
 */
export async function openPool(config: StoreOpenConfig): Promise<Pool> {
  const pool = new Pool({
    connectionString: withPassword(config.url, config.secret),
    max: POOL_SIZE,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
    statement_timeout: QUERY_TIMEOUT_MS,
  });
  // An idle connection whose server died emits 'error'; without a listener the replica would crash.
  pool.on('error', () => {});
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await Promise.race([pool.end().catch(() => {}), new Promise((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS).unref())]);
    throw new StoreUnavailableError(`cannot connect to PostgreSQL at ${redact(config.url)}: ${(err as Error).message}`);
  }
  return pool;
}

/** A failed query as the error the server turns into a 503. */
export function unavailable(err: unknown): StoreUnavailableError {
  return new StoreUnavailableError(`postgres: ${err instanceof Error ? err.message : String(err)}`);
}

/** The URL with `secret` as its password (pg lets a connection string's fields win over separate ones). */
function withPassword(url: string, secret: string | undefined): string {
  if (secret === undefined) return url;
  const parsed = new URL(url);
  parsed.password = encodeURIComponent(secret);
  return parsed.toString();
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
