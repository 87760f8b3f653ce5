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
  /**
   * What the store does at its memory limit: evict sessions (`allkeys-lru`, `volatile-ttl`, …)
   * or refuse writes (`noeviction`: Redis answers OOM, users get 5xx). Absent: the server's
   * default (Redis: noeviction; Memcached: evicts least recently used).
   */
  maxMemoryPolicy?: MaxMemoryPolicy;
  /**
   * What extends a session's time to live: `true` every request (connect-redis' touch on
   * reads too), `false` nothing (it counts from login), absent every save (login, add,
   * checkout), as express-session with `resave: false` and no touch does.
   */
  rolling?: boolean;
  /**
   * Where replicas read sessions a request only reads (GET /cart): the primary, or one of its
   * replicas (`replica`, with `replicas`), as read-scaling setups do. Requests that change the
   * session read it from the primary, so a stale read never turns into a lost write.
   */
  readFrom?: ReadFrom;
  /** One-way delay added to the replication link from primary to replicas (a latency proxy), ms. */
  replicationLatencyMs?: number;
}

export type ReadFrom = 'primary' | 'replica';

/** Redis' `maxmemory-policy` values. */
export const MAX_MEMORY_POLICIES = [
  'noeviction',
  'allkeys-lru',
  'allkeys-lfu',
  'allkeys-random',
  'volatile-lru',
  'volatile-lfu',
  'volatile-random',
  'volatile-ttl',
] as const;
export type MaxMemoryPolicy = (typeof MAX_MEMORY_POLICIES)[number];

/**
 * Whether the store evicts sessions at its memory limit under these settings: a limit is set and
 * the policy evicts (every session has a time to live, so the `volatile-*` policies evict too);
 * with `defaultEvicts`, what the server does without a policy (Memcached evicts, Redis refuses).
 */
export function evictsSessions(options: Pick<StoreOptions, 'maxMemoryBytes' | 'maxMemoryPolicy'>, defaultEvicts: boolean): boolean {
  if (options.maxMemoryBytes === undefined) return false;
  return options.maxMemoryPolicy === undefined ? defaultEvicts : options.maxMemoryPolicy !== 'noeviction';
}

/**
 * A store setting compared within one run (`store.readFrom: [primary, replica]`): every
 * architecture whose store honours it runs once per value, labelled `redis+readFrom=replica`.
 */
export interface StoreVariants {
  /** As written in `store:`. */
  setting: ComparedSetting;
  values: (string | boolean)[];
}

/** The `store:` settings a run can compare, and the StoreOptions field each sets. */
export const COMPARED_SETTINGS = { readFrom: 'readFrom', rolling: 'rolling', maxmemoryPolicy: 'maxMemoryPolicy' } as const;
export type ComparedSetting = keyof typeof COMPARED_SETTINGS;

/** The store options of one variant. */
export function withVariant(store: StoreOptions, setting: ComparedSetting, value: string | boolean): StoreOptions {
  return { ...store, [COMPARED_SETTINGS[setting]]: value };
}

/** The store options of every variant: each value of a compared setting, or the options alone. */
export function storeVariantsOf(store: StoreOptions, variants: StoreVariants | undefined): StoreOptions[] {
  return variants === undefined ? [store] : variants.values.map((value) => withVariant(store, variants.setting, value));
}

/** `redis+readFrom=replica`: an architecture run with one value of a compared store setting. */
export function storeVariantLabel(architecture: string, setting: ComparedSetting, value: string | boolean): string {
  return `${architecture}+${setting}=${String(value)}`;
}

/** The defaults a scenario without `store:` runs with. */
export const STORE_DEFAULTS = {
  persistence: false,
  sessionTtlS: 30 * 60,
  latencyMs: 0,
  jitterMs: 0,
} as const satisfies StoreOptions;
