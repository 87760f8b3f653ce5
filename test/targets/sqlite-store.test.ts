import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore, prepareSqliteFile } from '../../targets/stores/sqlite.js';
import type { Session } from '../../targets/session.js';

const session = (): Session => ({ user: 'u1', items: [], version: 1, createdAtMs: 1 });

describe('sqlite store', () => {
  let dir: string | undefined;
  const stores: SqliteStore[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shares sessions between connections to one WAL file, and sweeps expired rows', async () => {
    dir = mkdtempSync(join(tmpdir(), 'statebench-test-'));
    const path = join(dir, 's.db');
    prepareSqliteFile(path);
    const a = new SqliteStore(path, 60_000);
    const b = new SqliteStore(path, 60_000);
    const expiring = new SqliteStore(path, -1);
    stores.push(a, b, expiring);

    const token = await a.save(undefined, session());
    expect(await b.load(token)).toEqual(session());
    await b.destroy(token);
    expect(await a.load(token)).toBeUndefined();

    const old = await expiring.save(undefined, session());
    expect(await a.load(old)).toBeUndefined();
    expect(a.sweep()).toBe(1);
    expect(a.sweep()).toBe(0);
  });
});
