import { processIoBytes } from '../process/proc-stat.js';
import type { IoUsage } from '../result/types.js';

type IoSnapshot = Map<string, { pid: number; readBytes: number; writtenBytes: number }>;

/**
 * Bytes each replica and store process read and wrote over the measured window, from
 * /proc/<pid>/io (`rchar`, `wchar`: a replica's client requests and answers and its store round
 * trips; a store's network traffic and files). Read at the window's start and end only. A process
 * that started during the window (a restarted replica) counts from its start; one that ended
 * during it is left out: its counters went with it.
 */
export class IoSampler {
  private start: IoSnapshot | undefined;
  private end: IoSnapshot | undefined;

  constructor(private readonly processes: () => Map<string, number>) {}

  private snapshot(): IoSnapshot {
    const snap: IoSnapshot = new Map();
    for (const [name, pid] of this.processes()) {
      if (name === 'generator') continue;
      const io = processIoBytes(pid);
      if (io !== undefined) snap.set(name, { pid, ...io });
    }
    return snap;
  }

  windowStart(): void {
    this.start = this.snapshot();
  }

  windowEnd(): void {
    this.end = this.snapshot();
  }

  /** Per component (`store#4242` counted as `store`); undefined when nothing could be read. */
  usage(completedRequests: number): IoUsage[] | undefined {
    if (this.start === undefined || this.end === undefined || this.end.size === 0) return undefined;
    const totals = new Map<string, { readBytes: number; writtenBytes: number }>();
    for (const [name, end] of this.end) {
      const start = this.start.get(name);
      const from = start !== undefined && start.pid === end.pid ? start : { readBytes: 0, writtenBytes: 0 };
      const component = name.split('#')[0];
      const total = totals.get(component) ?? { readBytes: 0, writtenBytes: 0 };
      total.readBytes += end.readBytes - from.readBytes;
      total.writtenBytes += end.writtenBytes - from.writtenBytes;
      totals.set(component, total);
    }
    return [...totals]
      .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
      .map(([component, t]) => ({
        component,
        ...t,
        bytesPerRequest: completedRequests === 0 ? 0 : Math.round((t.readBytes + t.writtenBytes) / completedRequests),
      }));
  }
}
