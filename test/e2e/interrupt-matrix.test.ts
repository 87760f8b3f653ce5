import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/result/types.js';
import { HAS_POSTGRES } from '../helpers/postgres.js';
import { HAS_REDIS } from '../helpers/redis.js';
import { descendants, survivors, waitFor } from '../helpers/processes.js';

/**
 * Issue 12's interruption matrix: a signal at startup, warm-up or measurement; SIGINT, SIGTERM,
 * SIGHUP, SIGKILL, a double Ctrl-C, the watchdog killed first. Each cell asserts that no
 * process statebench started (replicas, stores and their children, the watchdog) outlives it,
 * that its temp directories are gone, and that every architecture that had finished is on
 * disk. Cells left out, and why, are listed in docs/commands.md "Exit codes".
 *
 * Each cell is one real `statebench run` of sticky then redis (or postgres), about 2 s measured
 * each, so the whole matrix fits in about a minute and a half on a busy 2-core machine.
 */

const MAIN = path.resolve('dist/src/main.js');
const dir = mkdtempSync(path.join(tmpdir(), 'statebench-matrix-'));
const spawned: number[] = [];
afterEach(() => {
  for (const pid of spawned.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCENARIO = path.join(dir, 'two.yaml');
writeFileSync(SCENARIO, 'replicas: 2\nduration: 2s\nwarmup: 1s\nload: {users: 6, timeout: 500ms, grace: 200ms}\nfaults:\n  - at: 500ms\n    kill: replica-2\n');

interface Cell {
  child: ChildProcess;
  out: string;
  stderr: () => string;
  /** Every process seen below statebench while it ran. */
  seen: Set<number>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>;
}

function start(architectures: string, extraEnv: NodeJS.ProcessEnv = {}): Cell {
  const out = path.join(dir, `r-${Math.random().toString(36).slice(2)}.json`);
  const child = spawn(process.execPath, [MAIN, 'run', SCENARIO, '--arch', architectures, '--out', out], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', ...extraEnv },
  });
  spawned.push(child.pid!);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const seen = new Set<number>();
  const poll = setInterval(() => {
    for (const pid of descendants(child.pid!)) seen.add(pid);
  }, 50);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>((resolve) =>
    child.once('exit', (code, signal) => {
      clearInterval(poll);
      resolve({ code, signal, atMs: performance.now() });
    }),
  );
  return { child, out, stderr: () => stderr, seen, exited };
}

const waitStderr = async (cell: Cell, pattern: RegExp, timeoutMs = 30_000): Promise<void> => {
  expect(await waitFor(() => pattern.test(cell.stderr()), timeoutMs, 20), cell.stderr()).toBe(true);
};

/** statebench's temp directories (the owner mark names its pid). */
function tempDirsOf(pid: number): string[] {
  return readdirSync(tmpdir())
    .filter((n) => n.startsWith('statebench-'))
    .map((n) => path.join(tmpdir(), n))
    .filter((d) => {
      try {
        return readFileSync(path.join(d, '.statebench-owner'), 'utf8').startsWith(`${pid} `);
      } catch {
        return false;
      }
    });
}

/** The watchdog: the child running reaper-process.js. */
function watchdogOf(pid: number): number | undefined {
  return descendants(pid).find((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('reaper-process');
    } catch {
      return false;
    }
  });
}

/** Nothing left: every process seen is gone, and so are the temp directories. */
async function nothingLeft(cell: Cell, dirs: string[]): Promise<void> {
  expect(cell.seen.size, 'the cell saw no child at all').toBeGreaterThan(0);
  expect(await survivors(cell.seen, 8000)).toEqual([]);
  expect(await waitFor(() => dirs.every((d) => !existsSync(d)), 5000), `left: ${dirs.filter(existsSync).join(', ')}`).toBe(true);
}

const result = (cell: Cell): RunResult => JSON.parse(readFileSync(cell.out, 'utf8')) as RunResult;

describe.skipIf(!HAS_REDIS)('interruption matrix', () => {
  it('SIGINT while measuring the second architecture: 130, the first on disk whole, the second partial', async () => {
    const cell = start('sticky,redis');
    await waitStderr(cell, /redis: kill replica-2/);
    const dirs = tempDirsOf(cell.child.pid!);
    const t0 = performance.now();
    cell.child.kill('SIGINT');
    const { code, atMs } = await cell.exited;
    expect(code, cell.stderr()).toBe(130);
    expect(atMs - t0).toBeLessThan(10_000);
    const r = result(cell);
    expect(r.complete).toBe(false);
    expect(r.incompleteReason).toBe('interrupted');
    expect(r.architectures.map((a) => [a.architecture, a.complete])).toEqual([['sticky', true], ['redis', false]]);
    await nothingLeft(cell, dirs);
  }, 60_000);

  it('SIGTERM during warm-up: 143, the result written', async () => {
    const cell = start('redis');
    await waitStderr(cell, /redis: warm-up/);
    const dirs = tempDirsOf(cell.child.pid!);
    cell.child.kill('SIGTERM');
    expect((await cell.exited).code, cell.stderr()).toBe(143);
    expect(result(cell).incompleteReason).toBe('interrupted');
    await nothingLeft(cell, dirs);
  }, 60_000);

  it.skipIf(!HAS_POSTGRES)('SIGHUP at startup, while PostgreSQL initialises: 129, nothing left (its backends neither)', async () => {
    const cell = start('postgres');
    await waitStderr(cell, /postgres: starting/);
    await waitFor(() => cell.seen.size > 0, 10_000, 20);
    const dirs = tempDirsOf(cell.child.pid!);
    cell.child.kill('SIGHUP');
    expect((await cell.exited).code, cell.stderr()).toBe(129);
    expect(result(cell).architectures.every((a) => !a.complete)).toBe(true);
    await nothingLeft(cell, dirs);
  }, 60_000);

  it('a double Ctrl-C 50 ms apart hurries, and still writes what was measured', async () => {
    const cell = start('sticky,redis');
    await waitStderr(cell, /redis: kill replica-2/);
    const dirs = tempDirsOf(cell.child.pid!);
    cell.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 50));
    // The second is SIGTERM, which hurries just as a second SIGINT does: two SIGINTs can merge
    // into one in the kernel when the process was not scheduled between them (a full test run
    // saw it), and then nothing is left to hurry. The exit code is the first signal's.
    cell.child.kill('SIGTERM');
    expect((await cell.exited).code, cell.stderr()).toBe(130);
    expect(cell.stderr()).toMatch(/stopping now: every child killed; writing what was measured/);
    expect(result(cell).architectures.map((a) => a.architecture)).toEqual(['sticky', 'redis']);
    await nothingLeft(cell, dirs);
  }, 60_000);

  it('SIGKILL while measuring the second: the first is on disk, marked unfinished; nothing left', async () => {
    const cell = start('sticky,redis');
    await waitStderr(cell, /redis: kill replica-2/);
    const dirs = tempDirsOf(cell.child.pid!);
    cell.child.kill('SIGKILL');
    await cell.exited;
    const r = result(cell);
    expect(r.complete).toBe(false);
    expect(r.incompleteReason).toMatch(/^unfinished: saved after 1 of 2 architecture runs/);
    expect(r.architectures.map((a) => [a.architecture, a.complete])).toEqual([['sticky', true]]);
    await nothingLeft(cell, dirs);
  }, 60_000);

  it('the watchdog killed first, then statebench SIGKILLed: a new watchdog took over, nothing left', async () => {
    // Without the parent-death signal, so the respawned watchdog alone must clean up.
    const cell = start('redis', { STATEBENCH_NO_PDEATHSIG: '1' });
    await waitStderr(cell, /redis: kill replica-2/);
    const dirs = tempDirsOf(cell.child.pid!);
    const first = watchdogOf(cell.child.pid!)!;
    process.kill(first, 'SIGKILL');
    expect(await waitFor(() => (watchdogOf(cell.child.pid!) ?? first) !== first, 5000, 10)).toBe(true);
    cell.child.kill('SIGKILL');
    await cell.exited;
    await nothingLeft(cell, dirs);
  }, 60_000);

  it('the watchdog and statebench SIGKILLed at once: the parent-death signal ends every child; the next run removes the temp dirs', async () => {
    const cell = start('redis');
    await waitStderr(cell, /redis: kill replica-2/);
    const dirs = tempDirsOf(cell.child.pid!);
    expect(dirs.length).toBeGreaterThan(0);
    process.kill(watchdogOf(cell.child.pid!)!, 'SIGKILL');
    cell.child.kill('SIGKILL');
    await cell.exited;
    expect(await survivors(cell.seen, 8000)).toEqual([]);
    // The next statebench that starts a child sweeps what the pair left.
    const next = start('sticky');
    await waitStderr(next, /sticky: warm-up/);
    next.child.kill('SIGINT');
    await next.exited;
    expect(dirs.filter(existsSync)).toEqual([]);
  }, 60_000);
});
