import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemcachedServer } from '../../src/stores/memcached-server.js';
import { SessionTooLargeError, StoreUnavailableError, type SessionStore } from '../../targets/session.js';
import * as cas from '../../targets/stores/memcached-cas.js';
import * as plain from '../../targets/stores/memcached.js';
import { HAS_MEMCACHED } from '../helpers/memcached.js';
import { loginAsServer, storeContract, tabsLost } from '../helpers/store-contract.js';

/** memcache-client's 1 s command timeout, checked every 250 ms, plus a busy machine's slack. */
const FAIL_FAST_MS = 1500;

describe.skipIf(!HAS_MEMCACHED)('memcached store modules', () => {
  let server: MemcachedServer;
  let dir: string;
  const opened: SessionStore[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'statebench-test-mc-'));
    server = await MemcachedServer.start({ dir, persistence: false, sessionTtlS: 60 });
  });
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const [kind, module] of [['memcached', plain], ['memcached-cas', cas]] as const) {
    describe(kind, () => {
      const openStore = async (ttlS = 60): Promise<SessionStore> => {
        const store = await module.open({ url: server.url, sessionTtlS: ttlS });
        opened.push(store);
        return store;
      };
      storeContract(openStore, kind);

      it('expires a session after its TTL', async () => {
        const store = await openStore(1);
        const token = await loginAsServer(store);
        expect(await store.load(token)).toBeDefined();
        // memcached's clock ticks in whole seconds: a 1 s item is gone within 2 s.
        await new Promise((r) => setTimeout(r, 2100));
        expect(await store.load(token)).toBeUndefined();
      });

      it('refuses a session over memcached\'s 1 MiB item limit with SessionTooLargeError, and memcached drops the old one', async () => {
        const store = await openStore();
        const token = await loginAsServer(store);
        const big = { user: 'u1', items: [{ sku: 'A', qty: 1, payload: 'z'.repeat(1100 * 1024) }], version: 2, createdAtMs: 1 };
        await expect(store.save(token, big)).rejects.toBeInstanceOf(SessionTooLargeError);
        // memcached unlinks the key on a failed SET rather than keep the stale value.
        expect(await store.load(token)).toBeUndefined();
      });

      it('fails to open quickly with StoreUnavailableError when nothing listens', async () => {
        const t0 = Date.now();
        await expect(module.open({ url: 'memcached://127.0.0.1:1', sessionTtlS: 60 })).rejects.toBeInstanceOf(StoreUnavailableError);
        expect(Date.now() - t0).toBeLessThan(FAIL_FAST_MS);
      });

      it('while memcached is paused every call fails fast with StoreUnavailableError, and works after resume', async () => {
        const store = await openStore();
        const token = await loginAsServer(store);
        await server.pause();
        try {
          const t0 = Date.now();
          // No destroy here: commands already written still run on resume, after their timeout.
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

  it('tabs adding at once: memcached-cas keeps every item; plain memcached may overwrite (observed)', async () => {
    const lostCas = await tabsLost(await cas.open({ url: server.url, sessionTtlS: 60 }).then(keep), await cas.open({ url: server.url, sessionTtlS: 60 }).then(keep), 50);
    expect(lostCas).toEqual({ lost: 0, failed: 0 });
    const lostPlain = await tabsLost(await plain.open({ url: server.url, sessionTtlS: 60 }).then(keep), await plain.open({ url: server.url, sessionTtlS: 60 }).then(keep), 50);
    console.info(`4 tabs × 50 concurrent adds of one session over 2 connections: memcached lost ${lostPlain.lost} items (${lostPlain.failed} adds failed), memcached-cas ${lostCas.lost}`);
    expect(lostPlain.lost).toBeGreaterThanOrEqual(0);
  });

  function keep<T extends SessionStore>(store: T): T {
    opened.push(store);
    return store;
  }
});
