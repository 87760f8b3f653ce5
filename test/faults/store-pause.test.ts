import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { storePause } from '../../src/faults/store-pause.js';
import { watchdogPid } from '../../src/process/reaper.js';
import { startTopology } from '../../src/topology/topology.js';
import type { Topology } from '../../src/topology/types.js';
import { SQLITE_BUSY_TIMEOUT_MS } from '../../targets/stores/sqlite.js';
import { call, login } from '../helpers/http.js';
import { leftoverChildren } from '../helpers/processes.js';
import { faultContext } from './fault-context.js';

let topology: Topology | undefined;
afterEach(async () => {
  await topology?.stop();
  topology = undefined;
});
afterAll(async () => {
  expect(await leftoverChildren(watchdogPid())).toEqual([]);
});

describe('store-pause on SQLite: another connection holds the write lock', () => {
  it('writes wait out busy_timeout and fail with 503, reads go on, and all is well once released', async () => {
    topology = await startTopology({ architecture: 'sqlite', replicas: 2 });
    const [a, b] = topology.replicas;
    const sid = await login(a.url);
    expect((await call(a.url, 'POST', '/cart/items', { sid, body: { sku: 'before', qty: 1 } })).status).toBe(200);

    const pausing = storePause.apply(faultContext(topology, { kind: 'store-pause', forMs: SQLITE_BUSY_TIMEOUT_MS + 1500 }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    // WAL readers never wait for the writer's lock.
    const read = await call(b.url, 'GET', '/cart', { sid });
    expect(read.status).toBe(200);
    expect(read.json.items).toEqual([{ sku: 'before', qty: 1 }]);

    const t0 = Date.now();
    const write = await call(a.url, 'POST', '/cart/items', { sid, body: { sku: 'during', qty: 1 } });
    expect(write.status).toBe(503);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(SQLITE_BUSY_TIMEOUT_MS - 50);

    expect(await pausing).toEqual({ healed: true, detail: `write lock held for ${SQLITE_BUSY_TIMEOUT_MS + 1500} ms` });
    const after = await call(a.url, 'POST', '/cart/items', { sid, body: { sku: 'after', qty: 1 } });
    expect(after.status).toBe(200);
    expect(after.json.count).toBe(2);
  });
});
