import { afterAll, describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/run-scenario.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { watchdogPid } from '../../src/process/reaper.js';
import { leftoverChildren } from '../helpers/processes.js';
import { HAS_REDIS } from '../helpers/redis.js';

afterAll(async () => {
  expect(await leftoverChildren(watchdogPid())).toEqual([]);
});

describe.skipIf(!HAS_REDIS)('store-kill and store-restart in a run', () => {
  it('redis requests fail with 5xx while the store is down and every session is gone after; sticky feels nothing', async () => {
    const scenario = parseScenario(
      `architectures: [sticky, redis]
replicas: 2
duration: 4s
warmup: 500ms
load: { model: closed, users: 4, timeout: 1s, grace: 300ms }
session: { adds: 200, thinkTime: 20ms }
faults:
  - at: 1s
    store-kill: true
  - at: 2s
    store-restart: true
`,
      'store-kill.yaml',
    );
    const result = await runScenario(scenario);
    const [sticky, redis] = result.architectures;
    expect(result.complete).toBe(true);

    expect(redis.faults.map((f) => `${f.kind} ${f.ok}`)).toEqual(['store-kill true', 'store-restart true']);
    const killWindow = redis.faultWindows[0];
    expect(killWindow.kind).toBe('store-kill');
    expect(killWindow.errors['http-5xx']).toBeGreaterThan(0);
    // No persistence: the restarted Redis is empty, so sessions held across the outage are gone
    // (long sessions and a think time, so users still hold theirs when Redis comes back instead
    // of burning through them on fast 503s).
    expect(redis.sessions.lost).toBeGreaterThan(0);

    expect(sticky.faults.map((f) => `${f.kind} ${f.ok} ${f.detail}`)).toEqual([
      'store-kill true no store: sessions live in the memory of the replica that created them',
      'store-restart true no store: sessions live in the memory of the replica that created them',
    ]);
    expect(sticky.requests.failed).toBe(0);
    expect(sticky.sessions.lost).toBe(0);
  });
});
