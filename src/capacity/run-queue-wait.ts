import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cgroupMounts } from '../process/cpu-budget.js';

/**
 * Where the time of each component's main thread went, beyond running: waiting, runnable, for
 * a CPU the machine's other load held (the scheduler's own accounting, `/proc/<pid>/schedstat`,
 * second field, ns), and held back by its own CPU budget (its cgroup's throttled time). The
 * kernel counts throttled time as waiting too, so it is subtracted: on a shared machine the
 * rest tells "the machine was busy" from "the component ran out".
 */
export interface WaitSnapshot {
  /** Run-queue wait of each process's main thread, ns, by `name@pid`. */
  waits: Map<string, number>;
  /** Throttled time of each component's cgroup, ns, by component. */
  throttled: Map<string, number>;
}

/** Seconds per second of the probe, by component. */
export interface WaitShares {
  /** Waiting for a CPU others held (throttling excluded). */
  machine: Record<string, number>;
  /** Held back by the component's own budget. */
  throttled: Record<string, number>;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
}

/** Run-queue wait so far of the main thread of `pid` (the event loop, Redis's one thread), ns. */
export function mainThreadWaitNs(pid: number): number | undefined {
  const text = read(`/proc/${pid}/schedstat`);
  return text === undefined ? undefined : Number(text.split(' ')[1]) || 0;
}

let cpuMount: { v1?: string; v2?: string } | undefined;

/** Throttled time so far of the cpu cgroup `pid` is in, ns; undefined outside a group with a quota. */
export function throttledNs(pid: number): number | undefined {
  cpuMount ??= (() => {
    const m = cgroupMounts(read('/proc/self/mounts') ?? '');
    return { v1: m.v1Cpu, v2: m.v2 };
  })();
  const cgroups = read(`/proc/${pid}/cgroup`) ?? '';
  const v1 = /^\d+:(?:[^:]*,)?cpu(?:,[^:]*)?:(.*)$/m.exec(cgroups)?.[1];
  if (v1 !== undefined && cpuMount.v1 !== undefined) {
    const ns = /^throttled_time (\d+)$/m.exec(read(join(cpuMount.v1, v1, 'cpu.stat')) ?? '')?.[1];
    return v1 === '/' || ns === undefined ? undefined : Number(ns);
  }
  const v2 = /^0::(.*)$/m.exec(cgroups)?.[1];
  if (v2 !== undefined && v2 !== '/' && cpuMount.v2 !== undefined) {
    const us = /^throttled_usec (\d+)$/m.exec(read(join(cpuMount.v2, v2, 'cpu.stat')) ?? '')?.[1];
    return us === undefined ? undefined : Number(us) * 1000;
  }
  return undefined;
}

const componentOf = (name: string): string => name.split('#')[0];

/** Waits and throttling so far of every process (`store#4242` is the store's). */
export function snapshotWaits(processes: Map<string, number>): WaitSnapshot {
  const waits = new Map<string, number>();
  const throttled = new Map<string, number>();
  for (const [name, pid] of processes) {
    const ns = mainThreadWaitNs(pid);
    if (ns !== undefined) waits.set(`${name}@${pid}`, ns);
    const component = componentOf(name);
    // One group per component: its throttled time is counted once.
    if (!throttled.has(component)) {
      const t = throttledNs(pid);
      if (t !== undefined) throttled.set(component, t);
    }
  }
  return { waits, throttled };
}

/**
 * Seconds per second of `wallMs` each component spent waiting on the machine and throttled by
 * its budget, between two snapshots. Of a component's several processes (PostgreSQL's backends)
 * the one that waited most stands for it, so the figure stays a share of the time (0..1);
 * processes missing from either snapshot are left out.
 */
export function waitShares(before: WaitSnapshot, after: WaitSnapshot, wallMs: number): WaitShares {
  const waited = new Map<string, number>();
  for (const [key, ns] of after.waits) {
    const start = before.waits.get(key);
    if (start === undefined || wallMs <= 0) continue;
    const component = componentOf(key.slice(0, key.lastIndexOf('@')));
    waited.set(component, Math.max(waited.get(component) ?? 0, Math.max(0, ns - start) / 1e6));
  }
  const throttledMs = new Map<string, number>();
  for (const [component, ns] of after.throttled) {
    const start = before.throttled.get(component);
    if (start !== undefined) throttledMs.set(component, Math.max(0, ns - start) / 1e6);
  }
  const share = (ms: number): number => Math.round((ms / wallMs) * 1000) / 1000;
  return {
    machine: Object.fromEntries([...waited].map(([c, ms]) => [c, share(Math.max(0, ms - (throttledMs.get(c) ?? 0)))])),
    throttled: Object.fromEntries([...throttledMs].map(([c, ms]) => [c, share(ms)])),
  };
}
