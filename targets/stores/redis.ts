import { randomBytes } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { parseClusterUrl } from './cluster-url.js';
import { StoreUnavailableError, type Session, type SessionStore } from '../session.js';
import { parseSentinelUrl } from './sentinel-url.js';
import { parseReadReplicas } from './read-replicas.js';
import type { StoreOpenConfig } from './store-module.js';

/** Key prefix, so a shared Redis given by URL can tell statebench keys apart. */
const KEY_PREFIX = 'statebench:sess:';

/**
 * A dead or paused Redis must surface as quick 503s, not as requests that hang: a real app would
 * rather fail fast than pile up connections. ioredis defaults (offline queue, 20 retries, no
 * command timeout) would queue every request until Redis came back.
 */
const COMMAND_TIMEOUT_MS = 1000;
const CONNECT_TIMEOUT_MS = 1000;
/** Reconnect backoff cap: recovery after `restartStore` is bounded by this, so keep it short. */
const MAX_RECONNECT_DELAY_MS = 200;

/**
 * Sessions as JSON strings in Redis with a TTL, like connect-redis. How the TTL moves follows
 * `rolling` (StoreOpenConfig): absent, every save sets it anew (SET EX); `true`, every load
 * does too (GETEX, connect-redis' touch); `false`, it counts from the session's creation
 * (SET PXAT createdAt + TTL). With read replicas (`store.readFrom: replica`), a request that only
 * reads loads from one of them in turn: what it shows may lag behind what was acknowledged.
 */
export class RedisStore implements SessionStore {
  readonly kind = 'redis';
  readonly external = true;
  private nextReader = 0;

  private constructor(
    private readonly redis: Redis,
    private readonly ttlS: number,
    private readonly rolling: boolean | undefined,
    /** Read replicas (`store.readFrom: replica`); empty: every load goes to the primary. */
    private readonly readers: readonly Redis[],
  ) {}

  /** Connects before resolving, so a replica reports ready only once it can serve sessions. */
  static async connect(url: string, ttlS: number, rolling?: boolean): Promise<RedisStore> {
    const { primary, readers } = await openRedisWithReaders(url);
    return new RedisStore(primary, ttlS, rolling, readers);
  }

  async load(token: string): Promise<Session | undefined> {
    let json: string | null;
    try {
      json = this.rolling === true ? await this.redis.getex(KEY_PREFIX + token, 'EX', this.ttlS) : await this.redis.get(KEY_PREFIX + token);
    } catch (err) {
      throw unavailable(err);
    }
    return parse(json);
  }

  /**
   * From a read replica, in turn, when there are any. A session the replica has not received yet
   * (a login moments ago) is read from the primary, as read-scaling apps do, rather than
   * answered 401: lag shows as stale carts, never as a user logged out.
   */
  async loadForRead(token: string): Promise<Session | undefined> {
    if (this.readers.length === 0) return this.load(token);
    const reader = this.readers[this.nextReader++ % this.readers.length];
    let json: string | null;
    try {
      // A replica is read-only: a rolling session is touched on the primary beside the read.
      [json] = await Promise.all([reader.get(KEY_PREFIX + token), this.rolling === true ? this.redis.expire(KEY_PREFIX + token, this.ttlS) : undefined]);
    } catch (err) {
      throw unavailable(err);
    }
    return json === null ? this.load(token) : parse(json);
  }

  async save(token: string | undefined, session: Session): Promise<string> {
    const id = token ?? randomBytes(18).toString('base64url');
    try {
      if (this.rolling === false) await this.redis.set(KEY_PREFIX + id, JSON.stringify(session), 'PXAT', session.createdAtMs + this.ttlS * 1000);
      else await this.redis.set(KEY_PREFIX + id, JSON.stringify(session), 'EX', this.ttlS);
    } catch (err) {
      throw unavailable(err);
    }
    return id;
  }

  async destroy(token: string): Promise<void> {
    try {
      await this.redis.del(KEY_PREFIX + token);
    } catch (err) {
      throw unavailable(err);
    }
  }

  async close(): Promise<void> {
    await Promise.all([closeRedis(this.redis), ...this.readers.map(closeRedis)]);
  }
}

function parse(json: string | null): Session | undefined {
  if (json === null) return undefined;
  try {
    return JSON.parse(json) as Session;
  } catch {
    return undefined;
  }
}

/**
 * The primary, and a client per read replica when the URL lists some (`?readReplicas=`, see
 * read-replicas.ts), all with the fail-fast settings below.
 */
export async function openRedisWithReaders(url: string): Promise<{ primary: Redis; readers: Redis[] }> {
  const target = parseReadReplicas(url);
  if (target === undefined) return { primary: await openRedis(url), readers: [] };
  const password = new URL(target.primaryUrl).password;
  const primary = await openRedis(target.primaryUrl);
  const readers: Redis[] = [];
  try {
    for (const r of target.replicas) {
      const auth = password === '' ? '' : `:${password}@`;
      readers.push(await openRedis(`redis://${auth}${r.host}:${r.port}`));
    }
  } catch (err) {
    await Promise.all([primary, ...readers].map(closeRedis));
    throw err;
  }
  return { primary, readers };
}

/**
 * A connected ioredis client with the fail-fast settings above; shared by the Redis stores so
 * they differ only in how they lay sessions out. Rejects with StoreUnavailableError.
 */
export async function openRedis(url: string): Promise<Redis> {
  const options = {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: CONNECT_TIMEOUT_MS,
    retryStrategy: (times: number) => Math.min(times * 20, MAX_RECONNECT_DELAY_MS),
  };
  const cluster = parseClusterUrl(url);
  if (cluster !== undefined) return openCluster(url, cluster, options);
  const sentinel = parseSentinelUrl(url);
  const redis = sentinel
    ? new Redis({
        ...options,
        sentinels: sentinel.sentinels,
        name: sentinel.name,
        ...(sentinel.password === undefined ? {} : { password: sentinel.password, sentinelPassword: sentinel.password }),
        // No `failoverDetector`: on +switch-master it calls the connector's disconnect(), and when
        // that lands while ioredis is asking a Sentinel where the primary is (which it does over
        // and over while the primary is dead), connect() rejects with "Connection is closed." and
        // ioredis gives up for good (status `end`, every command a 503 for the rest of the run;
        // seen on a busy machine: one replica of two never recovered). A killed primary closes
        // the connection anyway, and the reconnect loop below asks the Sentinels every ≤200 ms.
        sentinelRetryStrategy: (times: number) => Math.min(times * 20, MAX_RECONNECT_DELAY_MS),
        sentinelCommandTimeout: CONNECT_TIMEOUT_MS,
      })
    : new Redis(url, options);
  // Without a listener ioredis would crash the replica on every reconnect attempt; request
  // failures are reported to clients as 503s instead.
  redis.on('error', () => {});
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    // The address without its password: this message reaches the replica's log and statebench's output.
    throw new StoreUnavailableError(`cannot connect to Redis at ${withoutPassword(url)}: ${(err as Error).message}`);
  }
  return redis;
}

/**
 * ioredis' Cluster client over the nodes, failing as fast as a single Redis does: no offline
 * queue, one retry, the command timeout on every node. A command for the slots of a dead master
 * fails (a 503) while the other masters' slots are served. Typed as a `Redis`: the stores use
 * the commands both share (GET, SET, DEL, MULTI on one hash tag, scripts).
 */
async function openCluster(url: string, target: ReturnType<typeof parseClusterUrl> & object, options: Record<string, unknown>): Promise<Redis> {
  const cluster = new Cluster(target.nodes, {
    lazyConnect: true,
    // While the client learns the slots, commands wait (bounded by the command timeout); without
    // this queue the first slots refresh of a busy process fails and connect() never resolves.
    enableOfflineQueue: true,
    enableReadyCheck: true,
    maxRedirections: 4,
    retryDelayOnFailover: 50,
    retryDelayOnClusterDown: 50,
    retryDelayOnTryAgain: 50,
    slotsRefreshTimeout: CONNECT_TIMEOUT_MS,
    clusterRetryStrategy: (times: number) => Math.min(times * 20, MAX_RECONNECT_DELAY_MS),
    redisOptions: { ...options, lazyConnect: false, ...(target.password === undefined ? {} : { password: target.password }) },
  });
  cluster.on('error', () => {});
  try {
    await cluster.connect();
  } catch (err) {
    cluster.disconnect();
    throw new StoreUnavailableError(`cannot connect to the Redis Cluster at ${withoutPassword(url)}: ${(err as Error).message}`);
  }
  return cluster as unknown as Redis;
}

/** `redis://:secret@host:port` → `redis://host:port`, for messages. */
export function withoutPassword(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//');
}

/** Quits politely when Redis answers, and drops the connection either way. */
export async function closeRedis(redis: Redis): Promise<void> {
  try {
    await Promise.race([redis.quit(), new Promise((resolve) => setTimeout(resolve, 200).unref())]);
  } catch {
    // Quitting a dead connection fails; disconnect below is all that is left to do.
  }
  redis.disconnect();
}

/** A failed Redis command as the error the server turns into a 503. */
export function unavailable(err: unknown): StoreUnavailableError {
  return new StoreUnavailableError(`redis: ${(err as Error).message}`);
}

/** Store module entry (see store-module.ts). */
export function open(config: StoreOpenConfig): Promise<RedisStore> {
  return RedisStore.connect(config.url, config.sessionTtlS, config.rolling);
}
