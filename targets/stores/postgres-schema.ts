/**
 * The session table, as connect-pg-simple lays it out: the session id, the whole session as
 * JSON, and when it expires. Shared by statebench's PostgreSQL backend (which creates it once,
 * before any replica starts, so replicas never race on DDL) and the store modules.
 */
export const SESSION_TABLE = 'session';

export const SESSION_TABLE_DDL = [
  `CREATE TABLE IF NOT EXISTS ${SESSION_TABLE} (sid text PRIMARY KEY, sess jsonb NOT NULL, expire timestamptz NOT NULL)`,
  // For the expiry sweep, as connect-pg-simple's IDX_session_expire.
  `CREATE INDEX IF NOT EXISTS ${SESSION_TABLE}_expire_idx ON ${SESSION_TABLE} (expire)`,
];
