import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../report/load-fixture.js';

const MAIN = path.resolve('dist/src/main.js');

/** The real CLI as a CI job runs it: a child process, exit code and both streams. */
function statebench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`statebench ${args.join(' ')} took over 30 s`));
    }, 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The verdict sentence at the end of the terminal output, unwrapped. */
const verdict = (stdout: string): string => stdout.trimEnd().split('\n\n').at(-1)!.replace(/\n/g, ' ');

const compare = (baseline: string, current: string, ...rest: string[]) => statebench(['compare', fixturePath(baseline), fixturePath(current), ...rest]);

describe('statebench compare exit codes', () => {
  it('0: an identical run, within tolerance or noise', async () => {
    const r = await compare('noise-baseline', 'noise-same');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(verdict(r.stdout)).toMatch(/^No regression beyond tolerance and noise \(\d+ changes beyond tolerance but within noise/);
  });

  it('0: a disturbed current run is inconclusive, not a regression', async () => {
    const r = await compare('noise-baseline', 'noise-disturbed');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('the current run was disturbed');
    expect(r.stdout).not.toContain('REGRESSION');
  });

  it('99: store.latency 1ms regresses redis p50, and the changed setting is printed at the top', async () => {
    const r = await compare('noise-baseline', 'noise-store-latency');
    expect(r.code).toBe(99);
    expect(r.stdout.split('\n').slice(0, 10)).toContain('  scenario     store.latencyMs: 0 ms → 1 ms');
    expect(verdict(r.stdout)).toMatch(/regressions beyond tolerance and noise: .*redis p50/);
  });

  it('99: coverage lost when the current run skipped redis', async () => {
    const r = await compare('noise-baseline', 'noise-redis-skipped');
    expect(r.code).toBe(99);
    expect(r.stdout).toContain('Coverage lost (fails the comparison)');
    expect(r.stdout).toContain('redis: skipped in the current run: redis-server not found on PATH');
  });

  it('2: two different experiments are refused', async () => {
    const r = await compare('noise-baseline', 'other-experiment');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('scenario.name: a different experiment: `two-tabs` (redis-atomic, sqlite-tx) shares neither its name nor an architecture');
  });

  it('2: an unknown metric in --max-regress, and an unreadable file', async () => {
    const bad = await compare('noise-baseline', 'noise-same', '--max-regress', 'p98=10%');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown metric `p98` \(did you mean `p90`\?\)/);
    const missing = await statebench(['compare', fixturePath('noise-baseline'), path.join(tmpdir(), 'no-such-result.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file');
  });

  it('--json prints the verdict structure and --markdown FILE writes the summary, with the same exit code', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'statebench-compare-'));
    const md = path.join(dir, 'compare.md');
    const r = await compare('noise-baseline', 'noise-store-latency', '--json', '--markdown', md);
    expect(r.code).toBe(99);
    const cmp = JSON.parse(r.stdout);
    expect(cmp.failed).toBe(true);
    expect(cmp.regressions).toContainEqual({ architecture: 'redis', metric: 'p50' });
    expect(readFileSync(md, 'utf8')).toMatch(/^## statebench compare: compare-noise\n\n❌ \*\*/);
  });
});
