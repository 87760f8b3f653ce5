import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ARCHITECTURES } from '../../src/architectures/index.js';
import { demoLineup } from '../../src/demo/demo-lineup.js';
import { runDemo } from '../../src/demo/run-demo.js';
import { buildStory } from '../../src/demo/story.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { RedisServer } from '../../src/stores/redis-server.js';
import { HAS_REDIS } from '../helpers/redis.js';

/**
 * The demo drives the same architecture run as `statebench run`: what a scenario can do in a run
 * (the store latency proxy, a replicated Redis, an existing Redis by URL) it can do on stage.
 * Each case once failed at run time when the demo wired its own topology.
 */
async function tell(yaml: string, redisUrl?: string) {
  const scenario = parseScenario(yaml, 'story.yaml');
  const store = { ...scenario.store, ...(redisUrl === undefined ? {} : { redisUrl }) };
  const lineup = demoLineup(scenario, { unavailable: (a) => ARCHITECTURES.get(a)?.store?.unavailable(store) });
  const faults: string[] = [];
  const result = await runDemo({ story: buildStory(scenario), lineup, redisUrl, listener: { fault: (a, label) => faults.push(`${a} ${label}`) } });
  return { result, faults };
}

const STORY = `architectures: [sticky, redis]
replicas: 2
warmup: 500ms
duration: 4s
load: { users: 10 }
`;

describe.skipIf(!HAS_REDIS)('a demo tells any scenario a run can run', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('with store-latency: the proxy is in the path and the step is applied on stage', async () => {
    const { result } = await tell(`${STORY}faults:\n  - at: 1s\n    store-latency: 2ms\n`);
    expect(result.architectures.map((a) => [a.architecture, a.complete, a.error])).toEqual([
      ['sticky', true, undefined],
      ['redis', true, undefined],
    ]);
    const redis = result.architectures[1];
    expect(redis.faults.map((f) => [f.kind, f.ok, f.detail])).toEqual([['store-latency', true, 'store round trip +2ms']]);
    // Store time after the step: at least the 2 ms the proxy adds to each round trip.
    const after = redis.timeline.filter((s) => s.second >= 2 && s.completed > 0);
    expect(Math.min(...after.map((s) => s.storeP50Us))).toBeGreaterThan(1800);
  }, 60_000);

  it('with store-failover on a replicated Redis: Sentinels promote a replica and the story ends', async () => {
    const { result } = await tell(`${STORY.replace('duration: 4s', 'duration: 8s')}store: { replicas: 1, sentinels: 3 }\nfaults:\n  - at: 1s\n    store-failover: true\n`);
    expect(result.architectures.map((a) => [a.architecture, a.complete, a.error])).toEqual([
      ['sticky', true, undefined],
      ['redis', true, undefined],
    ]);
    const failover = result.architectures[1].faults[0];
    expect([failover.kind, failover.ok], failover.error).toEqual(['store-failover', true]);
    expect(failover.detail).toMatch(/Sentinels promoted 127\.0\.0\.1:\d+/);
  }, 90_000);

  it('with --redis-url: redis uses that server and the sticky panel runs beside it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'statebench-demo-redis-'));
    dirs.push(dir);
    const server = new RedisServer({ dir });
    await server.start();
    try {
      const { result } = await tell(STORY, server.url);
      expect(result.architectures.map((a) => [a.architecture, a.complete, a.error])).toEqual([
        ['sticky', true, undefined],
        ['redis', true, undefined],
      ]);
      expect(result.architectures.every((a) => a.requests.ok > 0)).toBe(true);
      expect(result.scenario.store.redisUrl).toBe(server.url);
    } finally {
      await server.stop();
    }
  }, 60_000);
});
