import { describe, expect, it } from 'vitest';
import { COOKIE_LIMIT_BYTES, CookieStore } from '../../targets/stores/cookie.js';
import { SessionTooLargeError, type Session } from '../../targets/session.js';

const SECRET = 'a-test-secret-of-some-length';
const session = (): Session => ({ user: 'u1', items: [{ sku: 'A', qty: 1, payload: 'p' }], version: 1, createdAtMs: 1 });

describe('cookie store', () => {
  it('round-trips a session through a signed token', async () => {
    const store = new CookieStore(SECRET, 60_000);
    const token = await store.save(undefined, session());
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(await store.load(token)).toEqual(session());
  });

  it('rejects the token with any single byte changed, including base64 padding bits', async () => {
    const store = new CookieStore(SECRET, 60_000);
    const token = await store.save(undefined, session());
    for (let i = 0; i < token.length; i++) {
      for (const c of [token[i] === 'A' ? 'B' : 'A', token[i] === 'w' ? 'x' : 'w']) {
        const tampered = token.slice(0, i) + c + token.slice(i + 1);
        expect(await store.load(tampered), `byte ${i} → ${c}`).toBeUndefined();
      }
    }
  });

  it('rejects unsigned, truncated, foreign-secret and expired tokens', async () => {
    const store = new CookieStore(SECRET, 60_000);
    const token = await store.save(undefined, session());
    expect(await store.load(token.slice(0, token.indexOf('.')))).toBeUndefined();
    expect(await store.load(token.slice(0, -1))).toBeUndefined();
    expect(await store.load('')).toBeUndefined();
    expect(await new CookieStore('another-secret-entirely', 60_000).load(token)).toBeUndefined();
    const expired = await new CookieStore(SECRET, -1).save(undefined, session());
    expect(await store.load(expired)).toBeUndefined();
  });

  it('refuses a session over the cookie limit instead of truncating it', async () => {
    const store = new CookieStore(SECRET, 60_000);
    const big = session();
    big.items.push({ sku: 'B', qty: 1, payload: 'x'.repeat(COOKIE_LIMIT_BYTES) });
    const err = await store.save(undefined, big).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionTooLargeError);
    expect((err as SessionTooLargeError).limitBytes).toBe(COOKIE_LIMIT_BYTES);
    expect((err as SessionTooLargeError).bytes).toBeGreaterThan(COOKIE_LIMIT_BYTES);
  });
});
