import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSTGRES_DATABASE, PostgresServer, findPostgresBinaries } from '../../src/stores/postgres-server.js';
import { readProcStat } from '../../src/process/proc-stat.js';
import { watchdogPid } from '../../src/process/reaper.js';
import { StoreUnavailableError } from '../../targets/session.js';
import { open } from '../../targets/stores/postgres.js';
import { HAS_POSTGRES } from '../helpers/postgres.js';
import { isAlive, leftoverChildren, waitFor } from '../helpers/processes.js';
import { loginAsServer } from '../helpers/store-contract.js';

/** The store module's 1 s query timeout plus a busy machine's slack. */
const FAIL_FAST_MS = 1500;

/** Asks the server one question over TCP with the password from its URL. */
async function ask(server: PostgresServer, sql: string): Promise<Record<string, unknown>[]> {
  const client = new Client({ connectionString: server.url, connectionTimeoutMillis: 2000 });
  client.on('error', () => {});
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

/** A process's command line; empty once it has exited (a backend whose connection just closed). */
function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

describe.skipIf(!HAS_POSTGRES)('postgres server', () => {
  const dirs: string[] = [];
  const start = async (persistence: boolean): Promise<PostgresServer> => {
    const dir = mkdtempSync(join(tmpdir(), 'statebench-test-pg-'));
    dirs.push(dir);
    return PostgresServer.start({ dir, persistence, sessionTtlS: 60 });
  };
  afterAll(async () => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    expect(await leftoverChildren(watchdogPid())).toEqual([]);
  });

  it('finds the server binaries (PATH, else the highest /usr/lib/postgresql/<major>/bin)', () => {
    const bin = findPostgresBinaries()!;
    expect(bin.postgres).toMatch(/\/postgres$/);
    expect(bin.initdb).toMatch(/\/initdb$/);
    expect(bin.version).toMatch(/^\d+\.\d+/);
  });

  describe('volatile (persistence: false)', () => {
    let server: PostgresServer;
    let dir: string;
    beforeAll(async () => {
      server = await start(false);
      dir = dirs[dirs.length - 1];
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('runs its own cluster on a free port: password login over TCP, the session table, durability off', async () => {
      const { port } = server.address;
      expect(port).not.toBe(5432);
      expect(server.url).toMatch(new RegExp(`^postgres://statebench:[A-Za-z0-9_-]{24}@127\\.0\\.0\\.1:${port}/${POSTGRES_DATABASE}$`));
      expect(server.version).toBe(findPostgresBinaries()!.version);
      const [settings] = await ask(server, `SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sc,
        current_setting('full_page_writes') AS fpw, current_setting('listen_addresses') AS listen, current_setting('data_directory') AS data`);
      expect(settings).toMatchObject({ fsync: 'off', sc: 'off', fpw: 'off', listen: '127.0.0.1' });
      expect(String(settings.data).startsWith(dir)).toBe(true);
      const columns = await ask(server, `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'session' ORDER BY ordinal_position`);
      expect(columns).toEqual([
        { column_name: 'sid', data_type: 'text' },
        { column_name: 'sess', data_type: 'jsonb' },
        { column_name: 'expire', data_type: 'timestamp with time zone' },
      ]);
      // A wrong password is refused: TCP logins are not trusted.
      const wrong = new Client({ connectionString: server.url.replace(/:[^:@]+@/, ':wrong@'), connectionTimeoutMillis: 2000 });
      wrong.on('error', () => {});
      await expect(wrong.connect()).rejects.toThrow(/password authentication failed/);
      // The password is on no command line, and its file is gone.
      const password = new URL(server.url).password;
      for (const pid of server.processes().values()) expect(cmdline(pid)).not.toContain(password);
      expect(readdirSync(dir)).toEqual(['pgdata']);
      if (process.getuid?.() === 0) expect(statSync(join(dir, 'pgdata')).uid).toBe(server.runAs!.uid);
    });

    it('pause stops the postmaster and every backend; requests fail fast; resume brings it back', async () => {
      const store = await open({ url: server.url, sessionTtlS: 60 });
      try {
        const token = await loginAsServer(store);
        await server.pause();
        try {
          for (const pid of server.processes().values()) expect(readProcStat(pid)?.state).toBe('T');
          const t0 = Date.now();
          await expect(store.load(token)).rejects.toBeInstanceOf(StoreUnavailableError);
          expect(Date.now() - t0).toBeLessThan(FAIL_FAST_MS);
          // More at once than the pool holds: new connections and queued waits time out at the same bound.
          const many = await Promise.allSettled([1, 2, 3, 4, 5, 6].map(() => store.load(token)));
          expect(Date.now() - t0).toBeLessThan(2 * FAIL_FAST_MS);
          expect(many.every((r) => r.status === 'rejected' && r.reason instanceof StoreUnavailableError)).toBe(true);
        } finally {
          await server.resume();
        }
        for (const pid of server.processes().values()) expect(readProcStat(pid)?.state).not.toBe('T');
        expect(await waitFor(async () => (await store.load(token).catch(() => undefined)) !== undefined, 3000)).toBe(true);
      } finally {
        await store.close();
      }
    });

    it('stop, even while paused, ends every process and leaves the caller\'s directory to the caller', async () => {
      const pids = [...server.processes().values()];
      expect(pids.length).toBeGreaterThan(3); // postmaster, checkpointer, WAL writer…
      await server.pause();
      await server.stop();
      await server.stop(); // idempotent
      expect(await waitFor(() => pids.every((p) => !isAlive(p)), 5000)).toBe(true);
      expect(server.processes().size).toBe(0);
      expect(existsSync(dir)).toBe(true);
    });
  });

  describe('durable (persistence: true)', () => {
    let server: PostgresServer;
    beforeAll(async () => {
      server = await start(true);
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('keeps PostgreSQL\'s durable defaults', async () => {
      const [s] = await ask(server, `SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sc, current_setting('full_page_writes') AS fpw`);
      expect(s).toEqual({ fsync: 'on', sc: 'on', fpw: 'on' });
    });

    it('kill is SIGKILL of the postmaster, its backends die with it; restart on the same port recovers, keeping committed sessions', async () => {
      const port = server.address.port;
      const store = await open({ url: server.url, sessionTtlS: 60 });
      try {
        const token = await loginAsServer(store);
        const before = [...server.processes().values()];
        await server.kill();
        expect(before.every((p) => !isAlive(p))).toBe(true);
        expect(server.processes().size).toBe(0);
        const t0 = Date.now();
        await expect(store.load(token)).rejects.toBeInstanceOf(StoreUnavailableError);
        expect(Date.now() - t0).toBeLessThan(FAIL_FAST_MS);

        await server.restart();
        expect(server.address.port).toBe(port);
        expect(server.processes().get('store')).not.toBe(before[0]);
        // Crash recovery replayed the WAL: with synchronous_commit on, the committed session survived,
        // and the same pool serves it (its dead connections were dropped on first use).
        expect(await waitFor(async () => (await store.load(token).catch(() => undefined)) !== undefined, 5000)).toBe(true);
      } finally {
        await store.close();
      }
    });

    it('killSync (the exit hook\'s last resort) kills the postmaster and every backend at once', async () => {
      const pids = [...server.processes().values()];
      expect(pids.length).toBeGreaterThan(3);
      server.killSync();
      expect(await waitFor(() => pids.every((p) => !isAlive(p)), 5000)).toBe(true);
      await server.stop(); // nothing left to stop
    });
  });
});
