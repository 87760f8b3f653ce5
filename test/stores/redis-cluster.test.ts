import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { watchdogPid } from '../../src/process/reaper.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { startTopology } from '../../src/topology/topology.js';
import type { Topology } from '../../src/topology/types.js';
import { parseClusterUrl } from '../../targets/stores/cluster-url.js';
import { call, login } from '../helpers/http.js';
import { isAlive, leftoverChildren, survivors } from '../helpers/processes.js';
import { HAS_REDIS } from '../helpers/redis.js';

let topology: Topology | undefined;
afterAll(async () => {
  await topology?.stop();
  expect(await leftoverChildren(watchdogPid())).toEqual([]);
});

/** Each master's port and key count, in slot order (master-1 holds the lowest slots). */
async function mastersBySlot(url: string): Promise<{ port: number; keys: number }[]> {
  const target = parseClusterUrl(url)!;
  const client = new Redis({ ...target.nodes[0], password: target.password });
  try {
    const rows = ((await client.call('CLUSTER', 'NODES')) as string).trim().split('\n').map((l) => l.split(' '));
    const masters = rows.filter((r) => r[2].includes('master')).sort((a, b) => Number(a[8].split('-')[0]) - Number(b[8].split('-')[0]));
    return Promise.all(
      masters.map(async (m) => {
        const port = Number(/:(\d+)@/.exec(m[1])![1]);
        const node = new Redis({ host: '127.0.0.1', port, password: target.password });
        const keys = await node.dbsize();
        node.disconnect();
        return { port, keys };
      }),
    );
  } finally {
    client.disconnect();
  }
}

describe.skipIf(!HAS_REDIS)('a Redis Cluster store', () => {
  it('loses exactly the sessions in the slots of the master killed, and no other', async () => {
    topology = await startTopology({ architecture: 'redis', replicas: 2, store: { cluster: 3 } });
    expect([...topology.processes().keys()].filter((k) => k.startsWith('store')).sort()).toEqual(['store-master-1', 'store-master-2', 'store-master-3']);
    expect(topology.store?.url).toMatch(/^redis-cluster:\/\/:[\w-]+@127\.0\.0\.1:\d+,127\.0\.0\.1:\d+,127\.0\.0\.1:\d+$/);

    const [a, b] = topology.replicas.map((r) => r.url);
    const sids = await Promise.all(Array.from({ length: 60 }, () => login(a)));
    const before = await mastersBySlot(topology.store!.url);
    expect(before.reduce((n, m) => n + m.keys, 0)).toBe(60);
    // 60 random keys over three equal slot ranges: every master holds some.
    expect(before.every((m) => m.keys > 0)).toBe(true);

    await topology.killStore('master-2');
    const during = await Promise.all(sids.map((sid) => call(b, 'GET', '/cart', { sid })));
    // Its slots fail fast (503), the others are served: a partial outage, not a total one.
    expect(during.filter((r) => r.status === 503)).toHaveLength(before[1].keys);
    expect(during.filter((r) => r.status === 200)).toHaveLength(60 - before[1].keys);

    await topology.restartStore('master-2');
    const after = await Promise.all(sids.map((sid) => call(b, 'GET', '/cart', { sid })));
    expect(after.filter((r) => r.status === 401)).toHaveLength(before[1].keys);
    expect(after.filter((r) => r.status === 200)).toHaveLength(60 - before[1].keys);
    // The sessions lost are the ones that answered 503 while master-2 was down.
    expect(after.map((r) => r.status === 401)).toEqual(during.map((r) => r.status === 503));

    const pids = [...topology.processes().values()];
    await topology.stop();
    topology = undefined;
    expect(await survivors(pids)).toEqual([]);
    expect(pids.some(isAlive)).toBe(false);
  });

  it('is refused where a scenario asks what it cannot do, naming the field', () => {
    const problems = (text: string): string[] => {
      try {
        parseScenario(text, 'cluster.yaml');
        return [];
      } catch (err) {
        return (err as InvalidInputError).problems.map((p) => `${p.path}: ${p.message}`);
      }
    };
    expect(problems('architectures: [sticky, redis]\nstore: { cluster: 3 }\nfaults:\n  - { at: 1s, store-kill: master-2 }\n  - { at: 2s, store-restart: master-2 }\n')).toEqual([]);
    expect(problems('architectures: [redis]\nstore: { cluster: 3 }\nfaults:\n  - { at: 1s, store-kill: master-4 }\n')).toEqual([
      'faults[0].store-kill: cannot apply to `redis`: `master-4` is not a node of this store; its nodes are `master-1`, `master-2`, `master-3` (line 4)',
    ]);
    expect(problems('architectures: [redis]\nfaults:\n  - { at: 1s, store-kill: master-2 }\n')[0]).toContain('names the store node `master-2`, but this store has no nodes to name');
    expect(problems('architectures: [redis]\nstore: { cluster: 3, sentinels: 3 }\n')[0]).toContain('store.sentinels: a Redis Cluster fails over by itself');
    expect(problems('architectures: [redis]\nstore: { cluster: 2 }\n')[0]).toMatch(/^store\.cluster: must be at least 3/);
    expect(problems('architectures: [redis]\nstore: { cluster: 3 }\nfaults:\n  - { at: 1s, store-pause: true, for: 1s }\n')[0]).toContain('pausing a node is not modelled yet');
  });
});
