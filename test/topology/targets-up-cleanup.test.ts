import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive, listChildren, survivors } from '../helpers/processes.js';
import { HAS_REDIS } from '../helpers/redis.js';

const MAIN = fileURLToPath(new URL('../../dist/src/main.js', import.meta.url));
/** Bound for "no child remains": replicas see IPC close at once, the watchdog reaps the rest. */
const CLEANUP_TIMEOUT_MS = 5000;

interface Running {
  child: ChildProcess;
  output: string;
  /** Every process `targets up` started: replicas, redis-server and the watchdog. */
  descendants: number[];
  replicaPids: number[];
  storeUrl: string | undefined;
}

const started: Running[] = [];
afterEach(() => {
  // A failed test must not leak what it started: these are all our own descendants.
  for (const run of started.splice(0)) {
    for (const pid of [run.child.pid!, ...run.descendants]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
});

async function targetsUp(arch: string, replicas: number): Promise<Running> {
  const child = spawn(process.execPath, [MAIN, 'targets', 'up', '--arch', arch, '--replicas', String(replicas)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: Running = { child, output: '', descendants: [], replicaPids: [], storeUrl: undefined };
  started.push(run);
  child.stdout!.on('data', (d: Buffer) => (run.output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (run.output += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`targets up did not start:\n${run.output}`)), 15_000);
    const check = (): void => {
      if (run.output.includes('Ctrl-C stops everything')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', () => reject(new Error(`targets up exited:\n${run.output}`)));
  });
  run.replicaPids = [...run.output.matchAll(/replica-\d+\s+\S+\s+pid (\d+)/g)].map((m) => Number(m[1]));
  run.storeUrl = /store\s+(\S+)/.exec(run.output)?.[1];
  run.descendants = listChildren(child.pid!);
  return run;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe.skipIf(!HAS_REDIS)('targets up leaves no child process', () => {
  it('when interrupted with SIGINT', async () => {
    const run = await targetsUp('redis', 3);
    expect(run.output).toMatch(/redis: 3 replicas up in \d+ ms/);
    expect(run.replicaPids).toHaveLength(3);
    // 3 replicas, redis-server and the watchdog, all direct children.
    expect(run.descendants).toHaveLength(5);
    expect(run.descendants).toEqual(expect.arrayContaining(run.replicaPids));

    run.child.kill('SIGINT');
    expect(await exited(run.child)).toBe(0);
    expect(run.output).toContain('stopped');
    expect(await survivors(run.descendants, CLEANUP_TIMEOUT_MS)).toEqual([]);
  });

  it('when SIGKILLed, even with a replica paused (SIGSTOP) that cannot see its IPC channel close', async () => {
    const run = await targetsUp('redis', 3);
    expect(run.descendants).toHaveLength(5);
    process.kill(run.replicaPids[1], 'SIGSTOP');

    run.child.kill('SIGKILL');
    await exited(run.child);
    expect(await survivors(run.descendants, CLEANUP_TIMEOUT_MS)).toEqual([]);
  });
});

describe('targets up with SQLite', () => {
  it('when SIGKILLed, the temp dir goes too', async () => {
    const run = await targetsUp('sqlite', 2);
    const dir = dirname(run.storeUrl!);
    expect(existsSync(dir)).toBe(true);
    expect(run.descendants.every(isAlive)).toBe(true);

    run.child.kill('SIGKILL');
    await exited(run.child);
    expect(await survivors(run.descendants, CLEANUP_TIMEOUT_MS)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
  });
});
