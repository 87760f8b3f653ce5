import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { InvalidInputError, TargetStartError } from '../../src/errors.js';
import { checkHealth } from '../../src/process/health-check.js';
import { readProcStat } from '../../src/process/proc-stat.js';
import { createRouter } from '../../src/topology/router.js';
import { watchdogPid } from '../../src/process/reaper.js';
import { TopologyOperationError, startTopology, stopAllTopologies } from '../../src/topology/topology.js';
import type { Replica, Topology } from '../../src/topology/types.js';
import { call, login } from '../helpers/http.js';
import { isAlive, leftoverChildren, survivors, waitFor } from '../helpers/processes.js';
import { HAS_REDIS } from '../helpers/redis.js';

let topology: Topology | undefined;
afterEach(async () => {
  await topology?.stop();
  topology = undefined;
});
afterAll(async () => {
  expect(await leftoverChildren(watchdogPid())).toEqual([]);
});

describe('topology', () => {
  it.skipIf(!HAS_REDIS)('starts redis + 3 replicas within seconds, and stop leaves no process', async () => {
    const t0 = performance.now();
    topology = await startTopology({ architecture: 'redis', replicas: 3 });
    const startupMs = performance.now() - t0;
    console.log(`startup of redis-server + 3 replicas: ${startupMs.toFixed(0)} ms`);
    // Typically ~0.3 s on a quiet 2-core machine, 0.5-2.3 s with a load average of 10. The 2 s
    // goal is a benchmark figure (see the closing notes); this bound only catches a startup
    // that has become slow by design (e.g. a fixed sleep), not a busy machine.
    expect(startupMs).toBeLessThan(5000);

    expect(topology.replicas.map((r) => r.name)).toEqual(['replica-1', 'replica-2', 'replica-3']);
    expect(topology.replicas.every((r) => r.state === 'up')).toBe(true);
    expect(topology.store?.url).toMatch(/^redis:\/\/:[\w-]{24}@127\.0\.0\.1:\d+$/); // its random password: see test/stores/redis-auth.test.ts
    const pids = topology.processes();
    expect([...pids.keys()].sort()).toEqual(['replica-1', 'replica-2', 'replica-3', 'store']);
    expect([...pids.values()].every(isAlive)).toBe(true);

    await Promise.all([topology.stop(), topology.stop()]);
    await topology.stop();
    expect(await survivors(pids.values())).toEqual([]);
    expect(topology.replicas.every((r) => r.state === 'stopped')).toBe(true);
    await expect(topology.kill()).rejects.toBeInstanceOf(TopologyOperationError);
  });

  it('pause stops the process and resume brings it back; kill and restart reuse the port', async () => {
    topology = await startTopology({ architecture: 'sticky', replicas: 2 });
    const states: string[] = [];
    topology.on('replica-state', (r: Replica) => states.push(`${r.name}:${r.state}`));
    const r1 = topology.replicas[0];
    const url = r1.url;
    const pid = r1.pid!;

    await topology.pause('replica-1');
    expect(r1.state).toBe('paused');
    expect(readProcStat(pid)?.state).toBe('T');
    expect(await checkHealth(url, 200)).toBe(false);
    await topology.resume('replica-1');
    expect(r1.state).toBe('up');
    expect(await checkHealth(url, 1000)).toBe(true);

    await topology.kill('replica-1');
    expect(r1.state).toBe('killed');
    expect(r1.pid).toBeUndefined();
    expect(isAlive(pid)).toBe(false);
    expect(topology.processes().has('replica-1')).toBe(false);
    await topology.restart('replica-1');
    expect(r1.state).toBe('up');
    expect(r1.url).toBe(url);
    expect(r1.pid).not.toBe(pid);
    expect(await checkHealth(url, 1000)).toBe(true);

    // Restarting a live replica is a graceful stop and start (what a deploy does to each).
    const pidBefore = r1.pid!;
    await topology.restart('replica-1');
    expect(r1.pid).not.toBe(pidBefore);
    expect(isAlive(pidBefore)).toBe(false);

    expect(states).toEqual([
      'replica-1:paused', 'replica-1:up', 'replica-1:killed', 'replica-1:starting', 'replica-1:up',
      'replica-1:stopped', 'replica-1:starting', 'replica-1:up',
    ]);
  });

  it('a replica that dies on its own is seen as killed; restart() without a name revives it', async () => {
    topology = await startTopology({ architecture: 'sticky', replicas: 2 });
    const r2 = topology.replicas[1];
    process.kill(r2.pid!, 'SIGKILL');
    await new Promise<void>((resolve) => topology!.once('replica-state', () => resolve()));
    expect(r2.state).toBe('killed');
    expect((await topology.restart()).name).toBe('replica-2');
    expect(r2.state).toBe('up');
  });

  it('adds and removes replicas, and the router follows', async () => {
    topology = await startTopology({ architecture: 'sqlite', replicas: 1 });
    const router = createRouter(topology, { sticky: false });
    try {
      const sid = await login(topology.replicas[0].url);
      const added = await topology.addReplica();
      expect(added.name).toBe('replica-2');
      expect(topology.replicas.map((r) => r.name)).toEqual(['replica-1', 'replica-2']);
      expect(new Set([router.pick()?.name, router.pick()?.name])).toEqual(new Set(['replica-1', 'replica-2']));
      expect((await call(added.url, 'GET', '/cart', { sid })).status).toBe(200);

      const pid = added.pid!;
      const removed = await topology.removeReplica();
      expect(removed.name).toBe('replica-2');
      expect(isAlive(pid)).toBe(false);
      expect(topology.replicas.map((r) => r.name)).toEqual(['replica-1']);
      expect([router.pick()?.name, router.pick()?.name]).toEqual(['replica-1', 'replica-1']);
      expect((await topology.addReplica()).name).toBe('replica-3');
    } finally {
      router.close();
    }
  });

  it('keeps the SQLite file in a temp dir that stop() removes', async () => {
    topology = await startTopology({ architecture: 'sqlite', replicas: 1 });
    const file = topology.store!.url;
    expect(existsSync(file)).toBe(true);
    await topology.stop();
    expect(existsSync(dirname(file))).toBe(false);
  });

  it.skipIf(!HAS_REDIS)('with Redis persistence on, sessions survive a store kill and restart', async () => {
    topology = await startTopology({ architecture: 'redis', replicas: 1, store: { persistence: true } });
    const origin = topology.replicas[0].url;
    const sid = await login(origin);
    await topology.killStore();
    await topology.restartStore();
    expect(await waitFor(async () => (await call(origin, 'GET', '/cart', { sid })).status === 200, 3000)).toBe(true);
  });

  it('refuses store faults without a store process of its own', async () => {
    topology = await startTopology({ architecture: 'cookie', replicas: 1 });
    expect(topology.store).toBeUndefined();
    await expect(topology.killStore()).rejects.toBeInstanceOf(TopologyOperationError);
    await expect(topology.pause('replica-9')).rejects.toThrow(/no replica named replica-9/);
  });

  it('validates options before starting anything, reporting every problem', async () => {
    const err = await startTopology({ architecture: 'nope' as 'redis', replicas: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).problems.map((p) => p.path)).toEqual(['architecture', 'replicas']);
  });

  it('fails with TargetStartError when the store cannot be reached, leaving nothing behind', async () => {
    const err = await startTopology({ architecture: 'redis', replicas: 2, store: { redisUrl: 'redis://127.0.0.1:1' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetStartError);
    expect((err as Error).message).toMatch(/replica-\d failed to start: .*Redis/);
    expect(await leftoverChildren(watchdogPid())).toEqual([]);
  });

  it('stopAllTopologies stops every live topology', async () => {
    const [t1, t2] = await Promise.all([
      startTopology({ architecture: 'sticky', replicas: 1 }),
      startTopology({ architecture: 'cookie', replicas: 1 }),
    ]);
    const pids = [...t1.processes().values(), ...t2.processes().values()];
    await stopAllTopologies();
    expect(await survivors(pids)).toEqual([]);
  });
});
