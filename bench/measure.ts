import { readFileSync } from 'node:fs';

/**
 * What one generator run measured, whichever tool produced it. Latencies in microseconds,
 * CPU in milliseconds of user+system time over the measured window.
 */
export interface RunFigures {
  tool: string;
  /** Completed requests per second over the measured window. */
  rps: number;
  p50Us: number;
  p99Us: number;
  meanUs: number;
  /** Requests that failed (non-2xx, socket errors, timeouts). */
  errors: number;
  /** Generator CPU time (user + system, all threads) during the window, ms. */
  cpuMs: number;
  /** Wall time of the measured window, ms. */
  wallMs: number;
  /** Closed model: concurrent users (connections); 0 for open-model runs. */
  users: number;
  /** Anything tool-specific worth printing (sessions, losses...). */
  note?: string;
}

/** Median of a non-empty list (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Per-field medians of several runs of the same tool (each figure's own median). */
export function medianFigures(runs: readonly RunFigures[]): RunFigures {
  const pick = (f: (r: RunFigures) => number): number => median(runs.map(f));
  return {
    tool: runs[0].tool,
    rps: pick((r) => r.rps),
    p50Us: pick((r) => r.p50Us),
    p99Us: pick((r) => r.p99Us),
    meanUs: pick((r) => r.meanUs),
    errors: pick((r) => r.errors),
    cpuMs: pick((r) => r.cpuMs),
    wallMs: pick((r) => r.wallMs),
    users: runs[0].users,
    note: runs[runs.length - 1].note,
  };
}

/** Generator CPU as a percentage of one core over the window. */
export function cpuPercent(f: RunFigures): number {
  return f.wallMs > 0 ? (100 * f.cpuMs) / f.wallMs : 0;
}

/**
 * Generator CPU per completed request, µs: less sensitive to a busy machine than req/s, since
 * it does not depend on how much CPU the scheduler handed out.
 */
export function cpuUsPerRequest(f: RunFigures): number {
  const requests = f.rps * (f.wallMs / 1000);
  return requests > 0 ? (f.cpuMs * 1000) / requests : Number.NaN;
}

/**
 * Little's law in a closed loop: users = throughput × mean latency, so the ratio below should
 * read ~1.00. Below 1 means time the users spent outside a measured request (the generator's own
 * turnaround between a response and the next send, or latencies recorded too low); above 1
 * means latencies recorded too high.
 */
export function littleRatio(f: RunFigures): number {
  return f.users > 0 ? (f.meanUs / 1e6) * f.rps / f.users : Number.NaN;
}

export function littleLine(f: RunFigures): string {
  if (f.users === 0) return `${f.tool}: Little's law n/a (open model)`;
  const r = littleRatio(f);
  const flag = Math.abs(r - 1) <= 0.05 ? 'ok' : 'OFF by more than 5%';
  return (
    `${f.tool}: Little's law mean ${fmtUs(f.meanUs)} x ${fmtRps(f.rps)} req/s / ${f.users} users` +
    ` = ${r.toFixed(3)} (${flag})`
  );
}

/** `12345.6` → `12,346`. */
export function fmtRps(rps: number): string {
  return Math.round(rps).toLocaleString('en-US');
}

/** Microseconds for humans: `850µs`, `1.23ms`, `1.2s`. */
export function fmtUs(us: number): string {
  if (!Number.isFinite(us)) return '-';
  if (us < 1000) return `${Math.round(us)}µs`;
  if (us < 1_000_000) return `${(us / 1000).toFixed(2)}ms`;
  return `${(us / 1e6).toFixed(2)}s`;
}

/** A left-aligned first column and right-aligned others, for plain terminal tables. */
export function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]): string =>
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Resident set size of a live process, in KiB (`VmRSS` of /proc/<pid>/status); undefined if gone. */
export function rssKb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Integer from an environment variable, or the default when unset or not a positive number. */
export function envInt(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
}

/** One-line machine load, printed with every bench so noisy figures can be recognised. */
export function loadLine(): string {
  try {
    const [l1, l5] = readFileSync('/proc/loadavg', 'latin1').split(' ');
    return `load average ${l1} (1 min), ${l5} (5 min)`;
  } catch {
    return 'load average unknown';
  }
}
