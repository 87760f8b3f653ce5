import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { AddedItem, CartItem, Session, SessionStore } from '../session.js';
import { closeRedis, openRedisWithReaders, unavailable } from './redis.js';
import type { StoreOpenConfig } from './store-module.js';

/** Not the blob store's prefix: both layouts may share one Redis given by URL. */
const KEY_PREFIX = 'statebench:asess:';

/**
 * Appends an item and bumps the version only if the session still exists, in one step: Redis
 * runs a script to completion before any other command, so the existence check cannot race a
 * logout or an expiry, and two adds can never see the same cart. Returns nil for an unknown
 * session, else {item count, version}.
 * KEYS: the session hash, the item list. ARGV: the item as JSON, the TTL in seconds, and `1` when
 * the TTL counts from the session's creation (`rolling: false`) rather than from now.
 */
const ADD_ITEM_LUA = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local count = redis.call('RPUSH', KEYS[2], ARGV[1])
local version = redis.call('HINCRBY', KEYS[1], 'version', 1)
if ARGV[3] == '1' then
  local at = tonumber(redis.call('HGET', KEYS[1], 'createdAtMs')) + tonumber(ARGV[2]) * 1000
  redis.call('PEXPIREAT', KEYS[1], at)
  redis.call('PEXPIREAT', KEYS[2], at)
else
  redis.call('EXPIRE', KEYS[1], ARGV[2])
  redis.call('EXPIRE', KEYS[2], ARGV[2])
end
return {count, version}`;

/** ioredis adds a method per `defineCommand`; this is its shape for the script above. */
interface WithAddItem {
  statebenchAddItem(sessionKey: string, itemsKey: string, itemJson: string, ttlS: number, fromCreation: '0' | '1'): Promise<[number, number] | null>;
}

/**
 * Sessions in Redis laid out per field, so a cart add never rewrites the whole session: the
 * user, version and creation time in a hash, the cart in a list beside it. An add is one
 * script (RPUSH + HINCRBY after an existence check, see ADD_ITEM_LUA); a load reads both keys
 * in one MULTI, so it sees the cart and version of one instant. Both are one round trip, like
 * the blob store's GET; the blob store's add costs two (GET, then SET).
 *
 * The keys share a hash tag (`{id}`), so the layout also works on Redis Cluster. Whole-session
 * saves (login, checkout) still replace the cart: the client sends checkout only when no add of
 * the session is in flight, so there is nothing for them to overwrite.
 */
export class RedisAtomicStore implements SessionStore {
  readonly kind = 'redis-atomic';
  readonly external = true;

  private nextReader = 0;

  private constructor(
    private readonly redis: Redis & WithAddItem,
    private readonly ttlS: number,
    /** See RedisStore: absent, saves and adds extend the TTL; `true`, loads too; `false`, it counts from creation. */
    private readonly rolling: boolean | undefined,
    private readonly readers: readonly Redis[],
  ) {}

  /** Connects before resolving, so a replica reports ready only once it can serve sessions. */
  static async connect(url: string, ttlS: number, rolling?: boolean): Promise<RedisAtomicStore> {
    const { primary, readers } = await openRedisWithReaders(url);
    // EVALSHA with a fallback to EVAL when Redis does not know the script (e.g. after a restart).
    primary.defineCommand('statebenchAddItem', { numberOfKeys: 2, lua: ADD_ITEM_LUA });
    return new RedisAtomicStore(primary as Redis & WithAddItem, ttlS, rolling, readers);
  }

  async load(token: string): Promise<Session | undefined> {
    return this.loadFrom(this.redis, token, this.rolling === true);
  }

  /** From a read replica in turn when there are any; one that lacks the session defers to the primary (see RedisStore). */
  async loadForRead(token: string): Promise<Session | undefined> {
    if (this.readers.length === 0) return this.load(token);
    const reader = this.readers[this.nextReader++ % this.readers.length];
    const [session] = await Promise.all([this.loadFrom(reader, token, false), this.rolling === true ? this.extend(token) : undefined]);
    return session ?? this.load(token);
  }

  private async extend(token: string): Promise<void> {
    await this.exec(this.redis.multi().expire(sessionKey(token), this.ttlS).expire(itemsKey(token), this.ttlS));
  }

  private async loadFrom(redis: Redis, token: string, extend: boolean): Promise<Session | undefined> {
    let replies: [Error | null, unknown][] | null;
    try {
      const tx = redis.multi().hgetall(sessionKey(token)).lrange(itemsKey(token), 0, -1);
      if (extend) tx.expire(sessionKey(token), this.ttlS).expire(itemsKey(token), this.ttlS);
      replies = await tx.exec();
    } catch (err) {
      throw unavailable(err);
    }
    if (replies === null) throw unavailable(new Error('transaction aborted'));
    const [[metaErr, meta], [itemsErr, items]] = replies as [[Error | null, Record<string, string>], [Error | null, string[]]];
    if (metaErr ?? itemsErr) throw unavailable(metaErr ?? itemsErr);
    if (meta.user === undefined) return undefined; // an empty hash: unknown or expired
    try {
      return {
        user: meta.user,
        items: items.map((json) => JSON.parse(json) as CartItem),
        version: Number(meta.version),
        createdAtMs: Number(meta.createdAtMs),
      };
    } catch {
      return undefined;
    }
  }

  async save(token: string | undefined, session: Session): Promise<string> {
    const id = token ?? randomBytes(18).toString('base64url');
    const items = itemsKey(id);
    const tx = this.redis
      .multi()
      .del(items)
      .hset(sessionKey(id), { user: session.user, version: session.version, createdAtMs: session.createdAtMs });
    if (session.items.length > 0) tx.rpush(items, ...session.items.map((i) => JSON.stringify(i)));
    if (this.rolling === false) {
      const atMs = session.createdAtMs + this.ttlS * 1000;
      tx.pexpireat(sessionKey(id), atMs).pexpireat(items, atMs);
    } else {
      tx.expire(sessionKey(id), this.ttlS).expire(items, this.ttlS);
    }
    await this.exec(tx);
    return id;
  }

  async addItem(token: string, item: CartItem): Promise<AddedItem | undefined> {
    let reply: [number, number] | null;
    try {
      reply = await this.redis.statebenchAddItem(sessionKey(token), itemsKey(token), JSON.stringify(item), this.ttlS, this.rolling === false ? '1' : '0');
    } catch (err) {
      throw unavailable(err);
    }
    return reply === null ? undefined : { count: reply[0], version: reply[1] };
  }

  async destroy(token: string): Promise<void> {
    try {
      await this.redis.del(sessionKey(token), itemsKey(token));
    } catch (err) {
      throw unavailable(err);
    }
  }

  async close(): Promise<void> {
    await Promise.all([closeRedis(this.redis), ...this.readers.map(closeRedis)]);
  }

  private async exec(tx: ReturnType<Redis['multi']>): Promise<void> {
    let replies: [Error | null, unknown][] | null;
    try {
      replies = await tx.exec();
    } catch (err) {
      throw unavailable(err);
    }
    const failed = replies === null ? new Error('transaction aborted') : replies.find(([e]) => e !== null)?.[0];
    if (failed) throw unavailable(failed);
  }
}

function sessionKey(token: string): string {
  return `${KEY_PREFIX}{${token}}`;
}

function itemsKey(token: string): string {
  return `${KEY_PREFIX}{${token}}:items`;
}

/** Store module entry (see store-module.ts). */
export function open(config: StoreOpenConfig): Promise<RedisAtomicStore> {
  return RedisAtomicStore.connect(config.url, config.sessionTtlS, config.rolling);
}
