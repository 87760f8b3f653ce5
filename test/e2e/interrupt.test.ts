import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/result/types.js';
import { descendants, survivors, waitFor } from '../helpers/processes.js';

const MAIN = path.resolve('dist/src/main.js');
const started: number[] = [];

afterEach(() => {
  // A failed assertion must not leak what the run started.
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});


/** Starts `statebench run` and resolves once its load is running (the first fault fired). */
async function startRun(out: string): Promise<{ child: ChildProcess; stderr: () => string }> {
  const child = spawn(process.execPath, [MAIN, 'run', 'ci-smoke', '--arch', 'sticky,sqlite', '--out', out], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  started.push(child.pid!);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const running = await waitFor(() => stderr.includes('kill replica-2'), 20_000, 50);
  expect(running, stderr).toBe(true);
  return { child, stderr: () => stderr };
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('an interrupted run', () => {
  it('on Ctrl-C still writes what it measured, marked incomplete, and stops every child', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'statebench-int-')), 'r.json');
    const { child, stderr } = await startRun(out);
    const children = descendants(child.pid!);
    expect(children.length).toBeGreaterThanOrEqual(3); // three replicas at least
    started.push(...children);

    child.kill('SIGINT');
    expect(await exited(child), stderr()).toBe(130);
    const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
    expect(result.complete).toBe(false);
    expect(result.incompleteReason).toBe('interrupted');
    expect(result.architectures).toHaveLength(1); // sqlite never started
    const sticky = result.architectures[0];
    expect(sticky.complete).toBe(false);
    expect(sticky.requests.ok).toBeGreaterThan(0);
    expect(sticky.faults[0]?.kind).toBe('kill');
    expect(await survivors(children, 5000)).toEqual([]);
  }, 40_000);

  it('when statebench itself is SIGKILLed, no child outlives it', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'statebench-int-')), 'r.json');
    const { child } = await startRun(out);
    const children = descendants(child.pid!);
    started.push(...children);
    child.kill('SIGKILL');
    await exited(child);
    expect(await survivors(children, 8000)).toEqual([]);
    // Nothing half-written: the file holds the result as saved before the kill, marked unfinished.
    const saved = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
    expect(saved.complete).toBe(false);
    expect(saved.incompleteReason).toMatch(/^unfinished: /);
  }, 40_000);
});
