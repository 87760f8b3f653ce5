import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EXIT, StatebenchError } from '../errors.js';
import { guardCgroup, releaseCgroup } from './reaper.js';

/**
 * CPU budgets: a process (and every process it forks) limited to a fraction of a core by a
 * cgroup quota, so that on one machine each replica and each store behaves like a small host of
 * its own. cgroup v2 (`cpu.max`) where the cpu controller is delegated, v1
 * (`cpu.cfs_quota_us` / `cpu.cfs_period_us`) otherwise. Every group is guarded by the watchdog,
 * so a SIGKILLed statebench leaves none behind.
 */

/** Where statebench makes its groups: a directory of a cgroup hierarchy with the cpu controller. */
export interface CgroupParent {
  version: 1 | 2;
  /** e.g. `/sys/fs/cgroup/cpu` (v1) or `/sys/fs/cgroup` (v2). */
  path: string;
}

/**
 * The scheduling period of a budget. A budget is a quota of CPU time per period; once a group
 * has spent it, the group stalls until the period ends. Kubernetes' 100 ms default would stall a
 * 0.2-core replica for up to 80 ms, more than a 50 ms p99 objective, where a real small host is
 * evenly slower: a short period keeps the stall to at most 10 ms × (1 − budget).
 */
export const CPU_PERIOD_US = 10_000;
/** The kernel's smallest quota; below it the period is lengthened instead. */
const MIN_QUOTA_US = 1000;
/** The kernel's longest period. */
const MAX_PERIOD_US = 1_000_000;
/** Processes just killed take a moment to leave their group. */
const REMOVE_WAIT_MS = 2000;

/** Quota and period, in µs, that give `cores` of CPU (1.0 = one full core). */
export function cpuQuota(cores: number): { quotaUs: number; periodUs: number } {
  const periodUs = Math.min(MAX_PERIOD_US, Math.max(CPU_PERIOD_US, Math.ceil(MIN_QUOTA_US / cores)));
  return { quotaUs: Math.max(MIN_QUOTA_US, Math.round(cores * periodUs)), periodUs };
}

/** The cgroup hierarchies of this machine, from a mounts table (`/proc/self/mounts` format). */
export function cgroupMounts(mountsText: string): { v1Cpu?: string; v2?: string } {
  const found: { v1Cpu?: string; v2?: string } = {};
  for (const line of mountsText.split('\n')) {
    const [, path, type, options] = line.split(' ');
    if (path === undefined) continue;
    if (type === 'cgroup2') found.v2 ??= path;
    else if (type === 'cgroup' && options?.split(',').includes('cpu')) found.v1Cpu ??= path;
  }
  return found;
}

const readText = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

const words = (text: string | undefined): string[] => (text ?? '').trim().split(/\s+/);

/**
 * Where budgets can be made here, or why not (a sentence saying what is needed). v2 needs the
 * cpu controller enabled for children (`cgroup.subtree_control`) of a directory statebench may
 * write: the hierarchy's root (as root), or the parent of statebench's own group (delegated).
 */
export function findCgroupParent(
  opts: { mounts?: string; ownCgroupV2?: string } = {},
): { parent: CgroupParent } | { reason: string } {
  const mounts = cgroupMounts(opts.mounts ?? readText('/proc/self/mounts') ?? '');
  const problems: string[] = [];
  if (mounts.v2 !== undefined && words(readText(join(mounts.v2, 'cgroup.controllers'))).includes('cpu')) {
    const own = opts.ownCgroupV2 ?? /^0::(.*)$/m.exec(readText('/proc/self/cgroup') ?? '')?.[1];
    const candidates = [mounts.v2, ...(own !== undefined && own !== '/' ? [join(mounts.v2, dirname(own))] : [])];
    for (const path of candidates) {
      if (!words(readText(join(path, 'cgroup.subtree_control'))).includes('cpu')) {
        problems.push(`the cpu controller is not enabled for the children of ${path} (echo +cpu > ${join(path, 'cgroup.subtree_control')})`);
        continue;
      }
      if (!writable(path)) {
        problems.push(`${path} is not writable by this user`);
        continue;
      }
      return { parent: { version: 2, path } };
    }
  } else if (mounts.v1Cpu !== undefined) {
    if (writable(mounts.v1Cpu)) return { parent: { version: 1, path: mounts.v1Cpu } };
    problems.push(`${mounts.v1Cpu} (cgroup v1 cpu) is not writable by this user`);
  } else {
    problems.push('no cgroup hierarchy with the cpu controller is mounted');
  }
  return { reason: problems.join('; ') };
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

let detected: { parent: CgroupParent } | { reason: string } | undefined;

/**
 * Why CPU budgets cannot be applied on this machine, or undefined when they can: finds the
 * hierarchy, then makes and removes a probe group for real (a read-only mount or a missing
 * delegation shows only then). Checked once per process.
 */
export function cpuBudgetsUnavailable(): string | undefined {
  detected ??= probe();
  return 'reason' in detected ? detected.reason : undefined;
}

function probe(): { parent: CgroupParent } | { reason: string } {
  const found = findCgroupParent();
  if ('reason' in found) return found;
  const path = join(found.parent.path, `statebench-probe-${process.pid}`);
  try {
    mkdirSync(path);
    writeQuota(found.parent.version, path, cpuQuota(1));
    rmdirSync(path);
    return found;
  } catch (err) {
    try {
      rmdirSync(path);
    } catch {
      // Never made.
    }
    return { reason: `cannot make a cgroup in ${found.parent.path} (${(err as Error).message})` };
  }
}

/** What budgets need, said with every refusal. */
const NEEDED =
  'budgets need write access to the cgroup cpu controller: run statebench as root, or on cgroup v2 delegate the cpu controller to this user (systemd: `Delegate=cpu`), or remove `hosts:`';

function writeQuota(version: 1 | 2, path: string, { quotaUs, periodUs }: { quotaUs: number; periodUs: number }): void {
  if (version === 2) {
    writeFileSync(join(path, 'cpu.max'), `${quotaUs} ${periodUs}`);
  } else {
    // The period first: a quota is checked against the period in force.
    writeFileSync(join(path, 'cpu.cfs_period_us'), String(periodUs));
    writeFileSync(join(path, 'cpu.cfs_quota_us'), String(quotaUs));
  }
}

/** A scenario asks for CPU budgets where cgroups cannot be written; refused before anything starts. */
export class CpuBudgetUnavailableError extends StatebenchError {
  constructor(reason: string) {
    super(`the scenario asks for CPU budgets (\`hosts:\`), but ${reason}; ${NEEDED}`, 'STATEBENCH_CPU_BUDGET_UNAVAILABLE', EXIT.invalidInput);
  }
}

let sequence = 0;

/** What a spawn needs to start a command inside a budget. */
export interface BudgetedCommand {
  command: string;
  args: string[];
}

/**
 * One budget: a cgroup holding one component's processes (a replica, a store server and the
 * processes it forks), at most `cores` of CPU. Made by {@link CpuBudget.create}, removed by
 * {@link CpuBudget.remove} once its processes are gone.
 */
export class CpuBudget {
  private constructor(
    readonly path: string,
    readonly cores: number,
  ) {}

  /**
   * Makes the group `statebench-<pid>-<n>-<label>` under `parent` (default: the one found on
   * this machine) with a quota of `cores`, guarded by the watchdog. Throws when cgroups cannot
   * be written (callers check {@link cpuBudgetsUnavailable} before starting anything).
   */
  static create(label: string, cores: number, parent?: CgroupParent): CpuBudget {
    if (!(cores > 0)) throw new RangeError(`a CPU budget must be above 0 cores, got ${cores}`);
    let where = parent;
    if (where === undefined) {
      detected ??= probe();
      if ('reason' in detected) throw new Error(detected.reason);
      where = detected.parent;
    }
    const path = join(where.path, `statebench-${process.pid}-${++sequence}-${label.replace(/[^A-Za-z0-9_.-]/g, '_')}`);
    mkdirSync(path);
    guardCgroup(path);
    try {
      writeQuota(where.version, path, cpuQuota(cores));
    } catch (err) {
      rmdirSync(path);
      releaseCgroup(path);
      throw err;
    }
    return new CpuBudget(path, cores);
  }

  /**
   * `command args` as a command line that joins this group, then executes it: the process is in
   * the group before its first instruction, so whatever it forks later (PostgreSQL's backends)
   * is born inside. The pid stays the same (`exec`). With `runAs`, privileges are dropped after
   * joining (setpriv, util-linux): a process of another user may not move itself into a group.
   */
  command(command: string, args: readonly string[], runAs?: { uid: number; gid: number }): BudgetedCommand {
    const drop = runAs === undefined ? [] : ['setpriv', `--reuid=${runAs.uid}`, `--regid=${runAs.gid}`, '--clear-groups', '--'];
    return { command: '/bin/sh', args: ['-c', 'echo $$ > "$0" && exec "$@"', join(this.path, 'cgroup.procs'), ...drop, command, ...args] };
  }

  /** Moves a running process, every thread of it, into the group. */
  join(pid: number): void {
    writeFileSync(join(this.path, 'cgroup.procs'), String(pid));
  }

  /** Pids in the group now. */
  pids(): number[] {
    return words(readText(join(this.path, 'cgroup.procs'))).filter((w) => w !== '').map(Number);
  }

  /**
   * Removes the group once its processes have left it (waiting a moment for processes just
   * killed); true when it is gone. A group still holding a process stays guarded: the watchdog
   * kills what is in it and removes it when statebench exits. Never throws.
   */
  async remove(): Promise<boolean> {
    const deadlineMs = Date.now() + REMOVE_WAIT_MS;
    for (;;) {
      try {
        rmdirSync(this.path);
        releaseCgroup(this.path);
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' || !existsSync(this.path)) {
          releaseCgroup(this.path);
          return true;
        }
        if (Date.now() >= deadlineMs) return false;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }
}
