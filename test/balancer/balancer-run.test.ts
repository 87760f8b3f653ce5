import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/run-scenario.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { HAS_REDIS } from '../helpers/redis.js';
import { leftoverChildren } from '../helpers/processes.js';
import { watchdogPid } from '../../src/process/reaper.js';
import { HAS_HAPROXY } from './has-haproxy.js';

/** Runs through the one runner with HAProxy in front, as `run --balancer haproxy` does. */
describe.skipIf(!HAS_HAPROXY || !HAS_REDIS)('runs behind a real HAProxy', () => {
  it('a rolling deploy drains through the runtime API: redis loses nothing and sees no error', async () => {
    const scenario = parseScenario(
      'architectures: [redis]\nbalancer: haproxy\nreplicas: 2\nwarmup: 1s\nduration: 8s\nload: { users: 8 }\nfaults:\n  - at: 1s\n    deploy: {interval: 500ms}\n',
      'deploy.yaml',
    );
    const result = await runScenario(scenario);
    const redis = result.architectures[0];
    expect([redis.architecture, redis.balancer, redis.complete]).toEqual(['redis', 'haproxy', true]);
    const deploy = redis.faults.find((f) => f.kind === 'deploy')!;
    expect([deploy.ok, deploy.error]).toEqual([true, undefined]);
    expect(deploy.detail).toMatch(/^restarted replica-1, replica-2 one at a time/);
    expect(redis.requests.failed).toBe(0);
    expect(redis.sessions.lost).toBe(0);
    expect(redis.updatesLost).toBe(0);
    // Both replicas served, as X-Replica said (every request went to the balancer's one URL).
    expect(Object.keys(redis.perReplica).sort()).toEqual(['replica-1', 'replica-2']);
    expect(redis.cpu.some((c) => c.component === 'balancer' && c.cpuMs > 0)).toBe(true);
    expect(await leftoverChildren(watchdogPid())).toEqual([]);
  }, 60_000);

  it('balancer-kill fails every architecture until balancer-restart, and the fault window says so', async () => {
    const scenario = parseScenario(
      'architectures: [sticky, redis]\nbalancer: haproxy\nreplicas: 2\nwarmup: 1s\nduration: 6s\nload: { users: 8 }\nfaults:\n  - { at: 1s, balancer-kill: true }\n  - { at: 3s, balancer-restart: true }\n',
      'kill.yaml',
    );
    const result = await runScenario(scenario);
    for (const a of result.architectures) {
      expect(a.faults.map((f) => [f.kind, f.ok])).toEqual([
        ['balancer-kill', true],
        ['balancer-restart', true],
      ]);
      const killed = a.faultWindows.find((w) => w.kind === 'balancer-kill')!;
      expect(killed.errors.refused ?? 0).toBeGreaterThan(0);
      // While it was down nothing got through; once restarted, requests were answered again.
      const during = a.timeline.filter((s) => s.second === 2);
      expect(during.every((s) => s.ok === 0)).toBe(true);
      const after = a.timeline.filter((s) => s.second >= 4);
      expect(after.every((s) => s.ok > 0 && (s.errors.refused ?? 0) === 0)).toBe(true);
    }
    expect(await leftoverChildren(watchdogPid())).toEqual([]);
  }, 60_000);
});

/** What a restart of the one balancer costs sticky sessions, by where the pin lives. */
describe.skipIf(!HAS_HAPROXY)('a restarted HAProxy and sticky sessions', () => {
  const restartStory = (stickiness: string): string =>
    `architectures: [sticky]\nbalancer: haproxy\nhaproxy: { stickiness: ${stickiness} }\nreplicas: 2\nwarmup: 1s\nduration: 5s\nload: { users: 8 }\nsession: { adds: 50 }\nfaults:\n  - { at: 1s, balancer-kill: true }\n  - { at: 1500ms, balancer-restart: true }\n`;

  it('stick table: the pins lived in the killed process, so pinned sessions scatter and are lost', async () => {
    const result = await runScenario(parseScenario(restartStory('stick-table'), 'stick.yaml'));
    const sticky = result.architectures[0];
    expect(sticky.faults.map((f) => [f.kind, f.ok])).toEqual([['balancer-kill', true], ['balancer-restart', true]]);
    // About half of the 8 sessions land on the other replica after the restart: lost.
    expect(sticky.sessions.lost).toBeGreaterThan(0);
  }, 60_000);

  it('cookie: the client carries the pin, so every session goes home after the restart', async () => {
    const result = await runScenario(parseScenario(restartStory('cookie'), 'cookie.yaml'));
    const sticky = result.architectures[0];
    expect(sticky.faults.map((f) => [f.kind, f.ok])).toEqual([['balancer-kill', true], ['balancer-restart', true]]);
    expect(sticky.sessions.lost).toBe(0);
    expect(sticky.requests.errors['session-lost'] ?? 0).toBe(0);
    // Requests were answered again after the restart.
    expect(sticky.timeline.filter((s) => s.second >= 3).every((s) => s.ok > 0)).toBe(true);
  }, 60_000);
});
