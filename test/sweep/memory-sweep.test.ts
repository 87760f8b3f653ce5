/**
 * Memory per session from a sweep over `load.sessions`, on real replicas and a real Redis: the
 * reported bytes per session must be what the raw figures in the result imply, Redis's
 * `used_memory` difference and the replicas' RSS difference over the sessions held.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { watchdogPid } from '../../src/process/reaper.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { runSweep } from '../../src/sweep/run-sweep.js';
import { leftoverChildren } from '../helpers/processes.js';
import { redisAvailable } from '../../src/stores/redis-server.js';

afterAll(async () => {
  expect(await leftoverChildren(watchdogPid())).toEqual([]);
});

// Large items (32 KiB each, up to 2 per cart), so that a few hundred sessions move the replicas'
// RSS by tens of MB, far above its noise. Both architectures at once, each with half of the
// sessions and of the rate.
const SCENARIO = `name: memory-sweep
architectures: [sticky, redis]
pairing: concurrent
replicas: 1
duration: 3s
warmup: 500ms
load: {model: open, rate: 1000/s, grace: 300ms}
session: {adds: 2, payload: 32KiB}
sweep:
  load.sessions: [200, 800]
`;

describe.skipIf(!redisAvailable())('memory per session over a sweep of load.sessions', () => {
  test('sticky (replica RSS) and redis (INFO memory): the fitted bytes per session within 20% of what the raw differences imply', async () => {
    const result = await runSweep(parseScenario(SCENARIO, 'memory-sweep.yaml'));
    expect(result.complete).toBe(true);
    const memory = result.growth!.memory;
    expect(memory.map((m) => [m.architecture, m.holder, m.measure])).toEqual([
      ['sticky', 'replicas', 'RSS of the replicas'],
      ['redis', 'store', 'used_memory (INFO memory)'],
    ]);
    for (const fit of memory) {
      const [small, large] = result.points.map((p) => p.run.architectures.find((a) => a.architecture === fit.architecture)!.memory!);
      // Sessions held at the end: each architecture had half of the pool.
      expect(small.sessionsHeld).toBeGreaterThan(50);
      expect(large.sessionsHeld).toBeGreaterThan(1.5 * small.sessionsHeld);
      const after = (m: typeof small): number => (fit.holder === 'store' ? m.store!.afterBytes : m.replicas.reduce((s, r) => s + r.afterBytes, 0));
      const implied = (after(large) - after(small)) / (large.sessionsHeld - small.sessionsHeld);
      console.log(`${fit.architecture}: ${fit.bytesPerSession} B/session reported, ${Math.round(implied)} implied by ${fit.measure}; sessions held ${small.sessionsHeld} → ${large.sessionsHeld}`);
      expect(fit.bytesPerSession).not.toBeNull();
      expect(Math.abs(fit.bytesPerSession! - implied)).toBeLessThanOrEqual(0.2 * Math.abs(implied));
      // A session holds at most two items of 32 KiB: Redis's figure above 80 KiB would be counting
      // something else. RSS also counts the heap V8 keeps in proportion to live data (about
      // twice it, seen here) and garbage not yet collected: up to four times that.
      expect(fit.bytesPerSession!).toBeGreaterThan(200);
      expect(fit.bytesPerSession!).toBeLessThan((fit.holder === 'store' ? 1 : 4) * 80 * 1024);
    }
    // Redis says how many keys it holds: one per session the clients hold, and a few more for
    // logins whose answer the client never got (timed out, or in flight when the run ended).
    for (const p of result.points) {
      const redis = p.run.architectures.find((a) => a.architecture === 'redis')!.memory!;
      expect(redis.store!.sessions!).toBeGreaterThanOrEqual(redis.sessionsHeld - 2);
      expect(redis.store!.sessions!).toBeLessThanOrEqual(Math.ceil(1.1 * redis.sessionsHeld) + 2);
    }
  });
});
