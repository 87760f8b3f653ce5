/**
 * The watchdog: a detached process that outlives statebench by a few milliseconds to kill what
 * statebench started when statebench itself is SIGKILLed (no handler runs then). redis-server
 * does not watch its parent, and a replica paused with SIGSTOP cannot notice its IPC channel
 * closing, so both need someone outside to end them.
 *
 * argv[2] is the parent pid. Lines on stdin: `+<pid>` / `-<pid>` guard or release a process,
 * `+d<path>` / `-d<path>` a temp directory, `+c<path>` / `-c<path>` a cgroup (a CPU budget).
 * When stdin closes (the parent exited, however it exited; the pipe is close-on-exec, so no
 * other child holds it open), every guarded process gets SIGCONT then SIGKILL, every guarded
 * directory is removed, and every guarded cgroup is emptied (what is still in it is ours: it
 * is killed) and removed.
 */
import { readFileSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readProcStat } from './proc-stat.js';

/** Belt and braces beside stdin: how often the parent's existence is checked. */
const PARENT_POLL_MS = 1000;

const parentPid = Number(process.argv[2]);
/** pid → start time read when guarded (undefined without /proc), to never kill a reused pid. */
const pids = new Map<number, string | undefined>();
const dirs = new Set<string>();
const cgroups = new Set<string>();
/** A cgroup can be removed only once empty; processes just killed take a moment to leave. */
const CGROUP_EMPTY_WAIT_MS = 3000;

function apply(line: string): void {
  if (line.startsWith('+d')) dirs.add(line.slice(2));
  else if (line.startsWith('-d')) dirs.delete(line.slice(2));
  else if (line.startsWith('+c')) cgroups.add(line.slice(2));
  else if (line.startsWith('-c')) cgroups.delete(line.slice(2));
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
  removeCgroups();
  process.exit(0);
}

/** Kills whatever is left in each guarded cgroup, then removes the groups, waiting (bounded) for them to empty. */
function removeCgroups(): void {
  const pending = new Set(cgroups);
  const deadlineMs = Date.now() + CGROUP_EMPTY_WAIT_MS;
  while (pending.size > 0) {
    for (const group of pending) {
      let procs = '';
      try {
        procs = readFileSync(join(group, 'cgroup.procs'), 'utf8');
      } catch {
        // Gone already, or not a cgroup: rmdir says which.
      }
      for (const word of procs.split(/\s+/)) {
        const pid = Number(word);
        if (!(pid > 0)) continue;
        try {
          process.kill(pid, 'SIGCONT');
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      try {
        rmdirSync(group);
        pending.delete(group);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') pending.delete(group);
      }
    }
    if (pending.size === 0 || Date.now() >= deadlineMs) return;
    // A synchronous pause: reap() ends in process.exit, nothing else runs here any more.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
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
