import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Exchange } from '../../src/load/exchange.js';
import { HttpConnection } from '../../src/load/http-connection.js';
import type { OutcomeKind } from '../../src/load/outcome.js';
import { freePort } from '../../src/process/free-port.js';
import { startTopology } from '../../src/topology/topology.js';
import type { Topology } from '../../src/topology/types.js';

/**
 * statebench's own HTTP connection against real replicas, through the engine's Exchange: what
 * the engine reads of every answer (status, session cookie, store time, body), for the whole
 * API, as test/targets/api-contract.test.ts checks it with a general-purpose client.
 */
interface Answer {
  kind: OutcomeKind;
  status: number;
  sid: string | undefined;
  storeUs: number;
  body: string | undefined;
}

function exchanger(conn: HttpConnection) {
  let resolve!: (a: Answer) => void;
  const ex = new Exchange(
    {
      complete: (e, kind) => resolve({ kind, status: e.status, sid: e.setCookie, storeUs: e.storeUs, body: e.body }),
    },
    0,
  );
  return (method: 'GET' | 'POST', path: string, opts: { sid?: string; body?: string } = {}): Promise<Answer> => {
    const done = new Promise<Answer>((r) => (resolve = r));
    ex.begin(method === 'GET' || path === '/checkout');
    const req = ex.request;
    req.method = method;
    req.path = path;
    req.headers.length = 0;
    if (opts.sid !== undefined) req.headers.push('cookie', `sid=${opts.sid}`);
    req.body = opts.body;
    if (opts.body !== undefined) req.headers.push('content-type', 'application/json');
    conn.dispatch(req, ex);
    return done;
  };
}

describe.each(['sticky', 'sqlite'] as const)('HttpConnection against real %s replicas', (architecture) => {
  let topology: Topology;
  beforeAll(async () => {
    topology = await startTopology({ architecture, replicas: 2 });
  });
  afterAll(async () => {
    await topology?.stop();
  });

  it('a full visit on one keep-alive connection: login, adds, read, checkout, logout, then 401', async () => {
    const conn = new HttpConnection(topology.replicas[0].url, 5000);
    try {
      const call = exchanger(conn);
      const login = await call('POST', '/login');
      expect(login).toMatchObject({ kind: 'ok', status: 200, body: undefined });
      expect(login.sid).toMatch(/^[A-Za-z0-9_.-]+$/);
      const sid = login.sid!;
      // Server-Timing is read: 0 for memory, the store's time for SQLite.
      if (architecture === 'sticky') expect(login.storeUs).toBe(0);
      else expect(login.storeUs).toBeGreaterThan(0);

      for (const sku of ['A1', 'B2']) {
        const add = await call('POST', '/cart/items', { sid, body: JSON.stringify({ sku, qty: 1, payload: 'x'.repeat(64) }) });
        expect(add).toMatchObject({ kind: 'ok', status: 200, sid: undefined });
      }
      const read = await call('GET', '/cart', { sid });
      expect(read.kind).toBe('ok');
      expect(JSON.parse(read.body!)).toEqual({ items: [{ sku: 'A1', qty: 1 }, { sku: 'B2', qty: 1 }], version: 3 });
      const checkout = await call('POST', '/checkout', { sid });
      expect(JSON.parse(checkout.body!)).toEqual({ ok: true, items: 2 });
      const logout = await call('POST', '/logout', { sid });
      expect(logout).toMatchObject({ kind: 'ok', status: 200, sid: '' }); // `sid=; Max-Age=0`
      expect(await call('GET', '/cart', { sid })).toMatchObject({ kind: 'session-lost', status: 401 });
      expect(await call('GET', '/nowhere')).toMatchObject({ kind: 'http-4xx', status: 404 });
    } finally {
      conn.destroy();
    }
  });

  it('a rolling deploy of the replica: the idle connection it closed is replaced, no error', async () => {
    const replica = topology.replicas[1];
    const conn = new HttpConnection(replica.url, 5000);
    try {
      const call = exchanger(conn);
      expect((await call('POST', '/login')).kind).toBe('ok');
      const back = await topology.redeploy(replica.name); // SIGTERM: idle connections closed, then a new process
      expect(back.url).toBe(replica.url);
      const after = await call('POST', '/login');
      expect(after.kind).toBe('ok');
    } finally {
      conn.destroy();
    }
  }, 30_000);
});

describe('HttpConnection with no replica listening', () => {
  it('is refused, as undici was', async () => {
    const conn = new HttpConnection(`http://127.0.0.1:${await freePort()}`, 2000);
    try {
      expect((await exchanger(conn)('POST', '/login')).kind).toBe('refused');
    } finally {
      conn.destroy();
    }
  });
});
