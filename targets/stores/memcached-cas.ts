import type { AddedItem, CartItem } from '../session.js';
import type { StoreOpenConfig } from './store-module.js';
import { KEY_PREFIX, MemcachedStore, expiryS, isReply, openMemcached, parseSession, storeError, unavailable, validToken } from './memcached.js';

/**
 * How many times an add tries its read-modify-write before giving up with a 503. A bound keeps a
 * pathological hot key from spinning a replica. Four tabs adding to one cart with no think time
 * (the tests' worst case) collide on about a third of the tries, so a small bound such as 10 gave
 * up now and then on a busy machine; with 20 and the backoff below, the last try starts at most
 * ~0.35 s after the first, within the client's patience.
 */
const MAX_CAS_ATTEMPTS = 20;
/**
 * Retry pauses are random in [0, base × 2^attempt) ms, capped ("full jitter"): writers that
 * collided fall out of step instead of colliding again, and a writer that lost a few times
 * waits longer, so one cannot starve behind the others on a busy key.
 */
const RETRY_BASE_MS = 0.5;
const RETRY_CAP_MS = 20;

/**
 * The memcached blob layout, with cart adds done as optimistic read-modify-write: `gets` returns
 * the blob with its CAS unique, and `cas` stores the new blob only if nobody wrote the key since;
 * otherwise read again and retry. Two tabs adding at once then both keep their items (the lost
 * update of the plain store cannot happen), at the price of a retry round trip on a collision.
 * Loads, logins and checkouts are the plain store's; the client sends checkout only when no add
 * of the session is in flight, so its whole-session `set` has nothing to overwrite.
 */
export class MemcachedCasStore extends MemcachedStore {
  override readonly kind = 'memcached-cas';

  async addItem(token: string, item: CartItem): Promise<AddedItem | undefined> {
    if (!validToken(token)) return undefined;
    const key = KEY_PREFIX + token;
    for (let attempt = 1; attempt <= MAX_CAS_ATTEMPTS; attempt++) {
      let reply: { value: unknown; casUniq: string | number } | undefined;
      try {
        reply = await this.client.gets<string>(key);
      } catch (err) {
        throw unavailable(err);
      }
      if (reply === undefined) return undefined;
      const session = parseSession(reply.value);
      if (session === undefined) return undefined;
      session.items.push(item);
      session.version++;
      const json = JSON.stringify(session);
      try {
        await this.client.cas(key, json, { casUniq: reply.casUniq, lifetime: this.lifetimeOf(session) });
        return { count: session.items.length, version: session.version };
      } catch (err) {
        if (isReply(err, 'NOT_FOUND')) return undefined; // logged out or expired in between
        if (!isReply(err, 'EXISTS')) throw storeError(err, json);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** attempt)));
    }
    throw unavailable(new Error(`cart add gave up after ${MAX_CAS_ATTEMPTS} conflicting writes`));
  }

}

/** The store module's entry point (see memcached.ts `open`). */
export async function open(config: StoreOpenConfig): Promise<MemcachedCasStore> {
  return new MemcachedCasStore(await openMemcached(config.url), config.sessionTtlS, config.rolling);
}
