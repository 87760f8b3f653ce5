import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchdogPid } from '../../src/process/reaper.js';
import { startTopology } from '../../src/topology/topology.js';
import type { Topology } from '../../src/topology/types.js';
import { call, login } from '../helpers/http.js';
import { leftoverChildren } from '../helpers/processes.js';
import { HAS_REDIS } from '../helpers/redis.js';

const STORE_TIMED: Record<string, boolean> = {
  sticky: false,
  cookie: false,
  redis: true,
  'redis-atomic': true,
  sqlite: true,
  'sqlite-tx': true,
};
const needsRedis = (arch: string): boolean => arch === 'redis' || arch === 'redis-atomic';

describe.each(['sticky', 'redis', 'redis-atomic', 'sqlite', 'sqlite-tx', 'cookie'] as string[])('API contract: %s', (arch) => {
  let topology: Topology;
  let a: string;
  let b: string;

  beforeAll(async () => {
    if (needsRedis(arch) && !HAS_REDIS) return;
    topology = await startTopology({ architecture: arch, replicas: 2 });
    a = topology.replicas[0].url;
    b = topology.replicas[1].url;
  });
  afterAll(async () => {
    await topology?.stop();
  });

  const test = needsRedis(arch) && !HAS_REDIS ? it.skip : it;

  test('GET /healthz answers ok without touching the store, with X-Replica and Server-Timing', async () => {
    const r = await call(a, 'GET', '/healthz');
    expect(r.status).toBe(200);
    expect(r.text).toBe('ok');
    expect(r.replica).toBe('replica-1');
    expect(r.headers['server-timing']).toMatch(/^store;dur=0\.000, app;dur=\d+\.\d{3}$/);
  });

  test('a full visit: login, add, read, checkout, logout', async () => {
    const l = await call(a, 'POST', '/login');
    expect(l.status).toBe(200);
    expect(l.json).toEqual({ ok: true });
    expect(l.headers['set-cookie']).toMatch(/^sid=[A-Za-z0-9_.-]+; Path=\/; HttpOnly$/);
    let sid = l.sid!;

    const add1 = await call(a, 'POST', '/cart/items', { sid, body: { sku: 'A1', qty: 2, payload: 'x'.repeat(100) } });
    expect(add1.status).toBe(200);
    expect(add1.json).toEqual({ count: 1, version: 2 });
    sid = add1.sid ?? sid;
    const add2 = await call(a, 'POST', '/cart/items', { sid, body: { sku: 'B2', qty: 1, payload: '' } });
    expect(add2.json).toEqual({ count: 2, version: 3 });
    sid = add2.sid ?? sid;
    // Server-side stores keep the token; the cookie store re-signs the session on every save.
    if (arch === 'cookie') expect(add2.sid).toBeDefined();
    else expect(add2.sid).toBeUndefined();

    const cart = await call(a, 'GET', '/cart', { sid });
    expect(cart.status).toBe(200);
    expect(cart.json).toEqual({ items: [{ sku: 'A1', qty: 2 }, { sku: 'B2', qty: 1 }], version: 3 });
    expect(cart.text).not.toContain('xxxx');

    const checkout = await call(a, 'POST', '/checkout', { sid });
    expect(checkout.json).toEqual({ ok: true, items: 2 });
    sid = checkout.sid ?? sid;
    expect((await call(a, 'GET', '/cart', { sid })).json).toEqual({ items: [], version: 4 });

    const logout = await call(a, 'POST', '/logout', { sid });
    expect(logout.status).toBe(200);
    expect(logout.headers['set-cookie']).toMatch(/^sid=; .*Max-Age=0/);
    const after = await call(a, 'GET', '/cart', { sid });
    // A signed cookie cannot be revoked by the server: a copy stays valid until it expires.
    expect(after.status).toBe(arch === 'cookie' ? 200 : 401);
  });

  test('an unknown or missing session is 401 with a JSON reason', async () => {
    for (const sid of ['no-such-session', undefined]) {
      const r = await call(a, 'GET', '/cart', { sid });
      expect(r.status).toBe(401);
      expect(r.json).toEqual({ error: 'session-unknown' });
      expect(r.replica).toBe('replica-1');
    }
    expect((await call(a, 'POST', '/cart/items', { sid: 'nope', body: { sku: 'A', qty: 1 } })).status).toBe(401);
  });

  test('bad requests: invalid JSON is 400, an unknown path is 404', async () => {
    const sid = await login(a);
    expect((await call(a, 'POST', '/cart/items', { sid, body: '{not json' })).status).toBe(400);
    expect((await call(a, 'POST', '/cart/items', { sid, body: { qty: 1 } })).json).toEqual({ error: 'invalid-item' });
    expect((await call(a, 'GET', '/nope')).status).toBe(404);
    const huge = await call(a, 'POST', '/cart/items', { sid, body: { sku: 'A', qty: 1, payload: 'z'.repeat(1100 * 1024) } });
    expect(huge.status).toBe(413);
    expect(huge.json).toEqual({ error: 'body-too-large' });
  });

  test(`Server-Timing store duration is ${STORE_TIMED[arch] ? 'positive' : 'zero'}`, async () => {
    const sid = await login(a);
    const r = await call(a, 'GET', '/cart', { sid });
    expect(r.status).toBe(200);
    if (STORE_TIMED[arch]) expect(r.storeMs).toBeGreaterThan(0);
    else expect(r.storeMs).toBe(0);
    expect(r.appMs).toBeGreaterThanOrEqual(r.storeMs);
  });

  test(`another replica ${arch === 'sticky' ? 'does not know' : 'serves'} the session`, async () => {
    let sid = await login(a);
    sid = (await call(a, 'POST', '/cart/items', { sid, body: { sku: 'A1', qty: 1, payload: 'p' } })).sid ?? sid;
    const r = await call(b, 'GET', '/cart', { sid });
    expect(r.replica).toBe('replica-2');
    if (arch === 'sticky') expect(r.status).toBe(401);
    else expect(r.json).toEqual({ items: [{ sku: 'A1', qty: 1 }], version: 2 });
  });

  if (arch === 'cookie') {
    test('a cookie with one flipped byte is rejected with 401', async () => {
      let sid = await login(a);
      sid = (await call(a, 'POST', '/cart/items', { sid, body: { sku: 'A1', qty: 1, payload: 'p' } })).sid!;
      expect((await call(b, 'GET', '/cart', { sid })).status).toBe(200);
      const positions = [0, Math.floor(sid.length / 3), sid.indexOf('.') + 1, sid.length - 1];
      for (const i of positions) {
        const flipped = sid.slice(0, i) + (sid[i] === 'A' ? 'B' : 'A') + sid.slice(i + 1);
        const r = await call(b, 'GET', '/cart', { sid: flipped });
        expect(r.status, `byte ${i} flipped`).toBe(401);
      }
      const unsigned = sid.slice(0, sid.indexOf('.'));
      expect((await call(b, 'GET', '/cart', { sid: unsigned })).status).toBe(401);
    });

    test('a session over the 4 KiB cookie limit is refused with 413, and the previous cookie still works', async () => {
      let sid = await login(a);
      sid = (await call(a, 'POST', '/cart/items', { sid, body: { sku: 'A1', qty: 1, payload: 'x'.repeat(1000) } })).sid!;
      const big = await call(a, 'POST', '/cart/items', { sid, body: { sku: 'B2', qty: 1, payload: 'y'.repeat(3000) } });
      expect(big.status).toBe(413);
      expect(big.json).toMatchObject({ error: 'session-too-large', limitBytes: 4096 });
      expect(big.sid).toBeUndefined();
      expect((await call(a, 'GET', '/cart', { sid })).json).toEqual({ items: [{ sku: 'A1', qty: 1 }], version: 2 });
    });
  }
});

afterAll(async () => {
  expect(await leftoverChildren(watchdogPid())).toEqual([]);
});
