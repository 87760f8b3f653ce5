import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/result/types.js';
import { HAS_REDIS } from '../helpers/redis.js';
import { descendants, survivors, waitFor } from '../helpers/processes.js';

/**
 * Issue 12: a run that did not measure is not a measurement. Killing the run's redis-server
 * from outside gave 18,409 5xx and `complete: true`, exit 0; sqlite on a full disk answered
 * every request with 5xx, exit 0; targets that never started printed a table of `0 µs`.
 * Side reports into a missing directory, and two runs on one `--out`, are covered here too.
 */

const MAIN = path.resolve('dist/src/main.js');
const dir = mkdtempSync(path.join(tmpdir(), 'statebench-unmeasured-'));
const started: ChildProcess[] = [];
const mounts: string[] = [];
afterEach(() => {
  for (const c of started.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});
afterAll(() => {
  for (const m of mounts) spawnSync('umount', ['-l', m]);
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function statebench(args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...env } });
  started.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

function scenario(name: string, text: string): string {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, text);
  return file;
}

const read = (file: string): RunResult => JSON.parse(readFileSync(file, 'utf8')) as RunResult;

describe.skipIf(!HAS_REDIS)('redis that is not there', () => {
  it('targets that never came up: exit 1, the reason, no table of zeros', async () => {
    const out = path.join(dir, 'never.json');
    const run = statebench(['run', scenario('never', 'architectures: [redis]\nreplicas: 1\nduration: 2s\nwarmup: 0s\n'), '--redis-url', 'redis://127.0.0.1:1', '--out', out]);
    expect(await run.exited, run.stderr()).toBe(1);
    expect(run.stdout()).toMatch(/✗ redis was not measured: the targets never came up: .*cannot connect to Redis/s);
    expect(run.stdout()).not.toMatch(/0 µs/);
    expect(read(out).architectures[0].unmeasured?.reason).toMatch(/^the targets never came up/);
  }, 60_000);

  it('the store killed from outside mid-run: exit 1, marked unmeasured', async () => {
    const out = path.join(dir, 'killed-store.json');
    const run = statebench(['run', scenario('killed-store', 'architectures: [redis]\nreplicas: 2\nduration: 8s\nwarmup: 500ms\nload: {users: 8, timeout: 500ms}\n'), '--out', out]);
    expect(await waitFor(() => /redis: warm-up/.test(run.stderr()), 30_000, 50), run.stderr()).toBe(true);
    await new Promise((r) => setTimeout(r, 2000));
    const redis = descendants(run.child.pid!).filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('redis-server'));
    expect(redis).toHaveLength(1);
    process.kill(redis[0], 'SIGKILL');
    expect(await run.exited, run.stderr()).toBe(1);
    const arch = read(out).architectures[0];
    expect(arch.faults).toEqual([]);
    expect(arch.unmeasured?.reason).toMatch(/^from second \d on, \d+% of requests failed \(.*\) outside any fault the scenario scheduled/);
    expect(run.stdout()).toMatch(/✗ redis was not measured/);
  }, 60_000);
});

const CAN_MOUNT = process.platform === 'linux' && process.getuid?.() === 0 && (() => {
  const probe = path.join(dir, 'probe');
  mkdirSync(probe);
  const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]).status === 0;
  if (ok) mounts.push(probe);
  return ok;
})();

it.skipIf(!CAN_MOUNT)('sqlite on a disk that fills up mid-run (TMPDIR on a small tmpfs): exit 1, marked unmeasured', async () => {
  const small = path.join(dir, 'small');
  mkdirSync(small);
  expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', small]).status).toBe(0);
  mounts.push(small);
  const out = path.join(dir, 'full-disk.json');
  const run = statebench(['run', scenario('full-disk', 'architectures: [sqlite]\nreplicas: 1\nduration: 8s\nwarmup: 500ms\nload: {users: 4}\nsession: {payload: 4KiB, readRatio: 0, adds: 200}\n'), '--out', out], { TMPDIR: small });
  expect(await waitFor(() => /sqlite: warm-up/.test(run.stderr()), 30_000, 50), run.stderr()).toBe(true);
  await new Promise((r) => setTimeout(r, 1500));
  // Only writes, and long sessions whose carts keep growing: once the disk is full every
  // request fails at once. With reads (a full disk still serves them) and short sessions (whose
  // freed pages the next ones reuse, so the file need not grow) about a third to a half failed,
  // and late: beside two CPU hogs that passed for a measured run.
  spawnSync('dd', ['if=/dev/zero', `of=${path.join(small, 'filler')}`, 'bs=64k'], { stdio: 'ignore' });
  expect(await run.exited, run.stderr()).toBe(1);
  const arch = read(out).architectures[0];
  expect(arch.requests.ok).toBeGreaterThan(0);
  expect(arch.unmeasured?.reason).toMatch(/outside any fault the scenario scheduled/);
  expect(run.stdout()).toMatch(/✗ sqlite was not measured/);
}, 60_000);

it.skipIf(!CAN_MOUNT)('…and on a disk full from the start: the targets never came up', async () => {
  const full = path.join(dir, 'full');
  mkdirSync(full);
  expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', full]).status).toBe(0);
  mounts.push(full);
  spawnSync('dd', ['if=/dev/zero', `of=${path.join(full, 'filler')}`, 'bs=4k'], { stdio: 'ignore' });
  const out = path.join(dir, 'full-from-start.json');
  const run = statebench(['run', scenario('full-from-start', 'architectures: [sqlite]\nreplicas: 1\nduration: 2s\nwarmup: 0s\n'), '--out', out], { TMPDIR: full });
  expect(await run.exited, run.stderr()).toBe(1);
  expect(read(out).architectures[0].unmeasured?.reason).toMatch(/^the targets never came up: .*full/);
}, 60_000);

describe('outputs', () => {
  it('side reports into a missing directory: created before the run, written after', async () => {
    const out = path.join(dir, 'sides', 'r.json');
    const junit = path.join(dir, 'missing', 'deeper', 'junit.xml');
    const md = path.join(dir, 'missing2', 'summary.md');
    const run = statebench(['run', scenario('sides', 'architectures: [sticky]\nreplicas: 1\nduration: 1s\nwarmup: 0s\n'), '--out', out, '--junit', junit, '--markdown', md, '--quiet']);
    expect(await run.exited, run.stderr()).toBe(0);
    expect(readFileSync(junit, 'utf8')).toMatch(/^<\?xml/);
    expect(readFileSync(md, 'utf8')).toMatch(/^## statebench/);
    expect(read(out).complete).toBe(true);
  }, 60_000);

  it('two runs with the same --out: the second is refused at once, the first writes its result', async () => {
    const out = path.join(dir, 'shared.json');
    const file = scenario('shared', 'architectures: [sticky]\nreplicas: 1\nduration: 6s\nwarmup: 0s\n');
    const first = statebench(['run', file, '--out', out, '--quiet']);
    expect(await waitFor(() => existsSync(out), 20_000, 20)).toBe(true);
    const second = statebench(['run', file, '--out', out, '--force', '--quiet']);
    expect(await second.exited).toBe(2);
    expect(second.stderr()).toMatch(/another statebench run \(pid \d+\) is writing it/);
    expect(await first.exited, first.stderr()).toBe(0);
    expect(read(out).complete).toBe(true);
    expect(await survivors(descendants(first.child.pid!), 2000)).toEqual([]);
  }, 60_000);

  it.skipIf(!CAN_MOUNT)('--out on a disk that fills during the run: exit 3, the result in a fallback file whose path is printed', async () => {
    const small = path.join(dir, 'out-disk');
    mkdirSync(small);
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=5m', 'tmpfs', small]).status).toBe(0);
    mounts.push(small);
    const out = path.join(small, 'r.json');
    const run = statebench(['run', scenario('fills', 'architectures: [sticky]\nreplicas: 1\nduration: 3s\nwarmup: 0s\n'), '--out', out]);
    expect(await waitFor(() => existsSync(out), 20_000, 20)).toBe(true);
    spawnSync('dd', ['if=/dev/zero', `of=${path.join(small, 'filler')}`, 'bs=64k'], { stdio: 'ignore' });
    expect(await run.exited, run.stderr()).toBe(3);
    const fallback = /it is in (\S+) instead/.exec(run.stderr())?.[1];
    expect(run.stderr()).toMatch(/could not write the result to .*r\.json \(the disk is full \(ENOSPC\)\)/);
    expect(fallback).toBeDefined();
    expect(read(fallback!).complete).toBe(true);
    rmSync(fallback!);
  }, 60_000);
});

