import { describe, expect, it } from 'vitest';
import { buildStory, describeFault } from '../../src/demo/story.js';
import { defaultStoryScenario } from '../../src/demo/default-story.js';
import { demoLineup, divideLoad } from '../../src/demo/demo-lineup.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';

describe('buildStory', () => {
  it('cuts the built-in story into a steady state and one act per fault', () => {
    const story = buildStory(defaultStoryScenario());
    expect(story.acts.map((a) => [a.number, a.startMs, a.endMs, a.title])).toEqual([
      [1, 0, 12_000, 'steady state: 3 replicas share the users'],
      [2, 12_000, 30_000, 'replica-2 is killed'],
      [3, 30_000, 42_000, 'replica-2 is restarted'],
      [4, 42_000, 55_000, 'replica-1 is frozen for 2.00 s'],
    ]);
  });

  it('keeps faults less than a second apart in one act, and starts with a fault at 0', () => {
    const scenario = parseScenario('duration: 10s\nfaults:\n  - {at: 0s, kill: replica-1}\n  - {at: 500ms, kill: replica-2}\n  - {at: 5s, restart: replica-1}\n', 's.yaml');
    const story = buildStory(scenario);
    expect(story.acts.map((a) => [a.startMs, a.faults.length, a.title])).toEqual([
      [0, 2, 'replica-1 is killed, replica-2 is killed'],
      [5000, 1, 'replica-1 is restarted'],
    ]);
  });
});

describe('describeFault', () => {
  it('speaks in the future, present and past', () => {
    const kill = { atMs: 0, kind: 'kill' as const, target: 'replica-2' };
    expect(describeFault(kill, 'future')).toBe('replica-2 will be killed');
    expect(describeFault(kill, 'present')).toBe('replica-2 is killed');
    expect(describeFault(kill, 'past')).toBe('replica-2 was killed');
    expect(describeFault({ atMs: 0, kind: 'kill' as const, target: 'random' }, 'future')).toBe('a random replica will be killed');
    expect(describeFault({ atMs: 0, kind: 'scale', delta: 2 }, 'future')).toBe('2 replicas will be added');
    expect(describeFault({ atMs: 0, kind: 'scale', delta: -1 }, 'past')).toBe('1 replica was removed');
    expect(describeFault({ atMs: 0, kind: 'brand-new-kind', target: 'replica-1' } as never, 'future')).toBe('brand-new-kind replica-1 will happen');
  });
});

describe('demoLineup', () => {
  const scenario = defaultStoryScenario();

  it('puts sticky beside redis, each with half of the users', () => {
    const lineup = demoLineup(scenario, { unavailable: () => undefined });
    expect(lineup.architectures).toEqual(['sticky', 'redis']);
    expect(lineup.load).toMatchObject({ model: 'closed', users: 150 });
    expect(lineup.notices).toEqual([]);
  });

  it('falls back to sqlite without Redis, and says so', () => {
    const lineup = demoLineup(scenario, { unavailable: (a) => (a === 'redis' ? 'redis-server is not on the PATH' : undefined) });
    expect(lineup.architectures).toEqual(['sticky', 'sqlite']);
    expect(lineup.notices.join()).toContain('sqlite');
  });

  it('keeps two of a longer list: sticky and the first stateless one', () => {
    const lineup = demoLineup({ ...scenario, architectures: ['redis', 'cookie', 'sticky', 'sqlite'] }, { unavailable: () => undefined });
    expect(lineup.architectures).toEqual(['sticky', 'redis']);
    expect(lineup.notices.join()).toContain('cookie, sqlite left out');
  });

  it('divides an open load: rates, sessions and backlog', () => {
    const load = divideLoad({ model: 'open', rateRps: 1000, rampToRps: 3000, sessions: 101, maxBacklog: 10, timeoutMs: 1, graceMs: 1, parallelPerSession: 1 }, 2);
    expect(load).toMatchObject({ rateRps: 500, rampToRps: 1500, sessions: 51, maxBacklog: 5 });
  });
});
