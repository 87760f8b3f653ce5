import { randomBytes } from 'node:crypto';
// A CommonJS package: under plain Node only its default export is certain to have every name.
import memcache, { type MemcacheClient } from 'memcache-client';
import { SessionTooLargeError, StoreUnavailableError, type Session, type SessionStore } from '../session.js';
import type { StoreOpenConfig } from './store-module.js';

/** Key prefix, so a memcached shared with something else can tell statebench keys apart. */
export const KEY_PREFIX = 'statebench:sess:';

/**
 * A dead or paused memcached must surface as quick 503s, not as requests that hang; the client's
 * defaults wait 5 s for both. memcache-client checks command deadlines every
 * min(250, timeout / 4) ms, so a stalled command fails after 1.0–1.25 s.
 */
const COMMAND_TIMEOUT_MS = 1000;
const CONNECT_TIMEOUT_MS = 1000;
/** The client's default logger prints every connection error; a store outage is reported as 503s instead. */
const SILENT_LOGGER = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/**
 * memcached's default largest item (`-I 1m`); a bigger session is refused with SERVER_ERROR, and
 * memcached then also unlinks the key's old value (it never serves data a failed SET meant to
 * replace): the user's session is gone, as with an eviction.
 */
const ITEM_LIMIT_BYTES = 1024 * 1024;
/** Above 30 days memcached reads an expiry as an absolute Unix time, not as seconds from now. */
const MAX_RELATIVE_EXPIRY_S = 30 * 24 * 3600;

/**
 * Tokens travel in a cookie the client controls, and memcached's text protocol is framed by
 * spaces and line ends: only ids of the shape this store issues ever reach a command line.
 */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{1,128}$/;

/** True for a token this store could have issued (see TOKEN_SHAPE); anything else is an unknown session. */
export function validToken(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}

/**
 * Sessions as one JSON blob per key with a TTL, as connect-memcached stores them: load is a
 * `get`, save a `set` with the expiry (so every save extends the session), destroy a `delete`.
 * A cart add is load + save, so two tabs adding at once can overwrite each other's item; see
 * memcached-cas.ts for the variant that cannot.
 *
 * The client is memcache-client (ASCII protocol, the one memcached still develops; bundled
 * TypeScript types; `gets`/`cas`), one pipelined connection per replica.
 */
export class MemcachedStore implements SessionStore {
  readonly kind: string = 'memcached';
  readonly external = true;

  constructor(
    protected readonly client: MemcacheClient,
    protected readonly ttlS: number,
    /** What extends a session (StoreOpenConfig.rolling): absent every save, `true` every load too (`touch`), `false` nothing. */
    protected readonly rolling?: boolean,
  ) {}

  /** The exptime a save gives `session`: the TTL from now, or what is left of it since creation (`rolling: false`). */
  protected lifetimeOf(session: Session): number {
    if (this.rolling !== false) return expiryS(this.ttlS);
    // Whole seconds, as memcached counts; at least 1 (0 would mean "never expires"), and an
    // already expired session is written with a time in the past.
    const leftS = Math.ceil((session.createdAtMs + this.ttlS * 1000 - Date.now()) / 1000);
    return leftS > 0 ? expiryS(leftS) : Math.floor(Date.now() / 1000) - 1;
  }

  async load(token: string): Promise<Session | undefined> {
    if (!validToken(token)) return undefined;
    let reply: { value: unknown } | undefined;
    try {
      reply = await this.client.get<string>(KEY_PREFIX + token);
      // connect-memcached's touch: a rolling session's TTL restarts on every request.
      if (reply !== undefined && this.rolling === true) await this.client.touch(KEY_PREFIX + token, expiryS(this.ttlS)).catch((err: unknown) => {
        if (!isReply(err, 'NOT_FOUND')) throw err;
      });
    } catch (err) {
      throw unavailable(err);
    }
    return reply === undefined ? undefined : parseSession(reply.value);
  }

  async save(token: string | undefined, session: Session): Promise<string> {
    const id = token !== undefined && validToken(token) ? token : newToken();
    const json = JSON.stringify(session);
    try {
      await this.client.set(KEY_PREFIX + id, json, { lifetime: this.lifetimeOf(session) });
    } catch (err) {
      throw storeError(err, json);
    }
    return id;
  }

  async destroy(token: string): Promise<void> {
    if (!validToken(token)) return;
    try {
      await this.client.delete(KEY_PREFIX + token);
    } catch (err) {
      if (!isReply(err, 'NOT_FOUND')) throw unavailable(err);
    }
  }

  async close(): Promise<void> {
    this.client.shutdown();
  }
}

/** The store module's entry point: connects before resolving, so a replica is ready only once it can serve sessions. */
export async function open(config: StoreOpenConfig): Promise<MemcachedStore> {
  return new MemcachedStore(await openMemcached(config.url), config.sessionTtlS, config.rolling);
}

/**
 * A memcache-client for `memcached://host:port` with the fail-fast settings above, checked with
 * a `version` round trip. Rejects with StoreUnavailableError.
 */
export async function openMemcached(url: string): Promise<MemcacheClient> {
  const parsed = new URL(url);
  if (parsed.protocol !== 'memcached:' || parsed.port === '') {
    throw new StoreUnavailableError(`not a memcached URL (memcached://host:port): ${url}`);
  }
  const client = new memcache.MemcacheClient({
    server: { server: `${parsed.hostname}:${parsed.port}`, maxConnections: 1 },
    cmdTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: CONNECT_TIMEOUT_MS,
    // Send each command at once rather than batching small writes (Nagle): latency is the metric.
    noDelay: true,
    logger: SILENT_LOGGER,
  });
  try {
    await client.version();
  } catch (err) {
    client.shutdown();
    throw new StoreUnavailableError(`cannot connect to memcached at ${url}: ${(err as Error).message}`);
  }
  return client;
}

/** A new session id: 144 random bits, URL-safe, within TOKEN_SHAPE. */
export function newToken(): string {
  return randomBytes(18).toString('base64url');
}

/** memcached's exptime for a TTL: relative seconds, or an absolute Unix time past 30 days. */
export function expiryS(ttlS: number): number {
  return ttlS <= MAX_RELATIVE_EXPIRY_S ? ttlS : Math.floor(Date.now() / 1000) + ttlS;
}

/** A stored blob as a session; an unreadable one counts as no session, as the other blob stores do. */
export function parseSession(value: unknown): Session | undefined {
  if (typeof value !== 'string' && !Buffer.isBuffer(value)) return undefined;
  try {
    return JSON.parse(value.toString()) as Session;
  } catch {
    return undefined;
  }
}

/** True when the command failed with memcached's own answer `word` (EXISTS, NOT_FOUND…), not with a transport error. */
export function isReply(err: unknown, word: string): boolean {
  return err instanceof Error && err.message === word;
}

/** A failed store command as the server's 413 (item too large) or 503 (anything else). */
export function storeError(err: unknown, json: string): Error {
  const message = err instanceof Error ? err.message : String(err);
  if (/object too large/i.test(message)) return new SessionTooLargeError(Buffer.byteLength(json), ITEM_LIMIT_BYTES);
  return unavailable(err);
}

/** A failed memcached command as the error the server turns into a 503. */
export function unavailable(err: unknown): StoreUnavailableError {
  return new StoreUnavailableError(`memcached: ${err instanceof Error ? err.message : String(err)}`);
}
