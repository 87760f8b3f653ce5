import { describe, expect, it } from 'vitest';
import { HAS_REDIS } from '../helpers/redis.js';
import { runByLabel } from './store-pitfalls.js';

// A 1 s time to live and 500 ms of think time: a rolling session survives its user, one that
// counts from login does not. Both at once (pairing: concurrent), so the test takes one window.
describe.skipIf(!HAS_REDIS)('session expiry', () => {
  it('rolling: every request extends the session (none expires); from login: every one does, as Redis counts', async () => {
    const runs = await runByLabel(`
architectures: [redis]
pairing: concurrent
replicas: 2
duration: 3s
warmup: 1500ms
load: { model: closed, users: 60, rampUp: 1500ms, grace: 500ms }
session: { thinkTime: 500ms }
store: { ttl: 1s, rolling: [true, false] }
`);
    const rolling = runs.get('redis+rolling=true')!;
    const fixed = runs.get('redis+rolling=false')!;
    expect(rolling.sessions.lost).toBe(0);
    expect(rolling.storeCounters?.expiredKeys).toBe(0);
    // Every lost session is put down to expiry, and Redis expired about as many keys: a session
    // it expires near the window's end is found gone after it, one found early expired before.
    expect(fixed.sessions.lost).toBeGreaterThan(20);
    expect(fixed.sessions.lostByCause).toEqual({ expired: fixed.sessions.lost });
    const redisCount = fixed.storeCounters!.expiredKeys!;
    console.info(`expired: statebench ${fixed.sessions.lost}, Redis expired_keys ${redisCount}`);
    expect(Math.abs(fixed.sessions.lost - redisCount)).toBeLessThanOrEqual(Math.max(3, 0.1 * redisCount));
  }, 30_000);
});
