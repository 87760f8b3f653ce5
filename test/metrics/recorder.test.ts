import { describe, expect, it } from 'vitest';
import type { TimelineSecond } from '../../src/result/types.js';
import { percentilesOf, type Histogram } from '../../src/hdr/histogram.js';
import { Recorder } from '../../src/metrics/recorder.js';

/** Count recorded in `value`'s bucket (public in HdrHistogram, private in this port's typings). */
function countAt(h: Histogram, value: number): number {
  return (h as unknown as { getCountAtValue(v: number): number }).getCountAtValue(value);
}

const T0 = 50_000; // performance.now() when the window starts; arbitrary

function ok(rec: Recorder, atMs: number, latencyUs: number, replica = 'replica-1', storeUs = -1): void {
  rec.sent(atMs);
  rec.request('read', 'ok', latencyUs, latencyUs, storeUs, replica, atMs);
}

describe('Recorder', () => {
  it('records known latencies and reads them back within HDR precision', () => {
    const rec = new Recorder();
    rec.beginMeasuring(T0);
    for (let us = 1; us <= 10_000; us++) ok(rec, T0 + 10, us);
    rec.endMeasuring(T0 + 1000);
    rec.finish(T0 + 1000);
    const p = percentilesOf(rec.latency);
    expect(p.count).toBe(10_000);
    expect(p.p50).toBeGreaterThanOrEqual(5000);
    expect(p.p50 - 5000).toBeLessThanOrEqual(5000 / 1024);
    expect(p.p99 - 9900).toBeLessThanOrEqual(9900 / 1024);
    expect(percentilesOf(rec.endpointHistogram('read')).count).toBe(10_000);
    expect(rec.endpointHistogram('add').totalCount).toBe(0);
    expect(rec.timeline).toHaveLength(1);
    expect(rec.timeline[0].p50Us).toBe(p.p50);
    expect(rec.timeline[0].p99Us).toBe(p.p99);
  });

  it('does not invent an empty last second when end − start is a hair over whole seconds', () => {
    const rec = new Recorder();
    // A start for which (start + 24000) − start is 24000.000000000004 in floating point.
    const start = 22173.702223983517;
    const end = start + 24_000;
    expect(end - start).toBeGreaterThan(24_000);
    rec.beginMeasuring(start);
    for (let s = 0; s < 24; s++) ok(rec, start + s * 1000 + 500, 100);
    rec.endMeasuring(end);
    rec.finish(end + 500);
    expect(rec.timeline).toHaveLength(24);
    expect(rec.timeline.every((s) => s.completed === 1)).toBe(true);
  });

  it('records sub-millisecond latencies as what they were, never 0', () => {
    const rec = new Recorder();
    rec.beginMeasuring(T0);
    ok(rec, T0 + 1, 0.4);
    ok(rec, T0 + 2, 180.2);
    ok(rec, T0 + 3, 650);
    rec.finish(T0 + 1000);
    const p = percentilesOf(rec.latency);
    expect(p.p50).toBe(180);
    expect(p.max).toBe(650);
    expect(countAt(rec.latency, 1)).toBe(1);
    expect(rec.timeline[0].p50Us).toBe(180);
  });

  it('ignores warm-up and calls before the window is known', () => {
    const rec = new Recorder();
    ok(rec, T0 - 5000, 100); // before beginMeasuring was ever called
    rec.beginMeasuring(T0); // announced ahead of time: the window starts in the future
    ok(rec, T0 - 1, 100); // warm-up
    rec.sessionStarted(T0 - 1);
    rec.sessionLost(T0 - 1, 3);
    rec.dropped(T0 - 1);
    ok(rec, T0, 200);
    rec.finish(T0 + 500);
    expect(rec.sentCount).toBe(1);
    expect(rec.completedCount).toBe(1);
    expect(rec.latency.totalCount).toBe(1);
    expect(rec.sessionsStartedCount + rec.sessionsLostCount + rec.updatesLostCount + rec.droppedCount).toBe(0);
  });

  it('counts sends by their timestamp, and grace-period completions until finish', () => {
    const rec = new Recorder();
    rec.beginMeasuring(T0);
    rec.sent(T0 + 100);
    rec.endMeasuring(T0 + 2000);
    // The open model counts a request due inside the window as sent even after it closed.
    rec.sent(T0 + 1999);
    rec.sent(T0 + 2000); // due after the window: not counted
    rec.dropped(T0 + 2500);
    rec.request('add', 'ok', 900_000, 900_000, -1, 'replica-1', T0 + 2400); // grace completion
    rec.request('add', 'timeout', 50, 50, -1, undefined, T0 + 2600);
    rec.finish(T0 + 3000);
    rec.request('add', 'ok', 5, 5, -1, 'replica-1', T0 + 3100); // after finish: ignored
    expect(rec.sentCount).toBe(2);
    expect(rec.droppedCount).toBe(0);
    expect(rec.completedCount).toBe(2);
    expect(rec.errorCounts().timeout).toBe(1);
    // Seconds 0 and 1 are the window; second 2 is grace and exists because something completed in it.
    expect(rec.timeline.map((s) => s.second)).toEqual([0, 1, 2]);
    expect(rec.timeline[2]).toMatchObject({ completed: 2, ok: 1, errors: { timeout: 1 } });
  });

  it('keeps one timeline second per second, with zero seconds for gaps', () => {
    const closed: TimelineSecond[] = [];
    const rec = new Recorder({ onSecond: (s) => closed.push(s), replicaNames: ['replica-1', 'replica-2'] });
    rec.beginMeasuring(T0);
    ok(rec, T0 + 10, 1000, 'replica-1', 250);
    ok(rec, T0 + 20, 1900, 'replica-2', 750);
    rec.request('add', 'http-5xx', 1500, 1500, -1, 'replica-2', T0 + 999.9);
    expect(closed).toHaveLength(0); // nothing closes until time moves on
    rec.fault(T0 + 1500, 'kill replica-2');
    rec.dropped(T0 + 1600);
    rec.tick(T0 + 2100); // a stall: only the engine's timer moves the clock
    expect(closed.map((s) => s.second)).toEqual([0, 1]);
    rec.sessionLost(T0 + 3500, 4);
    rec.updateLost(T0 + 3600, 2);
    ok(rec, T0 + 5200, 400, 'replica-1', 0);
    rec.endMeasuring(T0 + 6000);
    rec.finish(T0 + 6000);

    const tl = rec.timeline;
    expect(tl.map((s) => s.second)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(closed).toEqual(tl);
    expect(tl[0]).toEqual({
      second: 0, completed: 3, ok: 2, errors: { 'http-5xx': 1 }, sessionsLost: 0, updatesLost: 0, dropped: 0,
      p50Us: 1500, p99Us: 1900, storeP50Us: 250, byReplica: { 'replica-1': 1, 'replica-2': 2 }, faults: [], requestsInFlight: 0,
    });
    expect(tl[1]).toMatchObject({ completed: 0, p99Us: 0, dropped: 1, faults: ['kill replica-2'], byReplica: {} });
    expect(tl[2]).toMatchObject({ completed: 0, p50Us: 0, errors: {}, faults: [] });
    expect(tl[3]).toMatchObject({ completed: 0, sessionsLost: 1, updatesLost: 6 });
    expect(tl[4].completed).toBe(0);
    expect(tl[5]).toMatchObject({ completed: 1, p50Us: 400, storeP50Us: 0, byReplica: { 'replica-1': 1 } });
    expect(rec.perReplica()).toEqual({ 'replica-1': 2, 'replica-2': 2 });
    expect(rec.sessionsLostCount).toBe(1);
    expect(rec.updatesLostCount).toBe(6);
    // The timeline adds up to the totals.
    expect(tl.reduce((n, s) => n + s.completed, 0)).toBe(rec.completedCount);
  });

  it('does not invent a grace second when nothing completed after the window', () => {
    const rec = new Recorder();
    rec.beginMeasuring(T0);
    ok(rec, T0 + 100, 10);
    rec.endMeasuring(T0 + 3000);
    rec.finish(T0 + 3500);
    expect(rec.timeline.map((s) => s.second)).toEqual([0, 1, 2]);
    expect(rec.measuredMs).toBe(3000);
  });

  it('finishes cleanly when the window never started', () => {
    const rec = new Recorder();
    rec.finish(T0);
    expect(rec.timeline).toHaveLength(0);
    expect(rec.isFinished).toBe(true);
  });

  it('sums latency and store time for the store share', () => {
    const rec = new Recorder();
    rec.beginMeasuring(T0);
    rec.request('add', 'ok', 5000, 1000, 250, 'r', T0 + 1);
    rec.request('add', 'ok', 2000, 2000, -1, 'r', T0 + 2); // no Server-Timing
    rec.finish(T0 + 1000);
    expect(rec.sumLatencyUs).toBe(7000);
    expect(rec.sumStoreUs).toBe(250);
    expect(rec.sumUncorrectedWithStoreUs).toBe(1000);
    expect(rec.store.totalCount).toBe(1);
    expect(percentilesOf(rec.uncorrected).max).toBe(2000);
  });

  it('does not grow with the number of requests', () => {
    const rec = new Recorder({ replicaNames: ['replica-1', 'replica-2', 'replica-3'] });
    rec.beginMeasuring(T0);
    ok(rec, T0, 100, 'replica-1', 10);
    const before = rec.footprint();
    const replicas = ['replica-1', 'replica-2', 'replica-3'];
    const kinds = ['ok', 'ok', 'ok', 'timeout', 'refused'] as const;
    for (let i = 0; i < 1_000_000; i++) {
      const at = T0 + (i % 1000) * 0.9; // all inside second 0
      rec.sent(at);
      rec.request('add', kinds[i % 5], 1 + (i % 100_000), 1 + (i % 50_000), i % 3 === 0 ? -1 : i % 700, replicas[i % 3], at);
    }
    expect(rec.footprint()).toEqual(before);
    expect(rec.timeline).toHaveLength(0);
    expect(rec.completedCount).toBe(1_000_001);
    // Long runs: one small timeline entry per second, nothing else.
    for (let s = 1; s <= 600; s++) ok(rec, T0 + s * 1000 + 1, 100, 'replica-2', 10);
    expect(rec.footprint()).toEqual({ ...before, timelineSeconds: 600 });
  });
});
