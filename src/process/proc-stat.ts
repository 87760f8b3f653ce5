import { readFileSync } from 'node:fs';

/** The few fields of `/proc/<pid>/stat` statebench needs (Linux only). */
export interface ProcStat {
  /** `R`, `S`, `T` (stopped), `Z` (zombie)… */
  state: string;
  ppid: number;
  /** Clock ticks since boot; with the pid, identifies a process even after pid reuse. */
  startTime: string;
}

/** Reads `/proc/<pid>/stat`; undefined when the process is gone or /proc is not there. */
export function readProcStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  // The command name (field 2) may contain spaces and parentheses; fields after its closing
  // parenthesis are plain: state is field 3, ppid 4, starttime 22.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0], ppid: Number(fields[1]), startTime: fields[19] };
}

/** True when /proc can be read (Linux), so stop states and pid identities can be checked. */
export function hasProcFs(): boolean {
  return readProcStat(process.pid) !== undefined;
}

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

/** Resident set size of a process (`VmRSS` of /proc/<pid>/status), bytes; undefined when it is gone. */
export function processRssBytes(pid: number): number | undefined {
  try {
    const kib = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))?.[1];
    return kib === undefined ? undefined : Number(kib) * 1024;
  } catch {
    return undefined;
  }
}

/**
 * Bytes a process has read and written through system calls (`rchar`, `wchar` of
 * /proc/<pid>/io: sockets and files alike, cache hits included); undefined when it is gone or
 * the file cannot be read (another user's process).
 */
export function processIoBytes(pid: number): { readBytes: number; writtenBytes: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/io`, 'latin1');
    const read = /^rchar:\s+(\d+)$/m.exec(text)?.[1];
    const written = /^wchar:\s+(\d+)$/m.exec(text)?.[1];
    return read === undefined || written === undefined ? undefined : { readBytes: Number(read), writtenBytes: Number(written) };
  } catch {
    return undefined;
  }
}
