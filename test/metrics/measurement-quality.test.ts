import { describe, expect, it } from 'vitest';
import type { CpuInterval } from '../../src/metrics/cpu-sampler.js';
import { parseMachineCpu } from '../../src/metrics/machine-cpu.js';
import {
  QUALITY_LIMITS,
  addCpuToTimeline,
  assessQuality,
  cpuBySecond,
  isDisturbed,
  qualityLimits,
  secondDisturbed,
  type QualitySecond,
} from '../../src/metrics/measurement-quality.js';
import { Recorder } from '../../src/metrics/recorder.js';
import { summarize } from '../../src/metrics/summarize.js';
import type { ArchitectureResult, RunResult, TimelineSecond } from '../../src/result/types.js';

const T0 = 10_000; // performance.now() at the start of the window; arbitrary

/** A recorder fed synthetic timestamps: the real event-loop probe would add this process's own delays. */
function recorder(): Recorder {
  const rec = new Recorder({ loopDelay: false });
  rec.beginMeasuring(T0);
  return rec;
}

/** `n` requests of one second, evenly spread, each sent `lateUs` late and completing `latencyUs` after its intended time. */
function second(rec: Recorder, s: number, n: number, latencyUs: (i: number) => number, lateUs: (i: number) => number = () => 50): void {
  for (let i = 0; i < n; i++) {
    const intended = T0 + s * 1000 + (i * 1000) / n;
    const late = lateUs(i);
    rec.late(late, intended + late / 1000);
    rec.sent(intended);
    rec.request('read', 'ok', latencyUs(i), latencyUs(i) - late, -1, 'replica-1', intended + latencyUs(i) / 1000);
  }
}

function summarized(rec: Recorder, seconds: number, over: Partial<Parameters<typeof summarize>[1]> = {}): ArchitectureResult {
  rec.endMeasuring(T0 + seconds * 1000);
  rec.finish(T0 + seconds * 1000 + 100);
  return summarize(rec, { architecture: 'sticky', repetition: 1, replicas: 1, faults: [], targetRps: 100, ...over });
}

describe('the recorder keeps the pacer’s lateness', () => {
  it('per second and over the window, from known lateness', () => {
    const rec = recorder();
    // Second 0: 100 sends, 88 at 100 µs and 12 at 2 ms; second 1: every send at 300 µs.
    second(rec, 0, 100, () => 1000, (i) => (i < 88 ? 100 : 2000));
    second(rec, 1, 100, () => 1000, () => 300);
    const r = summarized(rec, 2);
    expect(r.timeline[0].lateP99Us).toBe(2000);
    expect(r.timeline[1].lateP99Us).toBe(300);
    const l = r.measurementQuality!.generatorLatenessUs!;
    expect(l.count).toBe(200);
    expect(l.p50).toBe(300);
    expect(l.max).toBe(2000);
    // 12 of 200 sends over 1 ms: 6%, past the 5% limit.
    expect(l.lateShare).toBeCloseTo(0.06, 10);
    expect(r.measurementQuality!.disturbed).toBe(true);
    expect(r.measurementQuality!.reasons).toEqual(['the generator sent 6.0% of its requests more than 1.00 ms late (p99 2.00 ms, max 2.00 ms)']);
    expect(r.measurementQuality!.disturbedSeconds).toEqual([0]);
  });

  it('calls 3% of sends late the run’s own cost on 2 cores, not a disturbance', () => {
    const rec = recorder();
    for (let s = 0; s < 2; s++) second(rec, s, 100, () => 1000, (i) => (i < 97 ? 100 : 1500));
    const q = summarized(rec, 2).measurementQuality!;
    expect(q.generatorLatenessUs!.lateShare).toBeCloseTo(0.03, 10);
    expect(q.disturbed).toBe(false);
  });

  it('ignores sends intended in the warm-up, even when they leave inside the window', () => {
    const rec = recorder();
    rec.late(5000, T0 + 2); // intended 3 ms before the window: the warm-up's backlog
    rec.late(100, T0 + 10);
    expect(rec.latenessFigures()).toEqual({ count: 1, p50Us: 100, p99Us: 100, maxUs: 100, overLimit: 0 });
  });

  it('is quiet when every send leaves within the limit, and has no lateness under the closed model', () => {
    const rec = recorder();
    for (let s = 0; s < 4; s++) second(rec, s, 100, () => 800, () => 900);
    const open = summarized(rec, 4).measurementQuality!;
    expect(open.disturbed).toBe(false);
    expect(open.reasons).toEqual([]);
    expect(open.generatorLatenessUs?.lateShare).toBe(0);

    const closed = new Recorder({ loopDelay: false });
    closed.beginMeasuring(T0);
    closed.sent(T0 + 1);
    closed.request('read', 'ok', 500, 500, -1, 'replica-1', T0 + 2);
    const q = summarized(closed, 1, { targetRps: undefined }).measurementQuality!;
    expect(q.generatorLatenessUs).toBeNull();
    expect(closed.timeline[0].lateP99Us).toBeUndefined();
  });
});

describe('the first measured second', () => {
  it('is a transient when it alone sets the window’s p99', () => {
    const rec = recorder();
    second(rec, 0, 100, () => 2000); // every request of second 0 at 2 ms (exact in HDR, below 2,048)
    for (let s = 1; s < 6; s++) second(rec, s, 100, (i) => 400 + i);
    const q = summarized(rec, 6).measurementQuality!;
    expect(q.firstSecond).toMatchObject({ transient: true, sent: 100, completed: 100, p50Us: 2000, windowP99Us: 2000 });
    expect(q.firstSecond!.windowP99WithoutUs).toBe(498); // the 495th of 500 values 400..499 five times each
    expect(q.disturbed).toBe(true);
    expect(q.reasons).toEqual([
      "the first measured second alone set the window's p99 (2.00 ms with it, 498 µs without): a warm-up transient (its p50 was 2.00 ms)",
    ]);
  });

  it('is a transient when it completes less than half of what was sent in it (waiting behind the warm-up)', () => {
    const rec = recorder();
    // Second 0's requests all complete 1.5 s after they were due, in seconds 1 and 2.
    second(rec, 0, 100, () => 1_500_000);
    for (let s = 1; s < 6; s++) second(rec, s, 100, () => 500);
    const q = summarized(rec, 6).measurementQuality!;
    expect(q.firstSecond).toMatchObject({ transient: true, sent: 100, completed: 0 });
    expect(q.reasons).toEqual([
      'the first measured second completed 0 of the 100 requests sent in it: the run was still catching up with its warm-up when measurement began',
    ]);
  });

  it('is not a transient when it was barely slower than the rest, though it moved the p99 (a p99 rests on few requests)', () => {
    const rec = recorder();
    // The quiet default comparison's shape: a first second 1.3 times the rest, which moves a p99.
    second(rec, 0, 100, (i) => 520 + i * 3);
    for (let s = 1; s < 6; s++) second(rec, s, 100, (i) => 400 + i);
    const q = summarized(rec, 6).measurementQuality!;
    expect(q.firstSecond!.windowP99Us).toBeGreaterThan(q.firstSecond!.windowP99WithoutUs * 1.2);
    expect(q.firstSecond!.p50Us).toBeLessThan(q.firstSecond!.windowP50WithoutUs * 2);
    expect(q.firstSecond!.transient).toBe(false);
    expect(q.disturbed).toBe(false);
  });

  it('is not a transient in a steady run, and is not judged when a fault fired in it or the window is short', () => {
    const steady = recorder();
    for (let s = 0; s < 6; s++) second(steady, s, 100, (i) => 400 + ((i * 7) % 100));
    const q = summarized(steady, 6).measurementQuality!;
    expect(q.firstSecond?.transient).toBe(false);
    expect(q.disturbed).toBe(false);

    const faulted = recorder();
    faulted.fault(T0 + 10, 'kill replica-1');
    second(faulted, 0, 100, () => 20_000);
    for (let s = 1; s < 6; s++) second(faulted, s, 100, () => 400);
    expect(summarized(faulted, 6).measurementQuality!.firstSecond).toBeNull();

    const short = recorder();
    second(short, 0, 100, () => 20_000);
    second(short, 1, 100, () => 400);
    expect(summarized(short, 2).measurementQuality!.firstSecond).toBeNull();
  });
});

/** An interval of `wallMs` in which the machine was busy `busyMs` (over all CPUs), the run used `runMs`. */
function interval(startMs: number, wallMs: number, runMs: number, busyMs: number, stealMs = 0, cpus = 2): CpuInterval {
  return { startMs, endMs: startMs + wallMs, runCpuMs: runMs, machine: { busyMs, stealMs, totalMs: wallMs * cpus } };
}

describe('foreign CPU and steal', () => {
  it('are the machine’s busy time minus the run’s, and the stolen share, per second and over the window', () => {
    const cpu = cpuBySecond(
      [
        interval(T0 + 3, 1000, 400, 500), // second 0: 0.1 core foreign
        interval(T0 + 1003, 1000, 400, 1900, 100), // second 1: 1.5 cores foreign, 5% stolen
        interval(T0 + 2003, 1000, 600, 500), // second 2: the run's ticks ahead of the machine's: 0, not −0.1
        interval(T0 + 3003, 100, 0, 200), // the window's tail: too short to say anything
      ],
      T0,
    )!;
    expect([...cpu.seconds]).toEqual([
      [0, { foreignCores: 0.1, stealShare: 0 }],
      [1, { foreignCores: 1.5, stealShare: 0.05 }],
      [2, { foreignCores: 0, stealShare: 0 }],
    ]);
    expect(cpu.foreignCoresMean).toBeCloseTo(1600 / 3000, 10);
    expect(cpu.stealShareMean).toBeCloseTo(100 / 6000, 10);

    const timeline = [0, 1, 2, 3].map((s) => ({ second: s }) as TimelineSecond);
    expect(addCpuToTimeline(timeline, cpu).map((s) => s.foreignCores)).toEqual([0.1, 1.5, 0, undefined]);
  });

  it('are absent where /proc/stat could not be read', () => {
    expect(cpuBySecond([{ startMs: T0, endMs: T0 + 1000, runCpuMs: 300 }], T0)).toBeUndefined();
  });

  it('disturb the run past their limits, with the figures in the sentence', () => {
    const seconds: QualitySecond[] = [
      { second: 0, foreignCores: 1.2, stealShare: 0.02 },
      { second: 1, foreignCores: 0.3, stealShare: 0.09 },
    ];
    const q = assessQuality({ timeline: seconds, cpu: { foreignCoresMean: 0.75, stealShareMean: 0.055 }, limits: QUALITY_LIMITS });
    expect(q.disturbed).toBe(true);
    expect(q.reasons).toEqual([
      'foreign processes used 0.8 core on average (1.2 cores in the busiest second)',
      'the hypervisor stole 5.5% of the CPU time (9.0% in the worst second)',
    ]);
    expect(q.foreignCores).toEqual({ mean: 0.75, max: 1.2 });
    expect(q.stealShare).toEqual({ mean: 0.055, max: 0.09 });
    expect(q.disturbedSeconds).toEqual([0, 1]);
    expect(q.limits).toEqual(QUALITY_LIMITS);

    const quiet = assessQuality({ timeline: [{ second: 0, foreignCores: 0.2, stealShare: 0.01 }], cpu: { foreignCoresMean: 0.2, stealShareMean: 0.01 }, limits: QUALITY_LIMITS });
    expect(quiet).toMatchObject({ disturbed: false, reasons: [], disturbedSeconds: [] });
  });

  it('one busy second marks that second without disturbing the run', () => {
    const seconds: QualitySecond[] = [0, 1, 2, 3, 4].map((s) => ({ second: s, foreignCores: s === 2 ? 1.8 : 0.1, stealShare: 0 }));
    const q = assessQuality({ timeline: seconds, cpu: { foreignCoresMean: 0.44, stealShareMean: 0 }, limits: QUALITY_LIMITS });
    expect(q.disturbed).toBe(false);
    expect(q.disturbedSeconds).toEqual([2]);
  });
});

describe('event-loop delay', () => {
  it('disturbs the run when its p99 passes the limit, under either model', () => {
    const loopDelay = { count: 500, p50Us: 300, p99Us: 35_000, maxUs: 61_000 };
    const q = assessQuality({ timeline: [{ second: 0, loopDelayP99Us: 35_000 }], loopDelay });
    expect(q.loopDelayUs).toEqual({ p50: 300, p99: 35_000, max: 61_000 });
    expect(q.reasons).toEqual(["the generator's event loop was held up (delay p99 35.0 ms, max 61.0 ms)"]);
    expect(q.disturbedSeconds).toEqual([0]);
    const fine = assessQuality({ timeline: [], loopDelay: { count: 500, p50Us: 100, p99Us: 4000, maxUs: 9000 } });
    expect(fine.disturbed).toBe(false);
  });
});

describe('qualityLimits', () => {
  it('gives foreign processes a quarter of the machine', () => {
    expect(qualityLimits(2)).toEqual(QUALITY_LIMITS);
    expect(qualityLimits(8).foreignCores).toBe(2);
    expect(qualityLimits(1).foreignCores).toBe(0.25);
  });
});

describe('secondDisturbed', () => {
  it('reads each per-second figure against its limit', () => {
    expect(secondDisturbed({ second: 0 }, QUALITY_LIMITS)).toBe(false);
    expect(secondDisturbed({ second: 0, lateP99Us: 1000 }, QUALITY_LIMITS)).toBe(false);
    expect(secondDisturbed({ second: 0, lateP99Us: 1001 }, QUALITY_LIMITS)).toBe(true);
    expect(secondDisturbed({ second: 0, loopDelayP99Us: 20_001 }, QUALITY_LIMITS)).toBe(true);
    expect(secondDisturbed({ second: 0, foreignCores: 0.51 }, QUALITY_LIMITS)).toBe(true);
    expect(secondDisturbed({ second: 0, stealShare: 0.051 }, QUALITY_LIMITS)).toBe(true);
  });
});

describe('isDisturbed', () => {
  it('is true when any architecture run of a result was disturbed, and false for results without the block', () => {
    const quiet = assessQuality({ timeline: [] });
    const disturbed = assessQuality({ timeline: [], cpu: { foreignCoresMean: 1, stealShareMean: 0 }, limits: QUALITY_LIMITS });
    const run = (q?: typeof quiet) => ({ architecture: 'redis', ...(q ? { measurementQuality: q } : {}) }) as ArchitectureResult;
    const result = (...runs: ArchitectureResult[]) => ({ architectures: runs }) as RunResult;
    expect(isDisturbed(result(run(quiet), run()))).toBe(false);
    expect(isDisturbed(result(run(quiet), run(disturbed)))).toBe(true);
    expect(isDisturbed(run(disturbed))).toBe(true);
    expect(isDisturbed(run())).toBe(false);
  });
});

describe('parseMachineCpu', () => {
  it('reads the cpu line of /proc/stat in ms, guest time left out', () => {
    const text = 'cpu  42660 73 11355 76146 859 0 1783 134 50 0\ncpu0 17902 38 4865 42694 64 0 863 63 0 0\n';
    expect(parseMachineCpu(text)).toEqual({
      busyMs: (42660 + 73 + 11355 + 0 + 1783) * 10,
      stealMs: 1340,
      totalMs: (42660 + 73 + 11355 + 76146 + 859 + 0 + 1783 + 134) * 10,
    });
    expect(parseMachineCpu('intr 1 2 3\n')).toBeUndefined();
  });
});
