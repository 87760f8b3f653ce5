import { describe, expect, it } from 'vitest';
import { computePhases } from '../../src/metrics/phases.js';
import type { FaultEvent, TimelineSecond } from '../../src/result/types.js';

function second(n: number, fields: Partial<TimelineSecond> = {}): TimelineSecond {
  return {
    second: n,
    completed: 100,
    ok: 100,
    errors: {},
    sessionsLost: 0,
    updatesLost: 0,
    dropped: 0,
    p50Us: 1000,
    p99Us: 5000,
    storeP50Us: 200,
    byReplica: { 'replica-1': 100 },
    faults: [],
    ...fields,
  };
}

const fault = (atMs: number, kind: string, target?: string): FaultEvent => ({ atMs, kind, target, tookMs: 0, ok: true });

describe('computePhases', () => {
  it('cuts at each fault, leaves the fault\'s own second out, and takes medians of the seconds', () => {
    const timeline = [
      second(0),
      second(1, { p50Us: 3000 }),
      second(2),
      second(3, { p50Us: 9999, byReplica: { 'replica-1': 60, 'replica-2': 40 } }), // the scale's second
      second(4, { p50Us: 1200, storeP50Us: 2200, byReplica: { 'replica-1': 50, 'replica-2': 25, 'replica-10': 25 } }),
      second(5, { p50Us: 1400, storeP50Us: 2400, completed: 100, ok: 90, byReplica: { 'replica-1': 50, 'replica-2': 25, 'replica-10': 25 } }),
      second(6, { p50Us: 7777 }), // grace period: not part of the window
    ];
    const phases = computePhases(timeline, [fault(3400, 'scale', '+2')], 6000);
    expect(phases).toEqual([
      { after: [], startMs: 0, endMs: 3000, throughputRps: 100, errors: 0, p50Us: 1000, p99Us: 5000, storeP50Us: 200, replicaShare: { 'replica-1': 1 } },
      {
        after: ['scale +2'],
        startMs: 4000,
        endMs: 6000,
        throughputRps: 100,
        errors: 10,
        p50Us: 1300,
        p99Us: 5000,
        storeP50Us: 2300,
        replicaShare: { 'replica-1': 0.5, 'replica-2': 0.25, 'replica-10': 0.25 },
      },
    ]);
  });

  it('lists every replica the fault left, so one that got no request shows a share of 0', () => {
    const timeline = [0, 1, 2].map((n) => second(n));
    const scaled = { ...fault(500, 'scale', '+1'), replicasAfter: ['replica-1', 'replica-2'] };
    expect(computePhases(timeline, [scaled], 3000)[0].replicaShare).toEqual({ 'replica-1': 1, 'replica-2': 0 });
  });

  it('faults in one second share a phase; a fault at 0 s leaves no phase before it', () => {
    const timeline = [0, 1, 2, 3].map((n) => second(n));
    const phases = computePhases(timeline, [fault(0, 'store-latency', '+0.5ms'), fault(2100, 'kill', 'replica-1'), fault(2900, 'store-latency', '+2ms')], 4000);
    expect(phases.map((p) => [p.after, p.startMs, p.endMs])).toEqual([
      [['store-latency +0.5ms'], 1000, 2000],
      [['kill replica-1', 'store-latency +2ms'], 3000, 4000],
    ]);
  });
});
