import { readFileSync } from 'node:fs';
import type { CpuUsage } from '../result/types.js';

/** Linux reports process CPU time in clock ticks; 100 per second on every mainstream kernel. */
const TICKS_PER_SECOND = 100;

/** utime + stime of a process, in ms; undefined when it is gone (or not on Linux). */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // Fields after the parenthesised command name, which may itself contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/**
 * CPU time spent by each component (the generator, each replica, the store) during the
 * measured window. Sampled every second so that a replica killed mid-window still has the CPU
 * it used before the kill, and a restarted one (a new pid) is counted from its start.
 */
export class CpuSampler {
  private readonly totals = new Map<string, number>();
  private readonly last = new Map<string, { pid: number; cpuMs: number }>();
  private generatorStart = process.cpuUsage();
  private timer: NodeJS.Timeout | undefined;
  private startedMs = 0;
  private stoppedMs = 0;
  private generatorCpuMs = 0;

  constructor(private readonly processes: () => Map<string, number>) {}

  start(): void {
    this.startedMs = performance.now();
    this.generatorStart = process.cpuUsage();
    for (const [name, pid] of this.processes()) {
      const cpuMs = processCpuMs(pid);
      if (cpuMs !== undefined) this.last.set(name, { pid, cpuMs });
    }
    this.timer = setInterval(() => this.sample(), 1000);
    this.timer.unref();
  }

  private sample(): void {
    for (const [name, pid] of this.processes()) {
      const cpuMs = processCpuMs(pid);
      if (cpuMs === undefined) continue;
      const prev = this.last.get(name);
      // A new pid is a process started inside the window: all of its CPU time is the window's.
      const base = prev !== undefined && prev.pid === pid ? prev.cpuMs : 0;
      this.totals.set(name, (this.totals.get(name) ?? 0) + Math.max(0, cpuMs - base));
      this.last.set(name, { pid, cpuMs });
    }
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
    if (this.timer) clearInterval(this.timer);
    this.sample();
    this.generatorCpuMs = cpuMsSince(this.generatorStart);
    this.stoppedMs = performance.now();
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
