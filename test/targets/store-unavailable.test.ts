import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTopology } from '../../src/topology/topology.js';
import type { Topology } from '../../src/topology/types.js';
import { call, login } from '../helpers/http.js';
import { waitFor } from '../helpers/processes.js';
import { HAS_REDIS } from '../helpers/redis.js';

/** ioredis commandTimeout is 1000 ms; a 503 must come well before a client would give up. */
const FAIL_FAST_MS = 1800;

describe.skipIf(!HAS_REDIS)('redis store down or stalled', () => {
  let topology: Topology;
  let origin: string;
  beforeAll(async () => {
    topology = await startTopology({ architecture: 'redis', replicas: 1 });
    origin = topology.replicas[0].url;
  });
  afterAll(async () => {
    await topology?.stop();
  });

  it('answers 503 quickly while Redis is dead, and recovers (sessions lost) after a restart', async () => {
    const sid = await login(origin);
    const pidBefore = topology.store!.pid;
    await topology.killStore();
    expect(topology.processes().has('store')).toBe(false);

    const t0 = Date.now();
    const r = await call(origin, 'GET', '/cart', { sid });
    expect(r.status).toBe(503);
    expect(r.json).toEqual({ error: 'store-unavailable' });
    expect(Date.now() - t0).toBeLessThan(FAIL_FAST_MS);

    await topology.restartStore();
    expect(topology.store!.pid).not.toBe(pidBefore);
    // ioredis reconnects on its own backoff; no persistence, so the old session is gone.
    expect(await waitFor(async () => (await call(origin, 'GET', '/cart', { sid })).status === 401, 3000)).toBe(true);
    expect((await call(origin, 'POST', '/login')).status).toBe(200);
  });

  it('answers 503 within the command timeout while Redis is paused, and recovers on resume', async () => {
    const sid = await login(origin);
    await topology.pauseStore();
    try {
      const t0 = Date.now();
      const r = await call(origin, 'GET', '/cart', { sid });
      expect(r.status).toBe(503);
      expect(Date.now() - t0).toBeLessThan(FAIL_FAST_MS);
    } finally {
      await topology.resumeStore();
    }
    const r = await call(origin, 'GET', '/cart', { sid });
    expect(r.status).toBe(200);
  });

  it('SIGTERM lets an in-flight request finish, then exits without sitting out the grace period', async () => {
    const extra = await topology.addReplica();
    await topology.pauseStore();
    try {
      // Redis is stalled, so this request is still in flight (~1 s) when the stop begins.
      const inFlight = call(extra.url, 'POST', '/login').then((r) => ({ r, atMs: Date.now() }));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const removed = topology.removeReplica(extra.name).then(() => Date.now());
      const { r, atMs } = await inFlight;
      expect(r.status).toBe(503);
      expect(r.headers.connection).toBe('close');
      // Grace is 2 s; store.close() against a paused Redis gives up after 200 ms.
      expect((await removed) - atMs).toBeLessThan(800);
    } finally {
      await topology.resumeStore();
    }
  });
});
