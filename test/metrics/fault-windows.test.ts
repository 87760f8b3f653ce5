import { describe, expect, it } from 'vitest';
import type { FaultEvent, TimelineSecond } from '../../src/result/types.js';
import { computeFaultWindows } from '../../src/metrics/fault-windows.js';

type Tweak = Partial<TimelineSecond>;

/** A steady timeline (100 req/s, p99 1 ms) of `seconds` seconds, with some seconds changed. */
function timeline(seconds: number, tweaks: Record<number, Tweak> = {}): TimelineSecond[] {
  return Array.from({ length: seconds }, (_, second) => ({
    second, completed: 100, ok: 100, errors: {}, sessionsLost: 0, updatesLost: 0, dropped: 0,
    p50Us: 400, p99Us: 1000, storeP50Us: 0, byReplica: {}, faults: [],
    ...tweaks[second],
  }));
}

function fault(atMs: number, kind = 'kill', target: string | undefined = 'replica-2'): FaultEvent {
  return { atMs, kind, target, tookMs: 3, ok: true };
}

const refused = (n: number): Tweak => ({ ok: 100 - n, errors: { refused: n } });

/** These cases exercise the 20% rule alone; the absolute slack has its own test. */
const PURE = { p99SlackUs: 0 } as const;

describe('computeFaultWindows', () => {
  it('allows a per-second p99 up to 1 ms above a low steady state (scheduler noise), by default', () => {
    // Steady p99 1 ms: 20% alone would demand <= 1.2 ms; the slack allows up to 2 ms.
    const tl = timeline(12, { 5: refused(10), 6: { p99Us: 1900 }, 7: { p99Us: 1700 }, 8: { p99Us: 2600 } });
    expect(computeFaultWindows(tl, [fault(5_000)])[0].recoveredAtMs).toBe(6_000);
    expect(computeFaultWindows(tl, [fault(5_000)], PURE)[0].recoveredAtMs).toBe(9_000);
  });

  it('finds recovery when errors stop and p99 is back within 20%', () => {
    const tl = timeline(20, {
      10: { ...refused(30), sessionsLost: 4, updatesLost: 9, p99Us: 2500 },
      11: { ...refused(5), p99Us: 8000 },
      12: { p99Us: 3000 }, // errors over, latency not yet
      13: { p99Us: 1300 }, // 30% above steady state: not yet
      14: { p99Us: 1150 },
    });
    const [w] = computeFaultWindows(tl, [fault(10_400)], PURE);
    expect(w).toEqual({
      kind: 'kill', target: 'replica-2', startMs: 10_400,
      recoveredAtMs: 14_000, timeToRecoverMs: 3600,
      errors: { refused: 35 }, sessionsLost: 4, updatesLost: 9, p99Us: 8000,
    });
  });

  it('says null when the run ends before recovery', () => {
    const tl = timeline(12, { 10: refused(10), 11: { p99Us: 5000 } });
    const [w] = computeFaultWindows(tl, [fault(10_000)], PURE);
    expect(w.recoveredAtMs).toBeNull();
    expect(w.timeToRecoverMs).toBeNull();
    expect(w.errors).toEqual({ refused: 10 });
    expect(w.p99Us).toBe(5000);
  });

  it('says null when the next fault comes first, and judges the next one on its own', () => {
    const tl = timeline(20, { 5: refused(10), 6: refused(10), 7: refused(1), 8: { p99Us: 9000 } });
    const windows = computeFaultWindows(tl, [fault(8_200, 'restart'), fault(5_100)], PURE);
    expect(windows.map((w) => w.startMs)).toEqual([5_100, 8_200]); // in time order
    expect(windows[0]).toMatchObject({ recoveredAtMs: null, errors: { refused: 21 }, p99Us: 1000 });
    expect(windows[1]).toMatchObject({ kind: 'restart', recoveredAtMs: 9_000, timeToRecoverMs: 800, p99Us: 9000 });
  });

  it('does not declare recovery before late errors (timeouts of stuck requests)', () => {
    // A paused replica: the fault second looks clean, timeouts arrive two seconds later.
    const tl = timeline(15, { 6: { p99Us: 1000 }, 7: { p99Us: 1100 }, 8: { ...refused(0), errors: { timeout: 20 } } });
    const [w] = computeFaultWindows(tl, [fault(6_000, 'pause')], PURE);
    expect(w).toMatchObject({ recoveredAtMs: 9_000, timeToRecoverMs: 3000, errors: { timeout: 20 } });
  });

  it('does not call a stalled second (nothing completed) recovered', () => {
    const tl = timeline(10, { 4: refused(50), 5: { completed: 0, ok: 0, p50Us: 0, p99Us: 0 }, 6: { completed: 0, ok: 0, p99Us: 0 } });
    const [w] = computeFaultWindows(tl, [fault(4_500)], PURE);
    expect(w.recoveredAtMs).toBe(7_000);
  });

  it('needs consecutive clean seconds, so one lucky second is not recovery', () => {
    const tl = timeline(12, { 3: refused(10), 4: { p99Us: 1000 }, 5: { p99Us: 4000 }, 6: { p99Us: 900 } });
    expect(computeFaultWindows(tl, [fault(3_000)], PURE)[0].recoveredAtMs).toBe(6_000);
    expect(computeFaultWindows(tl, [fault(3_000)], { ...PURE, stableSeconds: 1 })[0].recoveredAtMs).toBe(4_000);
  });

  it('reports 0 ms for a fault with no visible effect', () => {
    const [w] = computeFaultWindows(timeline(10), [fault(4_250)]);
    expect(w).toMatchObject({ recoveredAtMs: 4_250, timeToRecoverMs: 0, errors: {}, p99Us: 1000 });
  });

  it('judges a fault at 0 s on errors alone (no steady state before it)', () => {
    const [w] = computeFaultWindows(timeline(6, { 0: refused(3), 1: { p99Us: 5000 } }), [fault(0)]);
    expect(w.recoveredAtMs).toBe(1_000);
  });

  it('leaves grace seconds out of every window', () => {
    const tl = timeline(7, { 3: refused(5), 5: { ...refused(1) }, 6: { completed: 3, ok: 3, p99Us: 900_000 } });
    const [w] = computeFaultWindows(tl, [fault(3_000)], { measuredMs: 6_000 });
    expect(w).toMatchObject({ recoveredAtMs: null, errors: { refused: 6 } });
    expect(w.p99Us).toBe(1000);
  });
});
