/**
 * The watchdog: a detached process that outlives statebench by a few milliseconds to kill what
 * statebench started when statebench itself is SIGKILLed (no handler runs then). redis-server
 * does not watch its parent, and a replica paused with SIGSTOP cannot notice its IPC channel
 * closing, so both need someone outside to end them.
 *
 * argv[2] is the parent pid. Lines on stdin: `+<pid>` / `-<pid>` guard or release a process,
 * `+d<path>` / `-d<path>` a temp directory. When stdin closes (the parent exited, however it
 * exited; the pipe is close-on-exec, so no other child holds it open), every guarded process
 * gets SIGCONT then SIGKILL and every guarded directory is removed.
 */
import { rmSync } from 'node:fs';
import { readProcStat } from './proc-stat.js';

/** Belt and braces beside stdin: how often the parent's existence is checked. */
const PARENT_POLL_MS = 1000;

const parentPid = Number(process.argv[2]);
/** pid → start time read when guarded (undefined without /proc), to never kill a reused pid. */
const pids = new Map<number, string | undefined>();
const dirs = new Set<string>();

function apply(line: string): void {
  if (line.startsWith('+d')) dirs.add(line.slice(2));
  else if (line.startsWith('-d')) dirs.delete(line.slice(2));
  else if (line.startsWith('+')) {
    const pid = Number(line.slice(1));
    if (pid > 0) pids.set(pid, readProcStat(pid)?.startTime);
  } else if (line.startsWith('-')) pids.delete(Number(line.slice(1)));
}

function reap(): void {
  for (const [pid, startTime] of pids) {
    if (startTime !== undefined && readProcStat(pid)?.startTime !== startTime) continue;
    try {
      process.kill(pid, 'SIGCONT');
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  for (const dir of dirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // Best effort: a temp dir left behind is the lesser harm.
    }
  }
  process.exit(0);
}

let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  pending += chunk;
  let nl: number;
  while ((nl = pending.indexOf('\n')) >= 0) {
    apply(pending.slice(0, nl));
    pending = pending.slice(nl + 1);
  }
});
process.stdin.on('end', reap);
process.stdin.on('error', reap);
process.on('SIGHUP', () => {});
process.on('SIGINT', () => {});

setInterval(() => {
  try {
    process.kill(parentPid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') reap();
  }
}, PARENT_POLL_MS);
