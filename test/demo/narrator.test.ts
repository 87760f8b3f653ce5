import { describe, expect, it } from 'vitest';
import { DemoShow } from '../../src/demo/demo-show.js';
import { buildStory } from '../../src/demo/story.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import type { TimelineSecond } from '../../src/result/types.js';

const scenario = parseScenario('name: t\nduration: 20s\nreplicas: 3\nfaults:\n  - {at: 8s, kill: replica-2}\n', 't.yaml');

function second(i: number, lost: number, storeP50Us: number, errors: TimelineSecond['errors'] = {}, updatesLost = 0): TimelineSecond {
  return { second: i, completed: 1000, ok: 1000, errors, sessionsLost: lost, updatesLost, dropped: 0, p50Us: 1000, p99Us: 5000, storeP50Us, byReplica: {}, faults: [] };
}

/** What the kill's second brings each architecture besides lost sessions: failures by kind, items lost. */
interface KillSecond {
  errors?: TimelineSecond['errors'];
  itemsLost?: number;
}

/** Plays a story to a show: seconds of both architectures, the act at 8 s; returns what was said. */
function play(lostAtKill: { sticky: number; redis: number }, storeUs: number, atKill: { sticky?: KillSecond; redis?: KillSecond } = {}): string[] {
  const said: string[] = [];
  const story = buildStory(scenario);
  const show = new DemoShow(story, ['sticky', 'redis'], 'shared', false, { changed() {}, line: (l) => said.push(l) });
  show.phase('running');
  const at = (i: number, arch: 'sticky' | 'redis', store: number): TimelineSecond =>
    i === 8 ? second(i, lostAtKill[arch], store, atKill[arch]?.errors, atKill[arch]?.itemsLost) : second(i, 0, store);
  for (let i = 0; i < 16; i++) {
    if (i === 8) show.act(story.acts[1]);
    show.second('sticky', at(i, 'sticky', 0), (i + 1) * 1000);
    show.second('redis', at(i, 'redis', storeUs), (i + 1) * 1000);
  }
  return said;
}

describe('the narration', () => {
  it('announces the kill 5 s ahead, then tells its toll and the store cost from the numbers', () => {
    const said = play({ sticky: 312, redis: 0 }, 400);
    expect(said).toContain('in 5 s replica-2 will be killed');
    expect(said).toContain('act 2: replica-2 is killed');
    expect(said).toContain('5 s after replica-2 was killed: sticky: 312 users were logged out; redis: 0');
    expect(said).toContain('so far the store added 400 µs to every redis request (median round trip); sticky pays nothing: its sessions live in the memory of the replica that created them');
    expect(said.indexOf('in 5 s replica-2 will be killed')).toBeLessThan(said.indexOf('act 2: replica-2 is killed'));
  });

  it('changes when the numbers do', () => {
    const said = play({ sticky: 1, redis: 9 }, 1830);
    expect(said).toContain('5 s after replica-2 was killed: sticky: 1 user was logged out; redis: 9');
    expect(said.some((l) => l.includes('the store added 1.83 ms to every redis request'))).toBe(true);
  });

  it('tells the cart items lost and names every kind of failed request', () => {
    const said = play({ sticky: 12, redis: 0 }, 400, {
      sticky: { errors: { 'session-lost': 12, 'update-lost': 2 }, itemsLost: 40 },
      redis: { errors: { refused: 3 } },
    });
    expect(said).toContain('  cart items lost meanwhile: sticky 40, redis 0');
    expect(said).toContain('  failed requests meanwhile: sticky 14 (session-lost 12, update-lost 2), redis 3 (refused 3)');
    expect(said.join('\n')).not.toContain('other');
  });
});
