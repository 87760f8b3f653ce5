import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { MemcachedServer, memcachedMemoryMb, memcachedStats, pingMemcached } from '../../src/stores/memcached-server.js';
import { watchdogPid } from '../../src/process/reaper.js';
import { StoreUnavailableError } from '../../targets/session.js';
import { open } from '../../targets/stores/memcached.js';
import { HAS_MEMCACHED } from '../helpers/memcached.js';
import { isAlive, leftoverChildren, waitFor } from '../helpers/processes.js';
import { loginAsServer } from '../helpers/store-contract.js';

/** memcache-client's 1 s command timeout, checked every 250 ms, plus a busy machine's slack. */
const FAIL_FAST_MS = 1500;

describe.skipIf(!HAS_MEMCACHED)('memcached server', () => {
  const servers: MemcachedServer[] = [];
  const dirs: string[] = [];
  const start = async (maxMemoryBytes?: number): Promise<MemcachedServer> => {
    const dir = mkdtempSync(join(tmpdir(), 'statebench-test-mc-'));
    dirs.push(dir);
    const server = await MemcachedServer.start({ dir, persistence: false, sessionTtlS: 60, maxMemoryBytes });
    servers.push(server);
    return server;
  };
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.stop();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  afterAll(async () => {
    expect(await leftoverChildren(watchdogPid())).toEqual([]);
  });

  it('starts on a free port bound to 127.0.0.1, answers version, and stops leaving nothing behind', async () => {
    const server = await start();
    const { port } = server.address;
    expect(server.url).toBe(`memcached://127.0.0.1:${port}`);
    expect(server.address.host).toBe('127.0.0.1');
    expect(server.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(await pingMemcached(port)).toBe(server.version);
    const pid = server.processes().get('store')!;
    expect(isAlive(pid)).toBe(true);
    expect((await memcachedStats(port)).get('limit_maxbytes')).toBe(64 * 1024 * 1024);
    await server.stop();
    await server.stop(); // idempotent
    expect(isAlive(pid)).toBe(false);
    expect(server.processes().size).toBe(0);
    expect(await pingMemcached(port)).toBeUndefined();
  });

  it('killSync (the exit hook\'s last resort) kills it at once', async () => {
    const server = await start();
    const pid = server.processes().get('store')!;
    server.killSync();
    expect(await waitFor(() => !isAlive(pid), 5000)).toBe(true);
  });

  it('maps maxMemoryBytes to -m in MiB, rounded up, never below the 2 MiB memcached accepts', async () => {
    expect(memcachedMemoryMb(undefined)).toBe(64);
    expect(memcachedMemoryMb(1)).toBe(2);
    expect(memcachedMemoryMb(5 * 1024 * 1024 + 1)).toBe(6);
    const server = await start(100_000);
    expect(server.memoryLimitBytes).toBe(2 * 1024 * 1024);
    expect((await memcachedStats(server.address.port)).get('limit_maxbytes')).toBe(2 * 1024 * 1024);
  });

  it('kill is SIGKILL (sessions gone); restart comes back empty on the same port', async () => {
    const server = await start();
    const port = server.address.port;
    const store = await open({ url: server.url, sessionTtlS: 60 });
    try {
      const token = await loginAsServer(store);
      const pid = server.processes().get('store')!;
      await server.kill();
      expect(isAlive(pid)).toBe(false);
      expect(server.processes().size).toBe(0);
      const t0 = Date.now();
      await expect(store.load(token)).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(Date.now() - t0).toBeLessThan(FAIL_FAST_MS);

      await server.restart();
      expect(server.address.port).toBe(port);
      expect(server.processes().get('store')).not.toBe(pid);
      // The same client reconnects on its next command; the session did not survive.
      expect(await store.load(token)).toBeUndefined();
      expect(await store.load(await loginAsServer(store))).toBeDefined();
    } finally {
      await store.close();
    }
  });

  it('pause freezes it (requests fail fast with StoreUnavailableError); resume brings it back', async () => {
    const server = await start();
    const store = await open({ url: server.url, sessionTtlS: 60 });
    try {
      const token = await loginAsServer(store);
      await server.pause();
      try {
        expect(await pingMemcached(server.address.port, 200)).toBeUndefined();
        const t0 = Date.now();
        await expect(store.load(token)).rejects.toBeInstanceOf(StoreUnavailableError);
        expect(Date.now() - t0).toBeLessThan(FAIL_FAST_MS);
      } finally {
        await server.resume();
      }
      expect(await pingMemcached(server.address.port)).toBe(server.version);
      expect(await store.load(token)).toMatchObject({ user: 'u1' });
    } finally {
      await store.close();
    }
  });

  it('evicts sessions once past its memory limit: stats count evictions, and early sessions are gone', async () => {
    const server = await start(2 * 1024 * 1024);
    const store = await open({ url: server.url, sessionTtlS: 600 });
    try {
      // ~4 KiB sessions, 8 MiB of them into a 2 MiB memcached (about four times its limit).
      const payload = 'p'.repeat(4000);
      const tokens: string[] = [];
      for (let i = 0; i < 2048; i++) {
        tokens.push(await store.save(undefined, { user: `u${i}`, items: [{ sku: 'A', qty: 1, payload }], version: 1, createdAtMs: i }));
      }
      const stats = await memcachedStats(server.address.port);
      const evictions = stats.get('evictions')!;
      expect(evictions).toBeGreaterThan(1000);
      expect(stats.get('curr_items')! + evictions).toBe(2048);
      // LRU: the first sessions went first, the last ones are still there.
      expect(await store.load(tokens[0])).toBeUndefined();
      expect(await store.load(tokens[2047])).toMatchObject({ user: 'u2047' });
      let lost = 0;
      for (const t of tokens) if ((await store.load(t)) === undefined) lost++;
      expect(lost).toBe(evictions);
    } finally {
      await store.close();
    }
  });
});
