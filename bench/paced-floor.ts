import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { guardDir, releaseDir } from '../src/process/reaper.js';
import { track } from './children.js';
import type { PacedFloorResult } from './paced-floor-child.js';

/** bench/c/paced-floor.c, from dist/bench/ or from bench/ (tsx). */
function sourceFile(): string | undefined {
  for (const rel of ['../../bench/c/paced-floor.c', './c/paced-floor.c']) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path)) return path;
  }
  return undefined;
}

/**
 * The C floor (bench/c/paced-floor.c), compiled with the machine's `cc` into a temporary
 * directory; `run` paces it against a port and reads its figures. Undefined, with the reason,
 * when there is no compiler or no source.
 */
export function buildPacedFloor(): { run: (port: number, rateRps: number, warmupMs: number, durationMs: number) => Promise<PacedFloorResult>; remove: () => void } | string {
  const source = sourceFile();
  if (source === undefined) return 'bench/c/paced-floor.c not found (the C floor needs the repository)';
  const dir = mkdtempSync(join(tmpdir(), 'statebench-bench-floor-'));
  guardDir(dir);
  const remove = (): void => {
    rmSync(dir, { recursive: true, force: true });
    releaseDir(dir);
  };
  const binary = join(dir, 'paced-floor');
  const cc = spawnSync('cc', ['-O2', '-o', binary, source], { encoding: 'utf8' });
  if (cc.error !== undefined || cc.status !== 0) {
    remove();
    return `no C floor: cc ${cc.error !== undefined ? 'is not installed' : `failed: ${cc.stderr.trim()}`}`;
  }
  const run = (port: number, rateRps: number, warmupMs: number, durationMs: number): Promise<PacedFloorResult> => {
    const child = track(spawn(binary, [port, rateRps, warmupMs, durationMs].map(String), { stdio: ['ignore', 'pipe', 'pipe'] }));
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => {
        const line = /BENCH_JSON (\{.*\})/.exec(out)?.[1];
        if (code !== 0 || line === undefined) return reject(new Error(`paced-floor exited (${code ?? signal}): ${out.trim()}`));
        const r = JSON.parse(line) as { requests: number; cpuMs: number; wallMs: number; lateP50Us: number; lateP99Us: number };
        resolve({
          tool: 'C floor (clock_nanosleep)',
          rps: (r.requests / r.wallMs) * 1000,
          p50Us: 0,
          p99Us: 0,
          meanUs: 0,
          errors: 0,
          cpuMs: r.cpuMs,
          wallMs: r.wallMs,
          users: 0,
          lateP50Us: r.lateP50Us,
          lateP99Us: r.lateP99Us,
        });
      });
    });
  };
  return { run, remove };
}
