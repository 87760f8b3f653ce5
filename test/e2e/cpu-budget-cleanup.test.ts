import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cpuBudgetsUnavailable, findCgroupParent } from '../../src/process/cpu-budget.js';
import { HAS_REDIS } from '../helpers/redis.js';
import { descendants, survivors, waitFor } from '../helpers/processes.js';

const MAIN = path.resolve('dist/src/main.js');
const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

function scenarioFile(text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'statebench-budget-'));
  const file = path.join(dir, 'budget.yaml');
  writeFileSync(file, text);
  chmodSync(dir, 0o755); // readable by the unprivileged user of the refusal test
  return file;
}

const SCENARIO = `name: budget-kill
architectures: [redis]
replicas: 2
duration: 60s
warmup: 0s
hosts: { replicaCpu: 0.2, storeCpu: 0.2 }
load: { model: closed, users: 4 }
`;

const CGROUPS = cpuBudgetsUnavailable() === undefined;

describe('CPU budgets of a statebench that dies', () => {
  it.skipIf(!CGROUPS || !HAS_REDIS)('after SIGKILL of statebench, the watchdog kills what was in its cgroups and removes them', async () => {
    const root = findCgroupParent();
    if ('reason' in root) throw new Error(root.reason);
    const child = spawn(process.execPath, [MAIN, 'run', scenarioFile(SCENARIO), '--out', path.join(mkdtempSync(path.join(tmpdir(), 'statebench-budget-out-')), 'budget-kill.json')], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    started.push(child.pid!);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const groups = (): string[] => readdirSync(root.parent.path).filter((n) => n.startsWith(`statebench-${child.pid}-`));
    // Two replicas and the store, each in its own group, all running.
    expect(await waitFor(() => groups().length === 3 && stderr.includes('redis'), 30_000, 50), stderr).toBe(true);
    expect(await waitFor(() => descendants(child.pid!).length >= 3, 10_000, 50)).toBe(true);
    const inGroups = groups().flatMap((g) => readFileSync(path.join(root.parent.path, g, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number));
    expect(inGroups.length).toBe(3);

    child.kill('SIGKILL');
    expect(await survivors(inGroups, 8000)).toEqual([]);
    expect(await waitFor(() => groups().length === 0, 8000)).toBe(true);
  });

  it('a scenario asking for budgets where cgroups cannot be written is refused before anything starts', () => {
    // As an unprivileged user (nobody), whatever this machine offers root.
    const setpriv = spawnSync('setpriv', ['--version'], { stdio: 'ignore' });
    if (setpriv.status !== 0 || process.getuid?.() !== 0 || !existsSync(MAIN)) return;
    const file = scenarioFile(SCENARIO);
    // A result path nobody may write too (the scenario's directory is 0755, root's): the budget
    // is the one problem left, so the refusal must be about it.
    const outDir = mkdtempSync(path.join(tmpdir(), 'statebench-budget-out-'));
    chmodSync(outDir, 0o777);
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '--', process.execPath, MAIN, 'run', file, '--out', path.join(outDir, 'refused.json')], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
      timeout: 30_000,
    });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/the scenario asks for CPU budgets \(`hosts:`\), but .*(not writable|cannot make a cgroup|not enabled|no cgroup).*run statebench as root/);
    expect(r.stderr).toContain('STATEBENCH_CPU_BUDGET_UNAVAILABLE');
    // Refused before anything started: no replica, no store, no result file.
    expect(r.stderr).not.toMatch(/starting|redis ·/);
    expect(readdirSync(outDir)).toEqual([]);
  });
});
