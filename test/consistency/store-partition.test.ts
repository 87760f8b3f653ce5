import { describe, expect, it } from 'vitest';
import { expectBoundUnlessDisturbed } from '../helpers/quality.js';
import { HAS_REDIS } from '../helpers/redis.js';
import { runByLabel } from './store-pitfalls.js';

describe.skipIf(!HAS_REDIS)('store-partition', () => {
  it('requests wait out the replicas\' 1 s command timeout, fail with 503, and recover when the link heals', async () => {
    const runs = await runByLabel(`
architectures: [redis]
replicas: 2
duration: 7s
warmup: 500ms
load: { model: closed, users: 20, grace: 500ms }
session: { thinkTime: 10ms }
faults:
  - at: 1s
    store-partition: true
    for: 1500ms
`);
    const a = runs.get('redis')!;
    const [window] = a.faultWindows;
    const event = a.faults[0];
    expect(event).toMatchObject({ kind: 'store-partition', ok: true, detail: 'nothing passed for 1500 ms' });
    // Each user's request in flight hangs until ioredis gives up after 1 s: one 503 each, then
    // the next one waits for the heal; nothing is lost, and the window recovers.
    expect(window.errors['http-5xx'] ?? 0).toBeGreaterThanOrEqual(10);
    expect(window.p99Us).toBeGreaterThanOrEqual(900_000);
    // Recovered: two clean seconds in a row with p99 back near its level before. Four seconds
    // follow the heal, so one second of another test's noise (a full run saw it) leaves room; a
    // busy machine's noise can keep p99 up throughout, which the run's own quality figures then say.
    expectBoundUnlessDisturbed(a.measurementQuality, 'recovered after the partition', () => expect(window.recoveredAtMs).not.toBeNull());
    // Whatever the machine, the errors stop once the link heals: none in the last four seconds.
    expect(a.timeline.filter((s) => s.second >= 3 && s.second < 7).every((s) => Object.keys(s.errors).length === 0)).toBe(true);
    expect(a.sessions.lost).toBe(0);
    expect(a.updatesLost).toBe(0);
    // The requests that failed are the partition's: before it, none.
    expect(a.timeline.filter((s) => s.second < 1).every((s) => Object.keys(s.errors).length === 0)).toBe(true);
  }, 30_000);
});
