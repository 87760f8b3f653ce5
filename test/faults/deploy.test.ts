import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { deploy } from '../../src/faults/deploy.js';
import { createRouter } from '../../src/topology/router.js';
import { watchdogPid } from '../../src/process/reaper.js';
import { startTopology } from '../../src/topology/topology.js';
import type { Router, Topology } from '../../src/topology/types.js';
import { call, login } from '../helpers/http.js';
import { leftoverChildren } from '../helpers/processes.js';
import { HAS_REDIS } from '../helpers/redis.js';
import { faultContext } from './fault-context.js';

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

/**
 * Two sessions with one cart item on every replica, a rolling deploy, then every cart read again
 * through the router (a refused connection marks a replica down, as in the load engine).
 * Returns the replicas whose sessions were lost.
 */
async function deployAndRead(architecture: string): Promise<{ lostOn: string[]; pidsChanged: boolean; detail?: string }> {
  topology = await startTopology({ architecture, replicas: 3 });
  router = createRouter(topology, { sticky: architecture === 'sticky' });
  const sessions: { sid: string; owner: string; sku: string }[] = [];
  for (const r of topology.replicas) {
    for (let i = 0; i < 2; i++) {
      const sid = await login(r.url);
      const sku = `${r.name}-${i}`;
      expect((await call(r.url, 'POST', '/cart/items', { sid, body: { sku, qty: 1 } })).status).toBe(200);
      sessions.push({ sid, owner: r.name, sku });
    }
  }
  const pidsBefore = topology.replicas.map((r) => r.pid);
  const effect = await deploy.apply(faultContext(topology, { kind: 'deploy', intervalMs: 50 }));
  const pidsAfter = topology.replicas.map((r) => r.pid);

  const lostOn = new Set<string>();
  for (const s of sessions) {
    const owner = topology.replicas.find((r) => r.name === s.owner)!;
    const r = await call(router.pick(owner)!.url, 'GET', '/cart', { sid: s.sid });
    if (r.status === 401) lostOn.add(s.owner);
    else expect(r.json.items, s.sku).toEqual([{ sku: s.sku, qty: 1 }]);
  }
  return { lostOn: [...lostOn].sort(), pidsChanged: pidsBefore.every((p, i) => p !== pidsAfter[i]), detail: effect.detail };
}

describe('deploy: a rolling restart of every replica', () => {
  it('sticky loses the sessions of every replica', async () => {
    const { lostOn, pidsChanged, detail } = await deployAndRead('sticky');
    expect(pidsChanged).toBe(true);
    expect(detail).toBe('restarted replica-1, replica-2, replica-3 one at a time, 50 ms apart');
    expect(lostOn).toEqual(['replica-1', 'replica-2', 'replica-3']);
  });

  it.skipIf(!HAS_REDIS)('redis loses none', async () => {
    const { lostOn, pidsChanged } = await deployAndRead('redis');
    expect(pidsChanged).toBe(true);
    expect(lostOn).toEqual([]);
  });

  it('never has two replicas down at once, and stops between replicas when the window ends', async () => {
    topology = await startTopology({ architecture: 'sticky', replicas: 3 });
    const t = topology;
    let maxDown = 0;
    const onState = (): void => {
      maxDown = Math.max(maxDown, t.replicas.filter((r) => r.state !== 'up').length);
    };
    t.on('replica-state', onState);
    const abort = new AbortController();
    const ctx = { ...faultContext(t, { kind: 'deploy', intervalMs: 10_000 }), signal: abort.signal };
    // The interval sleep ends early on abort, as the fault timeline's does.
    ctx.sleep = (ms) => new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      abort.signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
    });
    const running = deploy.apply(ctx);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    abort.abort();
    const effect = await running;
    t.off('replica-state', onState);
    expect(maxDown).toBe(1);
    expect(effect.detail).toMatch(/^restarted replica-1 one at a time, 10000 ms apart \(the window ended before replica-2, replica-3\)$/);
  });
});
