/**
 * The session store settings of a scenario (`store:`), resolved: what every backend is started
 * with. A backend uses the settings that mean something for it and refuses, before anything
 * starts, the ones that cannot (see StoreBackend.checkOptions).
 */
export interface StoreOptions {
  /** Use an existing Redis at this URL instead of starting one (store faults then cannot apply). */
  redisUrl?: string;
  /** Keep data across a kill + restart (Redis `appendonly`, PostgreSQL `fsync`). */
  persistence: boolean;
  /** Session time to live, in whole seconds. */
  sessionTtlS: number;
  /**
   * Latency added to every store round trip by statebench's TCP proxy for the whole run. The
   * proxy is in the path when this is above 0 or a network fault is on the timeline.
   */
  latencyMs: number;
  jitterMs: number;
  /** Redis replicas of the primary (asynchronous replication); absent: a single Redis. */
  replicas?: number;
  /** Sentinels watching the primary; replicas then find it through them (`store-failover`). */
  sentinels?: number;
  /**
   * A Redis Cluster of this many masters (`replicas` is then the number of replicas of each),
   * formed with `redis-cli --cluster create`; replicas use ioredis' Cluster client.
   */
  cluster?: number;
  /** Memory limit of the store server, in bytes (Redis `maxmemory`, Memcached `-m`). */
  maxMemoryBytes?: number;
}

/** The defaults a scenario without `store:` runs with. */
export const STORE_DEFAULTS = {
  persistence: false,
  sessionTtlS: 30 * 60,
  latencyMs: 0,
  jitterMs: 0,
} as const satisfies StoreOptions;
