import { readFileSync } from 'node:fs';

/** Linux reports CPU time in clock ticks (USER_HZ); 100 per second on every mainstream kernel. */
export const TICKS_PER_SECOND = 100;

/** The whole machine's CPU time since boot, from the first line of `/proc/stat`, in ms. */
export interface MachineCpu {
  /** Time some CPU ran anything (user, nice, system, irq, softirq), summed over CPUs, ms. */
  busyMs: number;
  /**
   * Time the hypervisor ran something else while this VM had work to run, summed over CPUs, ms:
   * the machine's own noise on a shared host, which no process here can see.
   */
  stealMs: number;
  /** Everything the CPUs did, idle and steal included (≈ wall time × CPUs), ms. */
  totalMs: number;
}

/**
 * Reads `/proc/stat`; undefined when it is not there (not Linux) or not in the expected shape.
 * Guest time is left out: the kernel already counts it in user and nice.
 */
export function readMachineCpu(): MachineCpu | undefined {
  let text: string;
  try {
    text = readFileSync('/proc/stat', 'latin1');
  } catch {
    return undefined;
  }
  return parseMachineCpu(text);
}

/** The `cpu` line of `/proc/stat` text: `cpu user nice system idle iowait irq softirq steal guest guest_nice`. */
export function parseMachineCpu(text: string): MachineCpu | undefined {
  const line = text.slice(0, text.indexOf('\n'));
  if (!line.startsWith('cpu ')) return undefined;
  const f = line.slice(4).trim().split(/\s+/).map(Number);
  if (f.length < 8 || f.slice(0, 8).some((x) => !Number.isFinite(x))) return undefined;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = f;
  const toMs = (ticks: number): number => (ticks * 1000) / TICKS_PER_SECOND;
  return {
    busyMs: toMs(user + nice + system + irq + softirq),
    stealMs: toMs(steal),
    totalMs: toMs(user + nice + system + idle + iowait + irq + softirq + steal),
  };
}
