import { createHmac, timingSafeEqual } from 'node:crypto';
import { SESSION_COOKIE } from '../protocol.js';
import { SessionTooLargeError, type Session, type SessionStore } from '../session.js';
import type { StoreOpenConfig } from './store-module.js';

/**
 * What browsers guarantee per cookie (RFC 6265 §6.1), counted as `sid=<value>`. A bigger session
 * is refused with an error, never truncated: silently dropping cart items would be a lost update.
 */
export const COOKIE_LIMIT_BYTES = 4096;
const COOKIE_OVERHEAD_BYTES = SESSION_COOKIE.length + 1;

/**
 * No store: the session travels in the cookie as `base64url(json).base64url(hmac)`, signed with
 * HMAC-SHA256. The MAC covers the encoded text, and the signature is compared as text, so any
 * changed byte (even base64 padding bits that decode to the same bytes) is rejected.
 * Logout cannot revoke a copied cookie before it expires: that is the price of no server state.
 */
export class CookieStore implements SessionStore {
  readonly kind = 'cookie';
  readonly external = false;

  /**
   * `rolling: true`: a read reissues the cookie with a new expiry (express-session's `rolling`),
   * since the cookie's expiry is inside it; otherwise absent (reads change nothing).
   */
  readonly touch?: (token: string, session: Session) => Promise<string>;

  constructor(
    private readonly secret: string,
    private readonly ttlMs: number,
    /** What extends a session (StoreOpenConfig.rolling): absent every save, `true` every request, `false` nothing. */
    private readonly rolling?: boolean,
  ) {
    if (secret.length < 16) throw new Error('cookie store secret must be at least 16 characters');
    if (rolling === true) this.touch = (token, session) => this.save(token, session);
  }

  async load(token: string): Promise<Session | undefined> {
    const dot = token.lastIndexOf('.');
    if (dot <= 0) return undefined;
    const body = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'latin1');
    const expected = Buffer.from(this.sign(body), 'latin1');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    if (!Array.isArray(parsed) || typeof parsed[0] !== 'number' || parsed[0] <= Date.now()) return undefined;
    return parsed[1] as Session;
  }

  async save(_token: string | undefined, session: Session): Promise<string> {
    const expiresAtMs = (this.rolling === false ? session.createdAtMs : Date.now()) + this.ttlMs;
    const body = Buffer.from(JSON.stringify([expiresAtMs, session]), 'utf8').toString('base64url');
    const token = `${body}.${this.sign(body)}`;
    const bytes = COOKIE_OVERHEAD_BYTES + token.length;
    if (bytes > COOKIE_LIMIT_BYTES) throw new SessionTooLargeError(bytes, COOKIE_LIMIT_BYTES);
    return token;
  }

  async destroy(): Promise<void> {
    // Nothing to delete on the server; the logout response clears the cookie.
  }

  async close(): Promise<void> {}

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}

/** Store module entry (see store-module.ts): the topology's secret is the HMAC key. */
export async function open(config: StoreOpenConfig): Promise<CookieStore> {
  if (config.secret === undefined) throw new Error('the cookie store needs the topology secret (environment variable STATEBENCH_STORE_SECRET)');
  return new CookieStore(config.secret, config.sessionTtlS * 1000, config.rolling);
}
