import { expect, it } from 'vitest';
import type { CartItem, Session, SessionStore } from '../../targets/session.js';

const item = (sku: string, payload = ''): CartItem => ({ sku, qty: 1, payload });

/** One cart add as targets/server.ts does it: the store's atomic `addItem` when it has one, else load + save. */
export async function addAsServer(store: SessionStore, token: string, added: CartItem): Promise<{ count: number; version: number } | undefined> {
  if (store.addItem !== undefined) return store.addItem(token, added);
  const session = await store.load(token);
  if (session === undefined) return undefined;
  session.items.push(added);
  session.version++;
  await store.save(token, session);
  return { count: session.items.length, version: session.version };
}

/** A new session saved as `POST /login` does. */
export async function loginAsServer(store: SessionStore): Promise<string> {
  const session: Session = { user: 'u1', items: [], version: 1, createdAtMs: Date.now() };
  return store.save(undefined, session);
}

/** What concurrent tabs left behind: acknowledged items missing from the cart, and adds that failed (never acknowledged, so not lost). */
export interface TabsOutcome {
  lost: number;
  failed: number;
}

/**
 * Four tabs of one user adding `perTab` items each at once with no think time, two through each
 * store connection (two replicas, as round robin spreads them).
 */
export async function tabsLost(a: SessionStore, b: SessionStore, perTab: number): Promise<TabsOutcome> {
  const token = await loginAsServer(a);
  let failed = 0;
  const tab = async (store: SessionStore, name: string): Promise<number> => {
    let acked = 0;
    for (let i = 0; i < perTab; i++) {
      try {
        if ((await addAsServer(store, token, item(`${name}-${i}`))) !== undefined) acked++;
      } catch {
        failed++;
      }
    }
    return acked;
  };
  const acked = (await Promise.all([tab(a, 'a'), tab(b, 'b'), tab(a, 'c'), tab(b, 'd')])).reduce((x, y) => x + y, 0);
  const kept = (await a.load(token))?.items.length ?? 0;
  return { lost: acked - kept, failed };
}

/**
 * The SessionStore contract every external store keeps, as the replica uses it. `open` gives a
 * fresh connection to the same store (a second replica); tests close what it returns.
 */
export function storeContract(open: () => Promise<SessionStore>, kind: string): void {
  it(`is kind ${kind}, external, and keeps a whole visit: login, add, read, checkout, logout`, async () => {
    const store = await open();
    expect(store.kind).toBe(kind);
    expect(store.external).toBe(true);
    const token = await loginAsServer(store);
    expect(token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(await addAsServer(store, token, item('A1', 'x'.repeat(100)))).toEqual({ count: 1, version: 2 });
    expect(await addAsServer(store, token, item('B2'))).toEqual({ count: 2, version: 3 });
    const loaded = await store.load(token);
    expect(loaded?.items.map((i) => i.sku)).toEqual(['A1', 'B2']);
    expect(loaded?.items[0].payload).toBe('x'.repeat(100));
    expect(loaded?.version).toBe(3);
    // Checkout: the whole session saved back with an empty cart, under the same token.
    loaded!.items = [];
    loaded!.version++;
    expect(await store.save(token, loaded!)).toBe(token);
    expect(await store.load(token)).toMatchObject({ items: [], version: 4, user: 'u1' });
    await store.destroy(token);
    expect(await store.load(token)).toBeUndefined();
    await store.destroy(token); // logging out twice is not an error
  });

  it('another connection (replica) serves the same session', async () => {
    const a = await open();
    const b = await open();
    const token = await loginAsServer(a);
    await addAsServer(a, token, item('A1'));
    expect((await b.load(token))?.items.map((i) => i.sku)).toEqual(['A1']);
  });

  it('an unknown, malformed or missing session is undefined, and adding to it too', async () => {
    const store = await open();
    for (const token of ['no-such-session', 'nope', 'has space', 'semi;colon', 'x'.repeat(300), '']) {
      expect(await store.load(token)).toBeUndefined();
      expect(await addAsServer(store, token, item('A'))).toBeUndefined();
    }
  });
}
