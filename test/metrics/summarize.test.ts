import { describe, expect, it } from 'vitest';
import { decodeHistogram, percentilesOf } from '../../src/hdr/histogram.js';
import { Recorder } from '../../src/metrics/recorder.js';
import { summarize, type SummaryInput } from '../../src/metrics/summarize.js';
import type { ArchitectureResult } from '../../src/result/types.js';

const T0 = 1_000;
const INPUT: SummaryInput = { architecture: 'redis', repetition: 1, replicas: 2, faults: [] };

function expectBalanced(r: ArchitectureResult): void {
  const { sent, ok, failed, unfinished, errors } = r.requests;
  expect(sent).toBe(ok + failed + unfinished);
  expect(unfinished).toBeGreaterThanOrEqual(0);
  expect(Object.values(errors).reduce((a, b) => a + b, 0)).toBe(failed);
}

/** 4 s window: 400 sends, 390 completions (380 ok, 10 refused), 10 never answered. */
function recorded(storeUs: (i: number) => number): Recorder {
  const rec = new Recorder();
  rec.beginMeasuring(T0);
  for (let i = 0; i < 400; i++) {
    const at = T0 + i * 10;
    rec.sent(at);
    if (i % 40 === 39) continue; // 10 unfinished
    const kind = i % 40 === 0 ? 'refused' : 'ok';
    rec.request(i % 2 ? 'add' : 'read', kind, 1000 + i, 500 + i, kind === 'ok' ? storeUs(i) : -1, kind === 'ok' ? `replica-${1 + (i % 2)}` : undefined, at + 1);
  }
  rec.sessionStarted(T0 + 5);
  rec.sessionLost(T0 + 2500, 3);
  rec.updateLost(T0 + 2600, 2);
  rec.endMeasuring(T0 + 4000);
  rec.finish(T0 + 4500);
  return rec;
}

describe('summarize', () => {
  it('balances sent = ok + failed + unfinished and derives rates', () => {
    const rec = recorded(() => 200);
    const r = summarize(rec, { ...INPUT, targetRps: 100, unfinished: 10 });
    expectBalanced(r);
    expect(r.complete).toBe(true);
    expect(r.error).toBeUndefined();
    expect(r.requests).toEqual({
      sent: 400, ok: 380, failed: 10, dropped: 0, unfinished: 10,
      errors: { refused: 10, reset: 0, timeout: 0, 'http-4xx': 0, 'http-5xx': 0, 'session-lost': 0, 'stale-read': 0, 'update-lost': 0 },
    });
    expect(r.measuredMs).toBe(4000);
    expect(r.throughputRps).toBe(97.5);
    expect(r.targetRps).toBe(100);
    expect(r.achievedRps).toBe(100);
    expect(r.sessions).toEqual({ started: 1, lost: 1, lostByCause: { unexplained: 1 } });
    expect(r.updatesLost).toBe(5);
    expect(r.perReplica).toEqual({ 'replica-1': 190, 'replica-2': 190 });
    expect(r.timeline).toHaveLength(4);
    expect(r.timeline.reduce((n, s) => n + s.completed, 0)).toBe(390);
    expect(r.latencyUs.count).toBe(390);
    expect(r.byEndpoint.read?.count).toBe(200);
    expect(r.byEndpoint.add?.count).toBe(190);
    expect(r.byEndpoint.login).toBeUndefined();
  });

  it('keeps uncorrected latency for open load only (closed: the send is the intended time)', () => {
    expect(summarize(recorded(() => 200), INPUT).uncorrectedLatencyUs).toBeUndefined();
    expect(summarize(recorded(() => 200), INPUT).histograms.uncorrected).toBeUndefined();
    expect(summarize(recorded(() => 200), { ...INPUT, targetRps: 100 }).uncorrectedLatencyUs?.count).toBeGreaterThan(0);
  });

  it('saves histograms that decode to the same figures', () => {
    const r = summarize(recorded(() => 200), { ...INPUT, targetRps: 100 });
    expect(percentilesOf(decodeHistogram(r.histograms.latency))).toEqual(r.latencyUs);
    expect(percentilesOf(decodeHistogram(r.histograms.uncorrected!))).toEqual(r.uncorrectedLatencyUs);
    expect(percentilesOf(decodeHistogram(r.histograms.store!))).toEqual(r.store.roundTripUs);
    expect(percentilesOf(decodeHistogram(r.histograms.byEndpoint.add!))).toEqual(r.byEndpoint.add);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r); // plain data
  });

  it('gives the store share over responses that carried a store timing', () => {
    const r = summarize(recorded(() => 200), INPUT);
    expect(r.store.roundTripUs).toMatchObject({ count: 380, p50: 200, max: 200 });
    // Σ store / Σ uncorrected latency of the same 380 responses.
    let uncorrected = 0;
    for (let i = 0; i < 400; i++) if (i % 40 !== 39 && i % 40 !== 0) uncorrected += 500 + i;
    expect(r.store.shareOfLatency).toBeCloseTo((380 * 200) / uncorrected, 12);
  });

  it('distinguishes a store time of 0 (measured) from no store timing (null)', () => {
    const zero = summarize(recorded(() => 0), INPUT);
    expect(zero.store.roundTripUs).toEqual({ count: 380, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0, mean: 0 });
    expect(zero.store.shareOfLatency).toBe(0);
    const none = summarize(recorded(() => -1), INPUT);
    expect(none.store).toEqual({ roundTripUs: null, shareOfLatency: null });
    expect(none.histograms.store).toBeUndefined();
    expect(none.timeline[0].storeP50Us).toBe(0);
  });

  it('flags, not hides, more completions than sends', () => {
    const rec = new Recorder();
    rec.beginMeasuring(T0);
    rec.request('read', 'ok', 100, 100, -1, 'replica-1', T0 + 1); // never counted as sent: an engine bug
    rec.finish(T0 + 1000);
    const r = summarize(rec, INPUT);
    expect(r.requests.unfinished).toBe(0);
    expect(r.complete).toBe(false);
    expect(r.error).toMatch(/1 requests completed but only 0 sent/);
  });

  it('flags an engine whose unfinished count disagrees', () => {
    const r = summarize(recorded(() => 200), { ...INPUT, unfinished: 3, error: 'interrupted' });
    expect(r.complete).toBe(false);
    expect(r.error).toBe('interrupted; engine reports 3 unfinished requests, recorder counts 10');
  });

  it('computes fault windows from the timeline', () => {
    const r = summarize(recorded(() => 200), { ...INPUT, faults: [{ atMs: 1200, kind: 'kill', target: 'replica-1', tookMs: 2, ok: true }] });
    expect(r.faultWindows).toHaveLength(1);
    expect(r.faultWindows[0]).toMatchObject({ kind: 'kill', target: 'replica-1', startMs: 1200 });
  });

  it('summarizes an architecture that never ran', () => {
    const rec = new Recorder();
    rec.finish(T0);
    const r = summarize(rec, { ...INPUT, measuredMs: 0, complete: false, error: 'redis-server failed' });
    expectBalanced(r);
    expect(r).toMatchObject({ complete: false, error: 'redis-server failed', throughputRps: 0, timeline: [], cpu: [] });
    expect(r.latencyUs.count).toBe(0);
  });

  it('refuses a recorder still recording', () => {
    const rec = new Recorder();
    rec.beginMeasuring(T0);
    expect(() => summarize(rec, INPUT)).toThrow(/finish/);
  });
});
