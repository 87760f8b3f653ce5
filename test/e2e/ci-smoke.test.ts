import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/result/types.js';
import { HAS_REDIS } from '../helpers/redis.js';

const MAIN = path.resolve('dist/src/main.js');

/** Runs the real CLI as a child process, as a CI pipeline would. */
function statebench(args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`statebench ${args.join(' ')} took over ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('statebench run scenarios/ci-smoke.yaml', () => {
  it('runs every architecture and writes a result that tells the story', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'statebench-e2e-')), 'smoke.json');
    const r = await statebench(['run', 'scenarios/ci-smoke.yaml', '--out', out, '--quiet'], 90_000);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`result: ${out}`);

    const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
    expect(result.schemaVersion).toBe(1);
    expect(result.complete).toBe(true);
    const byName = new Map(result.architectures.map((a) => [a.architecture, a]));
    const expected = HAS_REDIS ? ['sticky', 'redis', 'sqlite', 'cookie'] : ['sticky', 'sqlite', 'cookie'];
    expect([...byName.keys()]).toEqual(expected);

    for (const a of result.architectures) {
      const { p50, p90, p99, p999, max } = a.latencyUs;
      expect(p50).toBeGreaterThan(0);
      expect(p50).toBeLessThanOrEqual(p90);
      expect(p90).toBeLessThanOrEqual(p99);
      expect(p99).toBeLessThanOrEqual(p999);
      expect(p999).toBeLessThanOrEqual(max);
      const r = a.requests;
      expect(r.sent).toBe(r.ok + r.failed + r.unfinished);
      expect(a.faults.map((f) => `${f.kind} ${f.target} ${f.ok}`)).toEqual(['kill replica-2 true']);
      expect(a.histograms.latency.length).toBeGreaterThan(0);
    }
    // The kill costs sticky the sessions pinned to replica-2; externalized state survives it.
    expect(byName.get('sticky')!.sessions.lost).toBeGreaterThan(0);
    for (const name of ['redis', 'sqlite', 'cookie']) {
      if (byName.has(name)) expect(byName.get(name)!.sessions.lost, name).toBe(0);
    }
    // The store round trip is what externalizing costs per request.
    for (const name of ['redis', 'sqlite']) {
      if (byName.has(name)) expect(byName.get(name)!.store.roundTripUs!.p50, name).toBeGreaterThan(0);
    }
    expect(byName.get('sticky')!.store.roundTripUs?.p50 ?? 0).toBe(0);
  }, 120_000);
});
