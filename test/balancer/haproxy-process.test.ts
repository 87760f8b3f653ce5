import { existsSync } from 'node:fs';
import net from 'node:net';
import { dirname } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BalancerCommandError, BalancerStartError } from '../../src/balancer/balancer-errors.js';
import { HaproxyProcess, type HaproxyProcessOptions } from '../../src/balancer/haproxy-process.js';
import { watchdogPid } from '../../src/process/reaper.js';
import { startTopology } from '../../src/topology/topology.js';
import type { Replica, Topology } from '../../src/topology/types.js';
import { call, login } from '../helpers/http.js';
import { isAlive, leftoverChildren, waitFor } from '../helpers/processes.js';
import { HAS_REDIS } from '../helpers/redis.js';
import { HAS_HAPROXY } from './has-haproxy.js';

let topology: Topology | undefined;
let balancer: HaproxyProcess | undefined;
afterEach(async () => {
  await balancer?.stop();
  await topology?.stop();
  balancer = undefined;
  topology = undefined;
});
afterAll(async () => {
  expect(await leftoverChildren(watchdogPid())).toEqual([]);
});

/** Quick checks, so a test sees a state change within a fraction of a second. */
const FAST_HEALTH = { intervalMs: 200, rise: 1, fall: 1 };

function serverOf(r: Replica): { name: string; host: string; port: number } {
  return { name: r.name, host: '127.0.0.1', port: Number(new URL(r.url).port) };
}

async function startBalancer(t: Topology, options: Partial<HaproxyProcessOptions> & Pick<HaproxyProcessOptions, 'mode'>): Promise<HaproxyProcess> {
  const b = new HaproxyProcess({ servers: t.replicas.map(serverOf), health: FAST_HEALTH, ...options });
  balancer = b;
  await b.start();
  return b;
}

/** The replicas that answered `n` reads of one session through the balancer, in order. */
async function readers(url: string, sid: string, n: number): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await call(url, 'GET', '/cart', { sid });
    expect(r.status).toBe(200);
    seen.push(r.replica!);
  }
  return seen;
}

/** Fresh logins through the balancer (round robin spreads them), by the replica that created each. */
async function loginsBy(url: string, n: number): Promise<Map<string, string[]>> {
  const by = new Map<string, string[]>();
  for (let i = 0; i < n; i++) {
    const r = await call(url, 'POST', '/login');
    expect(r.status).toBe(200);
    by.set(r.replica!, [...(by.get(r.replica!) ?? []), r.sid!]);
  }
  return by;
}

describe.skipIf(!HAS_HAPROXY)('haproxy in front of real replicas', () => {
  it('sticky: a session stays on its replica; when that replica dies it is redispatched to one that answers 401', async () => {
    topology = await startTopology({ architecture: 'sticky', replicas: 2 });
    const b = await startBalancer(topology, { mode: 'sticky' });
    expect(b.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const first = await call(b.url, 'POST', '/login');
    const sid = first.sid!;
    const home = first.replica!;
    expect(await readers(b.url, sid, 4)).toEqual([home, home, home, home]);
    const added = await call(b.url, 'POST', '/cart/items', { sid, body: { sku: 'a', qty: 1 } });
    expect([added.status, added.replica]).toEqual([200, home]);
    // Other sessions still spread: the stick table pins, it does not funnel.
    expect([...(await loginsBy(b.url, 4)).keys()].sort()).toEqual(['replica-1', 'replica-2']);

    await topology.kill(home);
    const after = await call(b.url, 'GET', '/cart', { sid });
    // The story: the balancer moves the session at once (redispatch), the other replica does not know it.
    expect(after.replica).not.toBe(home);
    expect(after.status).toBe(401);
    // The user logs in again and is pinned to the survivor.
    const again = await call(b.url, 'POST', '/login');
    expect(again.replica).toBe(after.replica);
    expect(await readers(b.url, again.sid!, 2)).toEqual([after.replica, after.replica]);
    // Passive checking took the dead one out on the refused connection; the checks keep it out.
    expect(await b.waitForServer(home, (s) => s?.health === 'down', 2000)).toBe(true);

    // A logout's emptied cookie pins nothing.
    expect((await call(b.url, 'POST', '/logout', { sid: again.sid })).status).toBe(200);
    expect(await b.command('show table replicas')).not.toMatch(/key= /);
  });

  it.skipIf(!HAS_REDIS)('redis: requests of one session alternate between replicas, and the session survives any of them dying', async () => {
    topology = await startTopology({ architecture: 'redis', replicas: 3 });
    const b = await startBalancer(topology, { mode: 'round-robin' });
    const sid = await login(b.url);
    for (let i = 0; i < 3; i++) {
      expect((await call(b.url, 'POST', '/cart/items', { sid, body: { sku: `s${i}`, qty: 1 } })).status).toBe(200);
    }
    const seen = await readers(b.url, sid, 6);
    expect(new Set(seen).size).toBe(3);
    // Round robin: never the same replica twice in a row with one client in turn.
    expect(seen.every((r, i) => i === 0 || r !== seen[i - 1])).toBe(true);

    await topology.kill('replica-2');
    const replies = await Promise.all(Array.from({ length: 6 }, () => call(b.url, 'GET', '/cart', { sid })));
    // No error at all: the refused connection is retried on another replica within the request.
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(replies.every((r) => r.json.items.length === 3)).toBe(true);
    expect(replies.some((r) => r.replica === 'replica-2')).toBe(false);
  });

  it.skipIf(!HAS_REDIS)('runtime API: a drained server gets no new requests, ready brings it back, servers come and go', async () => {
    topology = await startTopology({ architecture: 'redis', replicas: 2 });
    const b = await startBalancer(topology, { mode: 'round-robin' });
    expect(b.addServerMethod).toBe('dynamic');
    const sid = await login(b.url);

    const drain = await b.drain('replica-1', { timeoutMs: 5000 });
    expect(drain.drained).toBe(true);
    expect((await b.serverState('replica-1'))?.admin).toBe('drain');
    expect(new Set(await readers(b.url, sid, 6))).toEqual(new Set(['replica-2']));

    await b.setServerState('replica-1', 'ready');
    expect(new Set(await readers(b.url, sid, 4))).toEqual(new Set(['replica-1', 'replica-2']));

    // Scale out: a new replica joins through `add server`.
    const r3 = await topology.addReplica();
    await b.addServer(r3.name, '127.0.0.1', serverOf(r3).port);
    expect(new Set(await readers(b.url, sid, 6))).toEqual(new Set(['replica-1', 'replica-2', 'replica-3']));

    // Scale in: `del server` (after maintenance); the replica itself is still up, it just gets nothing.
    await b.delServer('replica-2');
    expect(new Set(await readers(b.url, sid, 6))).toEqual(new Set(['replica-1', 'replica-3']));
    expect((await b.serverStates()).map((s) => s.name)).toEqual(['replica-1', 'replica-3']);
    await expect(b.setServerState('replica-2', 'ready')).rejects.toBeInstanceOf(BalancerCommandError);

    // A replica back on another port: point its server at the new address (here, replica-3's).
    await b.setServerAddress('replica-1', '127.0.0.1', serverOf(r3).port);
    expect((await b.serverState('replica-1'))?.address).toBe(`127.0.0.1:${serverOf(r3).port}`);
    expect(new Set(await readers(b.url, sid, 4))).toEqual(new Set(['replica-3']));
  });

  it('sticky drain: new sessions avoid the drained server, sessions pinned to it still reach it (HAProxy semantics)', async () => {
    topology = await startTopology({ architecture: 'sticky', replicas: 2 });
    const b = await startBalancer(topology, { mode: 'sticky' });
    const by = await loginsBy(b.url, 2);
    const pinned = by.get('replica-1')![0];
    await b.setServerState('replica-1', 'drain');
    expect(await readers(b.url, pinned, 2)).toEqual(['replica-1', 'replica-1']);
    expect([...(await loginsBy(b.url, 4)).keys()]).toEqual(['replica-2']);
    // So a drain of a sticky server empties only as its sessions end.
    const d = await b.drain('replica-1', { timeoutMs: 300 });
    expect(d.drained).toBe(true); // nothing in flight right now: scur counts requests, not sessions
  });

  it('cookie stickiness with server slots: the sid cookie carries its server, slots take new servers and give them back', async () => {
    topology = await startTopology({ architecture: 'sticky', replicas: 2 });
    const b = await startBalancer(topology, { mode: 'sticky', stickiness: 'cookie', spareSlots: 1 });
    expect(b.addServerMethod).toBe('slots');
    const first = await call(b.url, 'POST', '/login');
    // HAProxy prefixed the application's own cookie with the server that answered.
    expect(first.sid?.startsWith(`${first.replica}~`), first.sid).toBe(true);
    // The replica gets the session without the prefix: it knows it (200, not 401), every time.
    for (let i = 0; i < 3; i++) expect(await call(b.url, 'GET', '/cart', { sid: first.sid })).toMatchObject({ status: 200, replica: first.replica });
    // The client carries the pin, so a restarted balancer still sends the session home.
    await b.restart();
    for (let i = 0; i < 3; i++) expect(await call(b.url, 'GET', '/cart', { sid: first.sid })).toMatchObject({ status: 200, replica: first.replica });

    const r3 = await topology.addReplica();
    await b.addServer(r3.name, '127.0.0.1', serverOf(r3).port);
    expect([...(await loginsBy(b.url, 6)).keys()].sort()).toEqual(['replica-1', 'replica-2', 'replica-3']);
    await expect(b.addServer('replica-9', '127.0.0.1', serverOf(r3).port)).rejects.toThrow(/no free server slot/);
    await b.delServer('replica-3');
    expect([...(await loginsBy(b.url, 4)).keys()].sort()).toEqual(['replica-1', 'replica-2']);
    // The freed slot takes the next server.
    await b.addServer('replica-9', '127.0.0.1', serverOf(r3).port);
    expect((await b.serverStates()).map((s) => s.name)).toEqual(['replica-1', 'replica-2', 'replica-9']);
  });

  it('killed, requests are refused; restarted on the same port, they work again (and sticky pins are forgotten)', async () => {
    topology = await startTopology({ architecture: 'sticky', replicas: 2 });
    const b = await startBalancer(topology, { mode: 'sticky' });
    const sid = await login(b.url);
    const url = b.url;
    const pid = b.pid!;
    expect(await b.command('show table replicas')).toMatch(/used:1/);

    await b.kill();
    expect(isAlive(pid)).toBe(false);
    expect(b.running).toBe(false);
    await expect(call(url, 'GET', '/cart', { sid })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(b.serverStates()).rejects.toBeInstanceOf(BalancerCommandError);

    await b.restart();
    expect(b.url).toBe(url);
    expect(b.pid).not.toBe(pid);
    expect((await call(url, 'POST', '/login')).status).toBe(200);
    // The pin of the session above lived in the old process only: its next request is placed afresh.
    expect(await b.command('show table replicas')).toMatch(/used:1/);
    expect((await b.serverStates()).map((s) => [s.name, s.admin])).toEqual([
      ['replica-1', 'ready'],
      ['replica-2', 'ready'],
    ]);
  });

  it('a restart keeps the servers changed at run time, and drains', async () => {
    topology = await startTopology({ architecture: 'sticky', replicas: 2 });
    const b = await startBalancer(topology, { mode: 'round-robin' });
    const r3 = await topology.addReplica();
    await b.addServer(r3.name, '127.0.0.1', serverOf(r3).port);
    await b.delServer('replica-1');
    await b.setServerState('replica-2', 'drain');
    await b.restart();
    expect((await b.serverStates()).map((s) => [s.name, s.admin])).toEqual([
      ['replica-2', 'drain'],
      ['replica-3', 'ready'],
    ]);
    expect(b.configText).toContain(`server replica-3 127.0.0.1:${serverOf(r3).port}`);
    expect(b.configText).not.toContain('replica-1');
  });

  it('stop leaves nothing: the pid is gone and its files removed; a busy fixed port is a clear start error', async () => {
    topology = await startTopology({ architecture: 'sticky', replicas: 1 });
    const b = await startBalancer(topology, { mode: 'round-robin' });
    const pid = b.pid!;
    const dir = dirname(b.socketPath);
    expect(existsSync(dir)).toBe(true);
    await b.stop();
    await b.stop();
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(dir)).toBe(false);

    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const port = (busy.address() as net.AddressInfo).port;
      const other = new HaproxyProcess({ servers: topology.replicas.map(serverOf), mode: 'round-robin', port });
      balancer = other;
      await expect(other.start()).rejects.toBeInstanceOf(BalancerStartError);
      await expect(other.start()).rejects.toThrow(/cannot bind|address already in use/i);
      expect(other.pid).toBeUndefined();
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
    expect(await waitFor(() => !isAlive(pid), 1000)).toBe(true);
  });
});
