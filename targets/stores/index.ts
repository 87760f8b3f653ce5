import type { ReplicaConfig } from '../protocol.js';
import type { SessionStore } from '../session.js';

/** Store names a replica accepts in `ReplicaConfig.store`. */
export type StoreName = 'memory' | 'redis' | 'redis-atomic' | 'sqlite' | 'sqlite-tx' | 'cookie';

type StoreFactory = (config: ReplicaConfig) => Promise<SessionStore>;

/**
 * Modules load lazily so a memory replica never pays for ioredis or the SQLite addon at startup
 * (replica start time is on the path of every restart fault).
 */
const STORES: Record<StoreName, StoreFactory> = {
  memory: async (c) => new (await import('./memory.js')).MemoryStore(c.sessionTtlS * 1000),
  redis: async (c) => (await import('./redis.js')).RedisStore.connect(required(c, 'redisUrl'), c.sessionTtlS),
  'redis-atomic': async (c) =>
    (await import('./redis-atomic.js')).RedisAtomicStore.connect(required(c, 'redisUrl'), c.sessionTtlS),
  sqlite: async (c) => new (await import('./sqlite.js')).SqliteStore(required(c, 'sqlitePath'), c.sessionTtlS * 1000),
  'sqlite-tx': async (c) => new (await import('./sqlite-tx.js')).SqliteTxStore(required(c, 'sqlitePath'), c.sessionTtlS * 1000),
  cookie: async (c) => new (await import('./cookie.js')).CookieStore(required(c, 'cookieSecret'), c.sessionTtlS * 1000),
};

export const STORE_NAMES = Object.keys(STORES) as StoreName[];

/** Opens the store a replica config names; rejects on an unknown name or a missing setting. */
export async function createStore(config: ReplicaConfig): Promise<SessionStore> {
  const factory = (STORES as Record<string, StoreFactory | undefined>)[config.store];
  if (factory === undefined) {
    throw new Error(`unknown store "${config.store}" (known: ${STORE_NAMES.join(', ')})`);
  }
  return factory(config);
}

function required(config: ReplicaConfig, key: 'redisUrl' | 'sqlitePath' | 'cookieSecret'): string {
  const value = config[key];
  if (!value) throw new Error(`store "${config.store}" needs ${key} in the replica config`);
  return value;
}
