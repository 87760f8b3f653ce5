import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CpuBudget, cgroupMounts, cpuBudgetsUnavailable, cpuQuota, findCgroupParent } from '../../src/process/cpu-budget.js';
import { releaseCgroup, watchdogPid } from '../../src/process/reaper.js';
import { runOne } from '../../src/run/architecture-run.js';
import { validateScenarioData } from '../../src/scenario/resolve-scenario.js';
import { PostgresServer } from '../../src/stores/postgres-server.js';
import { startTopology } from '../../src/topology/topology.js';
import { leftoverChildren } from '../helpers/processes.js';
import { HAS_POSTGRES } from '../helpers/postgres.js';

const MOUNTS_V1 = [
  'cgroup /sys/fs/cgroup/cpuacct cgroup rw,relatime,cpuacct 0 0',
  'cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0',
  'cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0',
].join('\n');

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'statebench-test-cg-'));
  temps.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
  expect(await leftoverChildren(watchdogPid())).toEqual([]);
});

/** statebench's groups made by this process, in the machine's cpu hierarchy. */
function ourGroups(): string[] {
  const root = findCgroupParent();
  if ('reason' in root) return [];
  return readdirSync(root.parent.path).filter((n) => n.startsWith(`statebench-${process.pid}-`));
}

describe('cpu budget arithmetic and discovery', () => {
  it('turns cores into a quota per 10 ms period, lengthening the period below the kernel minimum quota', () => {
    expect(cpuQuota(0.25)).toEqual({ quotaUs: 2500, periodUs: 10_000 });
    expect(cpuQuota(1.5)).toEqual({ quotaUs: 15_000, periodUs: 10_000 });
    // 0.05 core of a 10 ms period is 500 µs, below the kernel's 1 ms minimum quota.
    expect(cpuQuota(0.05)).toEqual({ quotaUs: 1000, periodUs: 20_000 });
  });

  it('finds the v1 cpu hierarchy (not cpuacct) and the v2 mount in a mounts table', () => {
    expect(cgroupMounts(MOUNTS_V1)).toEqual({ v1Cpu: '/sys/fs/cgroup/cpu', v2: '/sys/fs/cgroup/unified' });
    expect(cgroupMounts('cgroup /sys/fs/cgroup/cpu,cpuacct cgroup rw,cpu,cpuacct 0 0').v1Cpu).toBe('/sys/fs/cgroup/cpu,cpuacct');
  });

  it('says what is missing when there is no cpu controller, or v2 has not enabled it for children', () => {
    const none = findCgroupParent({ mounts: 'proc /proc proc rw 0 0' });
    expect(none).toEqual({ reason: 'no cgroup hierarchy with the cpu controller is mounted' });

    const v2 = tempDir();
    writeFileSync(join(v2, 'cgroup.controllers'), 'cpuset cpu io memory pids\n');
    writeFileSync(join(v2, 'cgroup.subtree_control'), 'memory pids\n');
    const found = findCgroupParent({ mounts: `cgroup2 ${v2} cgroup2 rw 0 0`, ownCgroupV2: '/' });
    expect('reason' in found && found.reason).toMatch(/cpu controller is not enabled for the children of .*echo \+cpu > .*cgroup\.subtree_control/);
  });

  it('on cgroup v2 writes cpu.max, and the command joins the group before exec (privileges dropped after)', () => {
    const v2 = tempDir();
    writeFileSync(join(v2, 'cgroup.controllers'), 'cpu memory\n');
    writeFileSync(join(v2, 'cgroup.subtree_control'), 'cpu memory\n');
    const found = findCgroupParent({ mounts: `cgroup2 ${v2} cgroup2 rw 0 0`, ownCgroupV2: '/' });
    expect(found).toEqual({ parent: { version: 2, path: v2 } });
    if (!('parent' in found)) return;
    const budget = CpuBudget.create('redis-store', 0.25, found.parent);
    expect(budget.path.startsWith(join(v2, `statebench-${process.pid}-`))).toBe(true);
    expect(budget.path.endsWith('-redis-store')).toBe(true);
    expect(readFileSync(join(budget.path, 'cpu.max'), 'utf8')).toBe('2500 10000');
    const line = budget.command('postgres', ['-D', '/data'], { uid: 999, gid: 998 });
    expect(line.command).toBe('/bin/sh');
    expect(line.args).toEqual([
      '-c', 'echo $$ > "$0" && exec "$@"', join(budget.path, 'cgroup.procs'),
      'setpriv', '--reuid=999', '--regid=998', '--clear-groups', '--', 'postgres', '-D', '/data',
    ]);
    releaseCgroup(budget.path); // a plain directory: nothing for the watchdog to remove
  });

  it('on cgroup v1 writes the period, then the quota', () => {
    const v1 = tempDir();
    mkdirSync(join(v1, 'cpu'));
    const budget = CpuBudget.create('replica-1', 0.1, { version: 1, path: join(v1, 'cpu') });
    expect(readFileSync(join(budget.path, 'cpu.cfs_period_us'), 'utf8')).toBe('10000');
    expect(readFileSync(join(budget.path, 'cpu.cfs_quota_us'), 'utf8')).toBe('1000');
    releaseCgroup(budget.path);
  });

  it('refuses budgets of 0 or below, or above the machine, naming the field', () => {
    const result = validateScenarioData({ hosts: { replicaCpu: 0, storeCpu: 1000 } }, 'x');
    const messages = result.problems.map((p) => `${p.path.join('.')}: ${p.message}`);
    expect(messages).toContainEqual('hosts.replicaCpu: must be above 0 cores');
    expect(messages.some((m) => /^hosts\.storeCpu: `1000` is above this machine's \d+ cores/.test(m))).toBe(true);
    const ok = validateScenarioData({ hosts: { replicaCpu: '250m', storeCpu: 0.5 } }, 'x');
    expect(ok.scenario?.hosts).toEqual({ replicaCpuCores: 0.25, storeCpuCores: 0.5 });
  });
});

const CGROUPS = cpuBudgetsUnavailable() === undefined;
if (!CGROUPS) console.warn(`CPU budgets cannot be applied here (${cpuBudgetsUnavailable()}): the real-cgroup tests are skipped`);

describe.skipIf(!CGROUPS)('a real CPU budget', () => {
  it('holds a saturated replica to 0.1 core (±10%), and its group is gone after the run', async () => {
    const { scenario } = validateScenarioData(
      { architectures: ['cookie'], replicas: 1, duration: '4s', warmup: '1s', hosts: { replicaCpu: 0.1 }, load: { model: 'closed', users: 16 } },
      'budget',
    );
    const result = await runOne({ scenario: scenario!, architecture: 'cookie' });
    expect(result.error).toBeUndefined();
    const replica = result.cpu.find((c) => c.component === 'replica-1');
    console.log(`replica-1 on a 0.1-core budget: ${replica?.cores} core (${replica?.cpuMs} ms CPU in ${result.measuredMs} ms), ${result.throughputRps.toFixed(0)} req/s`);
    expect(replica?.budgetCores).toBe(0.1);
    expect(replica!.cores).toBeGreaterThanOrEqual(0.09);
    expect(replica!.cores).toBeLessThanOrEqual(0.11);
    expect(ourGroups()).toEqual([]);
  });

  it('gives replicas started later (restart, deploy, scale) the same budget, each in its own group', async () => {
    const topology = await startTopology({ architecture: 'cookie', replicas: 1, hosts: { replicaCpuCores: 0.3 } });
    const cpuCgroup = (pid: number): string => /^\d+:cpu:(.*)$/m.exec(readFileSync(`/proc/${pid}/cgroup`, 'utf8'))?.[1] ?? '';
    try {
      const first = topology.replicas[0];
      const group = cpuCgroup(first.pid!);
      expect(group).toMatch(new RegExp(`/statebench-${process.pid}-\\d+-cookie-replica-1$`));
      await topology.restart('replica-1');
      expect(cpuCgroup(first.pid!)).toBe(group);
      await topology.redeploy('replica-1');
      expect(cpuCgroup(first.pid!)).toBe(group);
      const added = await topology.addReplica();
      expect(cpuCgroup(added.pid!)).toMatch(/-cookie-replica-2$/);
      expect(topology.cpuBudgets?.()).toEqual(new Map([['replica-1', 0.3], ['replica-2', 0.3]]));
    } finally {
      await topology.stop();
    }
    expect(ourGroups()).toEqual([]);
  });

  it.skipIf(!HAS_POSTGRES)('holds PostgreSQL and every backend it forks, which are born inside the group', async () => {
    const dir = tempDir();
    const budgets: CpuBudget[] = [];
    const server = await PostgresServer.start({
      dir, persistence: false, sessionTtlS: 60,
      cpuBudget: (name) => {
        const b = CpuBudget.create(`test-${name}`, 0.5);
        budgets.push(b);
        return b;
      },
    });
    const { Client } = await import('pg');
    const client = new Client({ connectionString: server.url });
    try {
      await client.connect();
      await client.query('SELECT 1');
      expect(budgets).toHaveLength(1);
      const pids = [...server.processes().values()];
      // The postmaster, its auxiliary processes and our connection's backend.
      expect(pids.length).toBeGreaterThan(3);
      expect(budgets[0].pids().sort()).toEqual(expect.arrayContaining(pids.sort()));
    } finally {
      await client.end().catch(() => {});
      await server.stop();
      for (const b of budgets) expect(await b.remove()).toBe(true);
    }
    expect(existsSync(budgets[0].path)).toBe(false);
  });
});
