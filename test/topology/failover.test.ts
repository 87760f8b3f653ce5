import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createRouter } from '../../src/topology/router.js';
import { watchdogPid } from '../../src/process/reaper.js';
import { startTopology } from '../../src/topology/topology.js';
import type { Replica, Router, Topology } from '../../src/topology/types.js';
import { call, login, type Reply } from '../helpers/http.js';
import { leftoverChildren } from '../helpers/processes.js';
import { HAS_REDIS } from '../helpers/redis.js';

interface UserSession {
  sid: string;
  owner: Replica;
  sku: string;
}

let topology: Topology | undefined;
let router: Router | undefined;
afterEach(async () => {
  router?.close();
  await topology?.stop();
  topology = undefined;
});
afterAll(async () => {
  expect(await leftoverChildren(watchdogPid())).toEqual([]);
});

/** Logs in `perReplica` sessions at each replica directly and puts one item in each cart. */
async function seed(t: Topology, perReplica: number): Promise<UserSession[]> {
  const sessions: UserSession[] = [];
  for (const owner of t.replicas) {
    for (let i = 0; i < perReplica; i++) {
      const sku = `${owner.name}-${i}`;
      const sid = await login(owner.url);
      const add = await call(owner.url, 'POST', '/cart/items', { sid, body: { sku, qty: 1, payload: 'p' } });
      expect(add.status).toBe(200);
      sessions.push({ sid, owner, sku });
    }
  }
  return sessions;
}

/** Reads a cart through the router, as the load engine would: a refused connection marks the replica down. */
async function readViaRouter(r: Router, s: UserSession): Promise<Reply> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const replica = r.pick(s.owner);
    if (replica === undefined) throw new Error('no replica up');
    try {
      return await call(replica.url, 'GET', '/cart', { sid: s.sid });
    } catch {
      r.reportFailure(replica);
    }
  }
  throw new Error('every attempt failed');
}

describe('killing a replica', () => {
  it('sticky: loses exactly the sessions the killed replica owned, and no others', async () => {
    topology = await startTopology({ architecture: 'sticky', replicas: 3 });
    router = createRouter(topology, { sticky: true });
    const sessions = await seed(topology, 3);
    const victim = await topology.kill('replica-2');
    expect(victim.state).toBe('killed');

    const lost: string[] = [];
    for (const s of sessions) {
      const r = await readViaRouter(router, s);
      if (r.status === 401) lost.push(s.sku);
      else {
        expect(r.status).toBe(200);
        expect(r.replica).toBe(s.owner.name);
        expect(r.json.items).toEqual([{ sku: s.sku, qty: 1 }]);
      }
    }
    expect(lost.sort()).toEqual(['replica-2-0', 'replica-2-1', 'replica-2-2']);
    expect(router.isUp(victim)).toBe(false);
  });

  for (const arch of ['redis', 'sqlite'] as string[]) {
    it.skipIf(arch === 'redis' && !HAS_REDIS)(`${arch}: loses no session, before or after the replica restarts`, async () => {
      topology = await startTopology({ architecture: arch, replicas: 3 });
      router = createRouter(topology, { sticky: false });
      const sessions = await seed(topology, 2);
      const victim = await topology.kill('replica-1');

      const servedBy = new Set<string>();
      for (const s of sessions) {
        const r = await readViaRouter(router, s);
        expect(r.status, s.sku).toBe(200);
        expect(r.json.items).toEqual([{ sku: s.sku, qty: 1 }]);
        servedBy.add(r.replica!);
      }
      expect(servedBy).toEqual(new Set(['replica-2', 'replica-3']));

      await topology.restart('replica-1');
      for (const s of sessions) {
        const r = await call(victim.url, 'GET', '/cart', { sid: s.sid });
        expect(r.status).toBe(200);
        expect(r.json.items).toEqual([{ sku: s.sku, qty: 1 }]);
      }
    });
  }
});
