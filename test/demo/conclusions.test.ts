import { describe, expect, it } from 'vitest';
import { concludeDemo } from '../../src/demo/conclusions.js';
import { craftArchitecture, craftRun } from './crafted-result.js';

const sticky = (lost: number, over: Partial<Parameters<typeof craftArchitecture>[0]> = {}) =>
  craftArchitecture({ architecture: 'sticky', lost, p99Us: 20_000, storeP50Us: 0, throughputRps: 1000, killAtMs: 12_000, ...over });
const redis = (lost: number, over: Partial<Parameters<typeof craftArchitecture>[0]> = {}) =>
  craftArchitecture({ architecture: 'redis', lost, p99Us: 30_000, storeP50Us: 410, throughputRps: 900, killAtMs: 12_000, ...over });

describe('concludeDemo', () => {
  it('tells the usual story: sticky loses users, redis keeps them for its store time', () => {
    const [loss, cost, verdict] = concludeDemo(craftRun([sticky(312), redis(0)]));
    expect(loss).toBe('When replica-2 was killed at 12.0 s, sticky logged out 312 users (39.0% of its sessions) and redis logged out no one.');
    expect(cost).toBe(
      'Keeping sessions in redis added 410 µs to every request (median store round trip, 25% of the time its servers took), and p99 was higher: 30.0 ms against 20.0 ms for sticky.',
    );
    expect(verdict).toBe('So redis kept 312 more users logged in for 410 µs per request, with less throughput (900 against 1,000 req/s).');
  });

  it('tells the cart items lost, with lost sessions or in sessions that lived on', () => {
    const [loss] = concludeDemo(craftRun([sticky(312, { itemsLost: 1204 }), redis(0, { itemsLost: 2 })]));
    expect(loss).toBe(
      'When replica-2 was killed at 12.0 s, sticky logged out 312 users (39.0% of its sessions), losing 1,204 cart items, and redis logged out no one, losing 2 cart items.',
    );
  });

  it('says so when redis lost sessions too', () => {
    const [loss, , verdict] = concludeDemo(craftRun([sticky(312), redis(7)]));
    expect(loss).toContain('sticky logged out 312 users');
    expect(loss).toContain('and redis logged out 7 users (0.88% of its sessions) as well.');
    expect(verdict).toContain('redis kept 305 more users logged in');
    expect(verdict).toContain('though 7 of its own were still lost');
  });

  it('says the store bought nothing when sticky lost no one', () => {
    const [loss, , verdict] = concludeDemo(craftRun([sticky(0), redis(0)]));
    expect(loss).toBe('When replica-2 was killed at 12.0 s, neither sticky nor redis logged anyone out.');
    expect(verdict).toBe('Since sticky lost no session either, the 410 µs per request redis paid bought nothing in this run, with less throughput (900 against 1,000 req/s).');
  });

  it('blames the store when only redis lost sessions', () => {
    const [loss, , verdict] = concludeDemo(craftRun([sticky(0), redis(4)]));
    expect(loss).toContain('sticky logged out no one, but redis logged out 4 users');
    expect(verdict).toContain('still lost 4 more sessions than sticky');
    expect(verdict).toContain('here its store failed users');
  });

  it('follows the latency and throughput figures, not a script', () => {
    const [, cost, verdict] = concludeDemo(craftRun([sticky(10), redis(0, { p99Us: 12_000, storeP50Us: 1_830, throughputRps: 1010 })]));
    expect(cost).toContain('added 1.83 ms to every request');
    expect(cost).toContain('p99 was lower: 12.0 ms against 20.0 ms for sticky');
    expect(verdict).toContain('with about the same throughput (1,010 against 1,000 req/s)');
  });

  it('changes with the number of users and the fault times', () => {
    const one = concludeDemo(craftRun([sticky(1, { killAtMs: 4000 }), redis(0, { killAtMs: 4000 })]));
    expect(one[0]).toContain('killed at 4.00 s, sticky logged out 1 user (');
    expect(one[2]).toContain('kept 1 more user logged in');
  });

  it('speaks of a storeless architecture without inventing a store', () => {
    const cookie = craftArchitecture({ architecture: 'cookie', lost: 0, p99Us: 20_500, storeP50Us: 0, throughputRps: 990, killAtMs: 12_000 });
    const [, cost, verdict] = concludeDemo(craftRun([sticky(50), cookie]));
    expect(cost).toContain('No time went to a store round trip in cookie');
    expect(cost).toContain('p99 was about the same');
    expect(verdict).toContain('cookie kept 50 more users logged in for no store time');
  });

  it('marks an interrupted run, and one where no fault struck', () => {
    const [loss] = concludeDemo(craftRun([sticky(0, { killAtMs: undefined }), redis(0, { killAtMs: undefined })], false));
    expect(loss).toBe('Before the demo was cut short, no fault struck, and neither sticky nor redis logged anyone out.');
  });

  it('breaks a loss down by fault when the story had several', () => {
    const a = sticky(118);
    a.faults = [
      { atMs: 12_000, kind: 'kill', target: 'replica-2', tookMs: 2, ok: true },
      { atMs: 30_000, kind: 'restart', target: 'replica-2', tookMs: 300, ok: true },
      { atMs: 42_000, kind: 'pause', target: 'replica-1', tookMs: 1, ok: true },
    ];
    const window = (kind: string, target: string, startMs: number, sessionsLost: number) => ({ kind, target, startMs, recoveredAtMs: null, timeToRecoverMs: null, errors: {}, sessionsLost, updatesLost: 0, p99Us: 0 });
    a.faultWindows = [window('kill', 'replica-2', 12_000, 48), window('restart', 'replica-2', 30_000, 0), window('pause', 'replica-1', 42_000, 70)];
    const [loss] = concludeDemo(craftRun([a, redis(0)]));
    expect(loss).toBe(
      'Over the 3 faults of the story, sticky logged out 118 users (14.8% of its sessions; 48 when replica-2 was killed, 70 when replica-1 was frozen for 2.00 s) and redis logged out no one.',
    );
  });

  it('always returns three sentences', () => {
    expect(concludeDemo(craftRun([]))).toHaveLength(3);
    expect(concludeDemo(craftRun([sticky(3)]))).toHaveLength(3);
  });
});
