import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/**
 * Children that die with statebench, whatever kills it and even when the watchdog
 * (reaper-process.ts) was killed first: on Linux each child is started through util-linux
 * `setpriv --pdeathsig KILL`, which asks the kernel (prctl PR_SET_PDEATHSIG) to SIGKILL the
 * child the moment the thread that started it dies, and then execs the real program, so the
 * child keeps its pid and everything else. SIGKILL also ends a child stopped by SIGSTOP (a paused
 * replica or store). Where setpriv is missing (not Linux, or util-linux older than 2.33), children
 * are started as they are and the watchdog alone guards them.
 *
 * The parent-death signal goes with the *thread* that spawned: children spawned from a worker
 * thread die when that thread ends, which is what a worker that owns a topology wants too.
 */

let setpriv: string | null | undefined;

/** The setpriv binary that supports `--pdeathsig`, or null; looked up once. */
export function pdeathsigHelper(): string | null {
  if (setpriv !== undefined) return setpriv;
  setpriv = null;
  if (process.platform !== 'linux' || process.env.STATEBENCH_NO_PDEATHSIG === '1') return setpriv;
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(path.delimiter).concat(['/usr/bin', '/bin'])) {
    const candidate = path.join(dir, 'setpriv');
    try {
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    const probe = spawnSync(candidate, ['--pdeathsig', 'KILL', '--', process.execPath, '-e', ''], { stdio: 'ignore', timeout: 5000 });
    if (probe.status === 0) setpriv = candidate;
    break;
  }
  return setpriv;
}

/** `command args…` to spawn so that the process dies with this one (see the module comment). */
export function dieWithParent(command: string, args: readonly string[]): { command: string; args: string[] } {
  const helper = pdeathsigHelper();
  return helper === null ? { command, args: [...args] } : { command: helper, args: ['--pdeathsig', 'KILL', '--', command, ...args] };
}

/**
 * Options for `child_process.fork` with the same effect: fork runs `execPath ...execArgv
 * module ...args`, so setpriv goes in as execPath and node follows it. `execArgv` are node's own
 * flags for the child.
 */
export function forkDyingWithParent(execArgv: readonly string[] = []): { execPath: string; execArgv: string[] } {
  const helper = pdeathsigHelper();
  return helper === null
    ? { execPath: process.execPath, execArgv: [...execArgv] }
    : { execPath: helper, execArgv: ['--pdeathsig', 'KILL', '--', process.execPath, ...execArgv] };
}
