import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guardDir, releaseDir } from '../src/process/reaper.js';
import { track } from './children.js';
import type { RunFigures } from './measure.js';

export interface WrkJob {
  /** Sets the Host header and, unless the script's setup() overrides `thread.addr`, the address. */
  url: string;
  threads: number;
  connections: number;
  warmupMs: number;
  durationMs: number;
  /** Lua defining request()/response()/setup() as needed; must not define done(). */
  script: string;
  tool?: string;
  /** Called between the warm-up run and the measured run. */
  onMeasureStart?: () => void;
}

/** wrk's version line, or undefined when it is not installed (`apt-get install -y wrk`). */
export function wrkVersion(): string | undefined {
  const r = spawnSync('wrk', ['-v'], { encoding: 'utf8' });
  if (r.error) return undefined;
  return /wrk (\S+)/.exec(`${r.stdout}${r.stderr}`)?.[1] ?? 'unknown';
}

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    clockTicks = Number(r.stdout) > 0 ? Number(r.stdout) : 100;
  }
  return clockTicks;
}

/**
 * wrk's done() runs in its main thread after every worker joined: it prints the figures as one
 * JSON line, with the process's CPU time (all threads) read from /proc/self/stat, which makes
 * CPU exact without sampling from outside.
 */
const DONE = `
function done(summary, latency, requests)
  local f = io.open("/proc/self/stat")
  local stat = f:read("*l")
  f:close()
  local rest = stat:sub(stat:match(".*()%)") + 2)
  local fields = {}
  for w in rest:gmatch("%S+") do fields[#fields + 1] = w end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"durationUs":%d,"meanUs":%.3f,"p50Us":%d,"p99Us":%d,"errors":%d,"cpuTicks":%d}\\n',
    summary.requests, summary.duration, latency.mean, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout, tonumber(fields[12]) + tonumber(fields[13])))
end
`;

function spawnWrk(job: WrkJob, scriptFile: string, durationS: number): Promise<string> {
  const args = ['-t', String(job.threads), '-c', String(job.connections), '-d', `${durationS}s`, '--timeout', '2s', '-s', scriptFile, job.url];
  const child = track(spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] }));
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => (code === 0 ? resolve(out) : reject(new Error(`wrk exited (${code ?? signal}): ${out.trim()}`))));
  });
}

/** A warm-up run, then the measured run; wrk takes whole seconds. */
export async function runWrk(job: WrkJob): Promise<RunFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'statebench-bench-wrk-'));
  guardDir(dir);
  try {
    const scriptFile = join(dir, 'bench.lua');
    writeFileSync(scriptFile, `${job.script}\n${DONE}`);
    if (job.warmupMs > 0) await spawnWrk(job, scriptFile, Math.max(1, Math.round(job.warmupMs / 1000)));
    job.onMeasureStart?.();
    const out = await spawnWrk(job, scriptFile, Math.max(1, Math.round(job.durationMs / 1000)));
    const line = /BENCH_JSON (\{.*\})/.exec(out)?.[1];
    if (line === undefined) throw new Error(`wrk printed no figures: ${out.trim()}`);
    const r = JSON.parse(line) as {
      requests: number;
      durationUs: number;
      meanUs: number;
      p50Us: number;
      p99Us: number;
      errors: number;
      cpuTicks: number;
    };
    const wallMs = r.durationUs / 1000;
    return {
      tool: job.tool ?? 'wrk',
      rps: r.requests / (wallMs / 1000),
      p50Us: r.p50Us,
      p99Us: r.p99Us,
      meanUs: r.meanUs,
      errors: r.errors,
      cpuMs: (r.cpuTicks * 1000) / ticksPerSecond(),
      wallMs,
      users: job.connections,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    releaseDir(dir);
  }
}
