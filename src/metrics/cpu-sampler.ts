import type { CpuUsage } from '../result/types.js';
import { processCpuMs } from '../process/proc-stat.js';
import { readMachineCpu, type MachineCpu } from './machine-cpu.js';

export { processCpuMs } from '../process/proc-stat.js';

/**
 * What the CPUs did between two samples: the run's own processes against the whole machine.
 * Times are performance.now() ms; CPU times are ms summed over CPUs.
 */
export interface CpuInterval {
  startMs: number;
  endMs: number;
  /** CPU used by the generator (all its threads) and every sampled component. */
  runCpuMs: number;
  /** Machine-wide figures from /proc/stat; absent where it cannot be read. */
  machine?: MachineCpu;
}

/**
 * CPU time spent by each component (the generator, each replica, the store) during the
 * measured window, and per second how much of the machine went elsewhere (foreign processes,
 * the hypervisor's steal). Sampled every second, on whole seconds from the start, so that a
 * replica killed mid-window still has the CPU it used before the kill, a restarted one (a new
 * pid) is counted from its start, and each interval lines up with a second of the timeline.
 */
export class CpuSampler {
  private readonly totals = new Map<string, number>();
  private readonly last = new Map<string, { pid: number; cpuMs: number }>();
  private generatorStart = process.cpuUsage();
  private generatorLast = process.cpuUsage();
  private machineLast: MachineCpu | undefined;
  private lastSampleMs = 0;
  private readonly samples: CpuInterval[] = [];
  private timer: NodeJS.Timeout | undefined;
  private startedMs = 0;
  private stoppedMs = 0;
  private generatorCpuMs = 0;

  /**
   * `processes`: the components reported. `alsoTheRun`: processes that belong to the run but not
   * to these components (the demo's other architectures, side by side): their CPU is not foreign,
   * and not reported here either.
   */
  constructor(
    private readonly processes: () => Map<string, number>,
    private readonly alsoTheRun: () => Map<string, number> = () => new Map(),
  ) {}

  private measured(): Map<string, number> {
    const all = new Map(this.processes());
    for (const [name, pid] of this.alsoTheRun()) all.set(`\0${name}`, pid);
    return all;
  }

  /**
   * Starts sampling. `windowStartMs` (performance.now() ms, default now) is the start of the
   * measured window the samples are aligned to; the timer that calls this may fire late.
   */
  start(windowStartMs: number = performance.now()): void {
    this.startedMs = performance.now();
    this.generatorStart = process.cpuUsage();
    this.generatorLast = this.generatorStart;
    this.machineLast = readMachineCpu();
    this.lastSampleMs = this.startedMs;
    for (const [name, pid] of this.measured()) {
      const cpuMs = processCpuMs(pid);
      if (cpuMs !== undefined) this.last.set(name, { pid, cpuMs });
    }
    this.schedule(Math.min(windowStartMs, this.startedMs));
  }

  /** Arms the next sample on the next whole second from `originMs`. */
  private schedule(originMs: number): void {
    const now = performance.now();
    const next = originMs + (Math.floor((now - originMs) / 1000) + 1) * 1000;
    this.timer = setTimeout(() => {
      this.sample();
      this.schedule(originMs);
    }, next - now);
    this.timer.unref();
  }

  private sample(): void {
    const nowMs = performance.now();
    let runCpuMs = 0;
    for (const [name, pid] of this.measured()) {
      const cpuMs = processCpuMs(pid);
      if (cpuMs === undefined) continue;
      const prev = this.last.get(name);
      // A new pid is a process started inside the window: all of its CPU time is the window's.
      const base = prev !== undefined && prev.pid === pid ? prev.cpuMs : 0;
      const used = Math.max(0, cpuMs - base);
      if (!name.startsWith('\0')) this.totals.set(name, (this.totals.get(name) ?? 0) + used);
      this.last.set(name, { pid, cpuMs });
      runCpuMs += used;
    }
    runCpuMs += cpuMsSince(this.generatorLast);
    this.generatorLast = process.cpuUsage();
    const machine = readMachineCpu();
    const before = this.machineLast;
    const interval: CpuInterval = { startMs: this.lastSampleMs, endMs: nowMs, runCpuMs };
    if (machine !== undefined && before !== undefined) {
      interval.machine = {
        busyMs: machine.busyMs - before.busyMs,
        stealMs: machine.stealMs - before.stealMs,
        totalMs: machine.totalMs - before.totalMs,
      };
    }
    this.samples.push(interval);
    this.machineLast = machine;
    this.lastSampleMs = nowMs;
  }

  /**
   * Takes the last sample at the end of the measured window, so the grace period and the
   * topology's shutdown are not charged to it. Idempotent.
   */
  end(): void {
    if (this.stoppedMs > 0) return;
    if (this.startedMs === 0) {
      // Never started (interrupted during warm-up): nothing was measured.
      this.stoppedMs = performance.now();
      this.startedMs = this.stoppedMs;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.sample();
    this.generatorCpuMs = cpuMsSince(this.generatorStart);
    this.stoppedMs = performance.now();
  }

  /** Every interval sampled so far (all of the window's once {@link end} was called), in order. */
  intervals(): readonly CpuInterval[] {
    return this.samples;
  }

  /** CPU per component over the window; `completed` requests turn totals into CPU µs per request. */
  stop(completed: number): CpuUsage[] {
    this.end();
    const windowMs = Math.max(1, this.stoppedMs - this.startedMs);
    // `store#4242` is one of the store's processes: its CPU is the store's.
    const byComponent = new Map<string, number>();
    for (const [name, cpuMs] of this.totals) {
      const component = name.split('#')[0];
      byComponent.set(component, (byComponent.get(component) ?? 0) + cpuMs);
    }
    const rows: [string, number][] = [['generator', this.generatorCpuMs], ...byComponent];
    return rows.map(([component, cpuMs]) => ({
      component,
      cpuMs: Math.round(cpuMs),
      cpuUsPerRequest: completed > 0 ? Math.round((cpuMs * 1000) / completed) : 0,
      cores: Math.round((cpuMs / windowMs) * 100) / 100,
    }));
  }
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}
