import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PostgresServer } from '../../src/stores/postgres-server.js';
import { StoreUnavailableError, type SessionStore } from '../../targets/session.js';
import * as plain from '../../targets/stores/postgres.js';
import * as tx from '../../targets/stores/postgres-tx.js';
import { HAS_POSTGRES } from '../helpers/postgres.js';
import { loginAsServer, storeContract, tabsLost } from '../helpers/store-contract.js';

/** The 1 s connection and query timeouts plus a busy machine's slack. */
const FAIL_FAST_MS = 1500;

describe.skipIf(!HAS_POSTGRES)('postgres store modules', () => {
  let server: PostgresServer;
  let dir: string;
  const opened: SessionStore[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'statebench-test-pg-'));
    server = await PostgresServer.start({ dir, persistence: false, sessionTtlS: 60 });
  });
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  function keep<T extends SessionStore>(store: T): T {
    opened.push(store);
    return store;
  }

  for (const [kind, module] of [['postgres', plain], ['postgres-tx', tx]] as const) {
    describe(kind, () => {
      const openStore = async (ttlS = 60): Promise<plain.PostgresStore & SessionStore> => keep(await module.open({ url: server.url, sessionTtlS: ttlS }));
      storeContract(openStore, kind);

      it('expires a session after its TTL, and prune deletes the expired row', async () => {
        const store = await openStore(1);
        const token = await loginAsServer(store);
        expect(await store.load(token)).toBeDefined();
        await new Promise((r) => setTimeout(r, 1100));
        expect(await store.load(token)).toBeUndefined();
        if (store.addItem) expect(await store.addItem(token, { sku: 'A', qty: 1, payload: '' })).toBeUndefined();
        expect(await store.prune()).toBeGreaterThanOrEqual(1);
      });

      it('takes the password from `secret` when the URL has none', async () => {
        const password = new URL(server.url).password;
        const url = server.url.replace(`:${password}@`, '@');
        const store = keep(await module.open({ url, sessionTtlS: 60, secret: password }));
        expect(await store.load(await loginAsServer(store))).toBeDefined();
        await expect(module.open({ url, sessionTtlS: 60, secret: 'wrong' })).rejects.toBeInstanceOf(StoreUnavailableError);
      });

      it('fails to open quickly with StoreUnavailableError when nothing listens, without printing the password', async () => {
        const t0 = Date.now();
        const err = await module.open({ url: 'postgres://statebench:s3cret@127.0.0.1:1/statebench', sessionTtlS: 60 }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(StoreUnavailableError);
        expect(String((err as Error).message)).not.toContain('s3cret');
        expect(Date.now() - t0).toBeLessThan(FAIL_FAST_MS);
      });

      it('while PostgreSQL is paused every call fails fast with StoreUnavailableError, and works after resume', async () => {
        const store = await openStore();
        const token = await loginAsServer(store);
        await server.pause();
        try {
          const t0 = Date.now();
          const calls: Promise<unknown>[] = [store.load(token), store.save(token, { user: 'u1', items: [], version: 9, createdAtMs: 1 })];
          if (store.addItem) calls.push(store.addItem(token, { sku: 'A', qty: 1, payload: '' }));
          const settled = await Promise.allSettled(calls);
          expect(Date.now() - t0).toBeLessThan(FAIL_FAST_MS);
          for (const s of settled) expect(s.status === 'rejected' && s.reason instanceof StoreUnavailableError).toBe(true);
        } finally {
          await server.resume();
        }
        expect(await store.load(token)).toBeDefined();
      });
    });
  }

  it('tabs adding at once: postgres-tx keeps every item; plain postgres may overwrite (observed)', async () => {
    const open = async (m: typeof plain | typeof tx): Promise<SessionStore> => keep(await m.open({ url: server.url, sessionTtlS: 60 }));
    const lostTx = await tabsLost(await open(tx), await open(tx), 50);
    expect(lostTx).toEqual({ lost: 0, failed: 0 });
    const lostPlain = await tabsLost(await open(plain), await open(plain), 50);
    console.info(`4 tabs × 50 concurrent adds of one session over 2 pools: postgres lost ${lostPlain.lost} items (${lostPlain.failed} adds failed), postgres-tx ${lostTx.lost}`);
    expect(lostPlain.lost).toBeGreaterThanOrEqual(0);
  });
});
