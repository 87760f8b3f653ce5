import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Session, SessionStore } from '../../targets/session.js';
import { CookieStore } from '../../targets/stores/cookie.js';
import { MemoryStore } from '../../targets/stores/memory.js';
import { SqliteStore, prepareSqliteFile } from '../../targets/stores/sqlite.js';

const TTL_MS = 10_000;
const SECRET = 'a-secret-of-sixteen-or-more';

/**
 * What `store.rolling` does to a session's time to live, on the stores that keep time with the
 * clock (Date.now, mocked here): `true` a load renews it, `false` it counts from creation,
 * absent a save renews it. The cookie reissues itself on reads (`touch`) when rolling.
 */
describe('store.rolling in the store modules', () => {
  let dir: string | undefined;
  const stores: SessionStore[] = [];
  afterEach(async () => {
    vi.useRealTimers();
    for (const s of stores.splice(0)) await s.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const makers: [string, (rolling?: boolean) => SessionStore][] = [
    ['memory', (rolling) => new MemoryStore(TTL_MS, rolling)],
    ['sqlite', (rolling) => {
      dir ??= mkdtempSync(join(tmpdir(), 'statebench-test-'));
      const path = join(dir, 's.db');
      prepareSqliteFile(path);
      return new SqliteStore(path, TTL_MS, rolling);
    }],
    ['cookie', (rolling) => new CookieStore(SECRET, TTL_MS, rolling)],
  ];

  /** Logs in at 0, saves at 6 s, reads at 12 s (and, for the cookie, takes what a read reissues), reads again at 20 s. */
  async function history(make: (rolling?: boolean) => SessionStore, rolling: boolean | undefined): Promise<[boolean, boolean, boolean]> {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_000_000);
    const store = make(rolling);
    stores.push(store);
    const s: Session = { user: 'u', items: [], version: 1, createdAtMs: Date.now() };
    let token = await store.save(undefined, s);
    vi.setSystemTime(1_006_000);
    token = await store.save(token, { ...s, version: 2 });
    const read = async (): Promise<boolean> => {
      const found = await store.load(token);
      if (found !== undefined && store.touch !== undefined) token = await store.touch(token, found);
      return found !== undefined;
    };
    vi.setSystemTime(1_012_000);
    const at12 = await read();
    vi.setSystemTime(1_020_000);
    const at20 = await read();
    vi.setSystemTime(1_023_000);
    const at23 = await read();
    return [at12, at20, at23];
  }

  for (const [name, make] of makers) {
    it(`${name}: saves renew by default; every request when rolling; nothing when not`, async () => {
      // Default: the save at 6 s lasts until 16 s.
      expect(await history(make, undefined)).toEqual([true, false, false]);
      // Rolling: the read at 12 s renews to 22 s, the one at 20 s to 30 s.
      expect(await history(make, true)).toEqual([true, true, true]);
      // From creation: gone at 10 s whatever was saved or read.
      expect(await history(make, false)).toEqual([false, false, false]);
    });
  }
});
