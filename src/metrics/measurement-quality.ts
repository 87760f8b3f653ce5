import { availableParallelism } from 'node:os';
import type { ArchitectureResult, MeasurementQuality, QualityLimits, RunResult, TimelineSecond } from '../result/types.js';
import type { CpuInterval } from './cpu-sampler.js';
import type { LoopDelayFigures } from './loop-delay.js';
import { formatLatencyUs } from '../syntax/figures.js';

/**
 * The limits past which a run says it was disturbed, for a 2-CPU machine (see {@link qualityLimits}).
 * Chosen on the 2-core development VM, which other sessions kept at a load average of 7–16 the
 * whole time they were measured (so no quiet baseline could be taken; the quiet side rests on
 * what the code is built to do):
 *
 * - `lateUs` 1 ms, `lateShare` 5%: the pacer's timer is built to send within ~0.1 ms
 *   (src/timing/precise-timer.ts), and 1 ms is the size of a sticky p50 here, so sends that
 *   late visibly move the percentiles. But on 2 cores the generator shares the CPUs with the
 *   replicas it measures: on the quiet VM (load average 1.5–2.5) the default comparison sent
 *   1.0–3.4% of its requests over 1 ms late in every architecture (PostgreSQL's replicas and
 *   backends take the most CPU), which is the run's own cost, not a disturbance; 1% called
 *   every quiet run disturbed. Measured disturbed: 4.5–25% on the busy VM (load average 7–16)
 *   even with the run at nice −15, 16–91% with two CPU hogs (`stress-ng --cpu 2`) beside it.
 * - `loopDelayP99Us` 20 ms: the generator's loop-delay p99 was 2.6–11 ms on the busy VM at
 *   nice −15, 13–334 ms beside two CPU hogs, up to 636 ms at load average 15.
 * - `foreignCores` a quarter of the machine: enough to make the run's processes queue for a CPU.
 *   Two CPU hogs beside a run show as 1.3–1.9 cores, other sessions' builds and tests as 0.9–1.9.
 *   Checked against the sum of every other process's CPU over a window (1.31 against 1.31 cores;
 *   1.36 against 1.05 when processes that exited during the window escaped the sum).
 * - `stealShare` 5%: this VM showed 0–3% steal per second under load.
 * - `transientShare` 20% and `transientFactor` 2: a first second that moves the window's p50 or
 *   p99 by more than a fifth set the headline by itself, if that second was itself slow: its p50
 *   at least twice the rest's. On the busy VM, dropping a first second that was not slow moved
 *   p50 by 3% and p99 by 18% the other way; a cold topology's first second (p50 0.1–0.8 s
 *   against 1–11 ms for the rest, 1,000 req/s) moved the p99 up to 6-fold. On the quiet VM the
 *   default comparison's first seconds had a p50 1.2–1.5 times the rest's, still warming up,
 *   and moved the p99 by 12–44%: the p99 of 20 000 requests rests on 200, so 2 000 slightly
 *   slower ones move it; without the factor every quiet run was called disturbed.
 */
export const QUALITY_LIMITS: Readonly<QualityLimits> = Object.freeze({ // for 2 CPUs
  lateUs: 1000,
  lateShare: 0.05,
  loopDelayP99Us: 20_000,
  foreignCores: 0.5,
  stealShare: 0.05,
  transientShare: 0.2,
  transientFactor: 2,
});

/** The share of the machine foreign processes may take before they disturb a run. */
const FOREIGN_SHARE_OF_MACHINE = 0.25;

/**
 * The limits for a machine with `cpus` CPUs: {@link QUALITY_LIMITS}, with the foreign CPU limit
 * a quarter of the machine (0.5 core of 2, 2 of 8): a busy browser on a 16-core laptop leaves
 * the run as much room as a quiet 2-core runner has.
 */
export function qualityLimits(cpus: number = availableParallelism()): QualityLimits {
  return { ...QUALITY_LIMITS, foreignCores: Math.round(FOREIGN_SHARE_OF_MACHINE * Math.max(1, cpus) * 100) / 100 };
}

/** Fewer requests than this in the first second say nothing about a stall. */
const MIN_FIRST_SECOND_SENT = 20;
/** The first second stalled when it completed less than this share of what was sent in it. */
const MIN_FIRST_SECOND_COMPLETED_SHARE = 0.5;

/** Intervals shorter than this (the window's tail) are too coarse for /proc/stat's 10 ms ticks. */
const MIN_INTERVAL_MS = 250;

/** The per-second figures a verdict reads: a {@link TimelineSecond} or just these fields. */
export type QualitySecond = Pick<TimelineSecond, 'second' | 'lateP99Us' | 'loopDelayP99Us' | 'foreignCores' | 'stealShare'>;

/** The generator's lateness over the window, as the recorder counted it. */
export interface LatenessFigures {
  count: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
  /** Sends later than `QUALITY_LIMITS.lateUs`. */
  overLimit: number;
}

/** The first second against the window: counts, and p50/p99 with and without it, µs (see Recorder.firstSecondLatency). */
export interface FirstSecondFigures {
  /** Requests sent (open model: due) in the first second. */
  sent: number;
  /** Requests completed in the first second. */
  completed: number;
  p50Us: number;
  windowP50Us: number;
  windowP99Us: number;
  windowP50WithoutUs: number;
  windowP99WithoutUs: number;
}

/** What {@link assessQuality} judges: everything the run measured about itself. */
export interface QualityInput {
  /** Window seconds only, with the per-second figures already merged (see {@link addCpuToTimeline}). */
  timeline: readonly QualitySecond[];
  /** Open model only; absent (or count 0) under the closed model. */
  lateness?: LatenessFigures;
  loopDelay?: LoopDelayFigures;
  /** Window-wide CPU figures; absent where not measured. */
  cpu?: Pick<CpuFigures, 'foreignCoresMean' | 'stealShareMean'>;
  firstSecond?: FirstSecondFigures;
  /** Default: {@link qualityLimits} of this machine. */
  limits?: QualityLimits;
}

/**
 * The verdict on one architecture run. Pure: figures in, verdict and sentences out. A run is
 * disturbed when, over its window, the pacer sent more than `lateShare` of its own sends late
 * (open model), the generator's event-loop delay p99 passed its limit (either model: under the
 * open model a saturated generator may send everything from its backlog, which is not counted
 * as lateness), foreign processes or steal took more than their limit on average, or the first
 * second alone set the headline p50/p99. A second is marked when its own figures pass
 * the same limits; marked seconds alone do not disturb the run (their effect on the window's
 * figures shows in the lateness), they show where to look.
 */
export function assessQuality(input: QualityInput): MeasurementQuality {
  const limits = input.limits ?? qualityLimits();
  const reasons: string[] = [];
  const open = input.lateness !== undefined && input.lateness.count > 0;

  let generatorLatenessUs: MeasurementQuality['generatorLatenessUs'] = null;
  if (open) {
    const l = input.lateness!;
    const lateShare = l.overLimit / l.count;
    generatorLatenessUs = { count: l.count, p50: l.p50Us, p99: l.p99Us, max: l.maxUs, lateShare };
    if (lateShare > limits.lateShare) {
      reasons.push(
        `the generator sent ${percent(lateShare)} of its requests more than ${ms(limits.lateUs)} late ` +
          `(p99 ${ms(l.p99Us)}, max ${ms(l.maxUs)})`,
      );
    }
  }

  const loop = input.loopDelay;
  const loopDelayUs = loop !== undefined && loop.count > 0 ? { p50: loop.p50Us, p99: loop.p99Us, max: loop.maxUs } : null;
  if (loopDelayUs !== null && loopDelayUs.p99 > limits.loopDelayP99Us) {
    reasons.push(`the generator's event loop was held up (delay p99 ${ms(loopDelayUs.p99)}, max ${ms(loopDelayUs.max)})`);
  }

  const seconds = input.timeline;
  const maxOf = (pick: (s: QualitySecond) => number | undefined): number =>
    seconds.reduce((m, s) => Math.max(m, pick(s) ?? 0), 0);
  let foreignCores: MeasurementQuality['foreignCores'] = null;
  let stealShare: MeasurementQuality['stealShare'] = null;
  if (input.cpu !== undefined) {
    foreignCores = { mean: round(input.cpu.foreignCoresMean, 2), max: round(maxOf((s) => s.foreignCores), 2) };
    stealShare = { mean: round(input.cpu.stealShareMean, 3), max: round(maxOf((s) => s.stealShare), 3) };
    if (foreignCores.mean > limits.foreignCores) {
      reasons.push(`foreign processes used ${cores(foreignCores.mean)} on average (${cores(foreignCores.max)} in the busiest second)`);
    }
    if (stealShare.mean > limits.stealShare) {
      reasons.push(`the hypervisor stole ${percent(stealShare.mean)} of the CPU time (${percent(stealShare.max)} in the worst second)`);
    }
  }

  let firstSecond: MeasurementQuality['firstSecond'] = null;
  const f = input.firstSecond;
  if (f !== undefined) {
    const moved = (withIt: number, without: number): boolean => without > 0 && withIt > without * (1 + limits.transientShare);
    const p99Moved = moved(f.windowP99Us, f.windowP99WithoutUs);
    const p50Moved = moved(f.windowP50Us, f.windowP50WithoutUs);
    // Requests sent in a second mostly complete in it (a p50 of 1 ms leaves 0.1% for the next):
    // completing fewer than half means they waited behind something, e.g. the warm-up's backlog.
    const stalled = f.sent >= MIN_FIRST_SECOND_SENT && f.completed < f.sent * MIN_FIRST_SECOND_COMPLETED_SHARE;
    // Moved by a second that was itself slow: a warm-up transient. A first second barely slower
    // than the rest moves a p99 too (it holds a twentieth of the requests), and is not one.
    const slow = f.windowP50WithoutUs > 0 && f.p50Us >= f.windowP50WithoutUs * (limits.transientFactor ?? 1);
    const setHeadline = slow && (p99Moved || p50Moved);
    firstSecond = { transient: setHeadline || stalled, ...f };
    if (stalled) {
      reasons.push(
        `the first measured second completed ${f.completed} of the ${f.sent} requests sent in it: ` +
          'the run was still catching up with its warm-up when measurement began',
      );
    } else if (setHeadline) {
      const which = p99Moved
        ? `p99 (${ms(f.windowP99Us)} with it, ${ms(f.windowP99WithoutUs)} without)`
        : `p50 (${ms(f.windowP50Us)} with it, ${ms(f.windowP50WithoutUs)} without)`;
      reasons.push(`the first measured second alone set the window's ${which}: a warm-up transient (its p50 was ${ms(f.p50Us)})`);
    }
  }

  const disturbedSeconds = seconds.filter((s) => secondDisturbed(s, limits)).map((s) => s.second);
  return {
    disturbed: reasons.length > 0,
    reasons,
    generatorLatenessUs,
    loopDelayUs,
    foreignCores,
    stealShare,
    firstSecond,
    disturbedSeconds,
    limits: { ...limits },
  };
}

/**
 * Whether one second's own figures pass the limits. The lateness p99 stands for the share: more
 * than 1% of the second's sends over `lateUs` is a p99 over it (to HDR precision).
 */
export function secondDisturbed(s: QualitySecond, limits: QualityLimits = qualityLimits()): boolean {
  return (
    (s.lateP99Us ?? 0) > limits.lateUs ||
    (s.loopDelayP99Us ?? 0) > limits.loopDelayP99Us ||
    (s.foreignCores ?? 0) > limits.foreignCores ||
    (s.stealShare ?? 0) > limits.stealShare
  );
}

/** Foreign CPU and steal of one second, from the CPU sampler's intervals. */
export interface CpuSecond {
  /** Cores (1.0 = one core) used by processes that are not part of the run. */
  foreignCores: number;
  /** Share (0..1) of the machine's CPU time stolen by the hypervisor. */
  stealShare: number;
}

/** Per-second and window-wide foreign CPU and steal; see {@link cpuBySecond}. */
export interface CpuFigures {
  /** Keyed by second of the window (0-based). */
  seconds: Map<number, CpuSecond>;
  foreignCoresMean: number;
  stealShareMean: number;
}

/**
 * Foreign CPU and steal per second of the window and over it, from the sampler's intervals;
 * undefined when none could be read (not Linux). An interval belongs to the second its midpoint
 * falls in. Foreign CPU is the machine's busy time minus the run's own, never below 0: the
 * kernel's counters and the processes' tick at different instants, and a process killed
 * between two samples takes its last CPU time with it.
 */
export function cpuBySecond(intervals: readonly CpuInterval[], windowStartMs: number): CpuFigures | undefined {
  const acc = new Map<number, { foreignMs: number; stealMs: number; totalMs: number; wallMs: number }>();
  const all = { foreignMs: 0, stealMs: 0, totalMs: 0, wallMs: 0 };
  for (const iv of intervals) {
    const m = iv.machine;
    const wallMs = iv.endMs - iv.startMs;
    if (m === undefined || wallMs < MIN_INTERVAL_MS || m.totalMs <= 0) continue;
    const second = Math.floor(((iv.startMs + iv.endMs) / 2 - windowStartMs) / 1000);
    const foreignMs = Math.max(0, m.busyMs - iv.runCpuMs);
    const s = acc.get(second) ?? { foreignMs: 0, stealMs: 0, totalMs: 0, wallMs: 0 };
    for (const a of [s, all]) {
      a.foreignMs += foreignMs;
      a.stealMs += m.stealMs;
      a.totalMs += m.totalMs;
      a.wallMs += wallMs;
    }
    acc.set(second, s);
  }
  if (all.wallMs === 0) return undefined;
  const seconds = new Map<number, CpuSecond>();
  for (const [second, a] of acc) {
    seconds.set(second, { foreignCores: round(a.foreignMs / a.wallMs, 2), stealShare: round(a.stealMs / a.totalMs, 3) });
  }
  return { seconds, foreignCoresMean: all.foreignMs / all.wallMs, stealShareMean: all.stealMs / all.totalMs };
}

/** The timeline with each second's foreign CPU and steal added (seconds without a sample unchanged). */
export function addCpuToTimeline(timeline: readonly TimelineSecond[], cpu: CpuFigures): TimelineSecond[] {
  return timeline.map((s) => {
    const c = cpu.seconds.get(s.second);
    return c === undefined ? s : { ...s, ...c };
  });
}

/** Whether any architecture run of a result (or this one run) was marked disturbed: what `--strict` decides on. */
export function isDisturbed(result: RunResult | ArchitectureResult): boolean {
  return 'architectures' in result
    ? result.architectures.some((a) => a.measurementQuality?.disturbed === true)
    : result.measurementQuality?.disturbed === true;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function percent(share: number): string {
  const p = share * 100;
  return `${p >= 10 ? Math.round(p) : p.toFixed(1)}%`;
}

/** A latency for the reasons' sentences, written as every table writes it. */
const ms = formatLatencyUs;

function cores(n: number): string {
  const text = n.toFixed(1);
  return `${text} ${Number(text) <= 1 ? 'core' : 'cores'}`;
}
