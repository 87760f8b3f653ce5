import { describe, expect, it } from 'vitest';
import { expectBoundUnlessDisturbed } from '../helpers/quality.js';
import { HAS_REDIS } from '../helpers/redis.js';
import { runByLabel } from './store-pitfalls.js';

// The shipped read-replica scenario, shortened: one replica 20 ms behind its primary.
describe.skipIf(!HAS_REDIS)('reads from a lagging Redis replica', () => {
  it('break read-your-writes (stale, never lost); reads from the primary do not', async () => {
    const runs = await runByLabel(`
architectures: [redis]
pairing: concurrent   # both at once: half the wall time
replicas: 2
duration: 2s
warmup: 500ms
load: { model: closed, users: 10, grace: 500ms }
session: { adds: 8, readRatio: 0.5, thinkTime: 5ms }
store: { replicas: 1, readFrom: [primary, replica], replicationLatency: 20ms }
`);
    const primary = runs.get('redis+readFrom=primary')!;
    const replica = runs.get('redis+readFrom=replica')!;
    for (const a of [primary, replica]) {
      expect(a.updatesLost, a.architecture).toBe(0);
      expect(a.sessions.lost, a.architecture).toBe(0);
      expect(a.byEndpoint.read?.count ?? 0, a.architecture).toBeGreaterThan(50);
    }
    expect(primary.requests.errors['stale-read']).toBe(0);
    expect(primary.consistency).toMatchObject({ readYourWritesViolations: 0, monotonicReadViolations: 0, staleItems: 0, stalenessUs: null });
    expect(replica.requests.errors['stale-read']).toBeGreaterThan(0);
    expect(replica.consistency!.readYourWritesViolations).toBeGreaterThan(0);
    expect(replica.consistency!.staleItems).toBeGreaterThan(0);
    // Stale items became visible about the lag after their acknowledgement (the estimate is off
    // by half the time between two reads of a session, a few ms here).
    const p50Us = replica.consistency!.stalenessUs!.p50;
    console.info(`staleness p50 ${p50Us} µs with 20 ms of replication lag`);
    expect(p50Us).toBeGreaterThan(10_000); // it is the lag, not noise
    expectBoundUnlessDisturbed(replica.measurementQuality, 'staleness p50 near the lag', () => expect(p50Us).toBeLessThan(40_000));
  }, 30_000);
});
