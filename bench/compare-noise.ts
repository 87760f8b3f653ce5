import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Comparison } from '../src/compare/types.js';
import type { RunResult } from '../src/result/types.js';
import { installSignalCleanup, isStopping, stop, stopEverything, track } from './children.js';

/**
 * Issue 19's acceptance for `compare`, against the built CLI as a CI job would run it:
 *   1. a baseline of the two-architecture open-load scenario (sticky and redis, 2 replicas,
 *      1,000 req/s, 6 s after a 2 s warm-up), `run --repeat 3`;
 *   2. ten identical runs compared with it: none should exit 99;
 *   3. ten runs with `store.latency: 1ms`: all should exit 99, naming redis p50;
 *   4. runs with two CPU hogs (`stress-ng --cpu 2`, or two busy Node loops) beside the current
 *      run: never "regression" once runs mark themselves disturbed (measurementQuality).
 * Each identical run is also compared with the baseline's first repetition alone, to show what a
 * single-run baseline costs. Every figure is printed with the load average it was taken under.
 *
 *   npm run build && node dist/bench/compare-noise.js
 *
 * Environment: BENCH_COMPARE_RUNS (10), BENCH_COMPARE_HOG_RUNS (3), BENCH_COMPARE_REPEAT (3),
 * BENCH_COMPARE_KEEP (a directory: keep the result files there).
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = path.join(ROOT, 'dist/src/main.js');
const RUNS = Number(process.env.BENCH_COMPARE_RUNS ?? 10);
const HOG_RUNS = Number(process.env.BENCH_COMPARE_HOG_RUNS ?? 3);
const REPEAT = Number(process.env.BENCH_COMPARE_REPEAT ?? 3);

const SCENARIO = `name: compare-noise
description: issue 19's noise check; sticky and redis, 2 replicas, 1,000 req/s, 6 s after 2 s of warm-up
architectures: [sticky, redis]
replicas: 2
duration: 6s
warmup: 2s
load:
  model: open
  rate: 1000/s
`;
const WITH_LATENCY = `${SCENARIO}store:\n  latency: 1ms\n`;

interface Outcome {
  label: string;
  load1: number;
  code: number | null;
  regressions: string[];
  inconclusive: number;
  redisP50: string;
}

const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** Runs the CLI and resolves to its exit code and stdout; stderr goes to ours. */
function cli(args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = track(spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NO_COLOR: '1' } }));
    let stdout = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    const timer = setTimeout(() => {
      void stop(child);
      reject(new Error(`statebench ${args.join(' ')} took over ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout });
    });
  });
}

/** Two CPU hogs: stress-ng when installed (Debian's `stress-ng`), else two busy Node loops. */
async function startHogs(): Promise<ChildProcess[]> {
  const stressNg = spawn('stress-ng', ['--cpu', '2', '--timeout', '300s', '--quiet'], { stdio: 'ignore' });
  const started = await new Promise<boolean>((resolve) => {
    stressNg.once('error', () => resolve(false));
    stressNg.once('spawn', () => resolve(true));
  });
  if (started) return [track(stressNg)];
  log('stress-ng not found: two `node -e "for(;;){}"` loops instead');
  return [0, 1].map(() => track(spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' })));
}

async function runScenario(file: string, out: string, extra: string[] = []): Promise<void> {
  const r = await cli(['run', file, '--out', out, '--quiet', ...extra], 15 * 60_000);
  if (r.code !== 0) throw new Error(`run ${file} exited ${r.code}`);
}

/** redis p50 in µs, the median over repetitions. */
function redisP50(result: RunResult): number | undefined {
  const values = result.architectures.filter((a) => a.architecture === 'redis').map((a) => a.latencyUs.p50).sort((a, b) => a - b);
  if (values.length === 0) return undefined;
  const mid = values.length >> 1;
  return values.length % 2 ? values[mid] : Math.round((values[mid - 1] + values[mid]) / 2);
}

async function compare(label: string, baseline: string, current: string, load1: number): Promise<Outcome> {
  const r = await cli(['compare', baseline, current, '--json'], 120_000);
  if (r.code !== 0 && r.code !== 99) throw new Error(`compare exited ${r.code}`);
  const cmp = JSON.parse(r.stdout) as Comparison;
  const b = redisP50(JSON.parse(readFileSync(baseline, 'utf8')) as RunResult);
  const c = redisP50(JSON.parse(readFileSync(current, 'utf8')) as RunResult);
  return {
    label,
    load1,
    code: r.code,
    regressions: [...cmp.regressions.map((x) => `${x.architecture} ${x.metric}`), ...cmp.coverageLost.map((l) => `${l.architecture} coverage`)],
    inconclusive: cmp.inconclusive.length,
    redisP50: `${b ?? '–'} → ${c ?? '–'} µs`,
  };
}

function table(title: string, rows: Outcome[]): string {
  const lines = [`${title}`, '| run | load avg (1 min) at start | exit | redis p50 (baseline median → current) | regressions | inconclusive |', '| --- | ---: | ---: | --- | --- | ---: |'];
  for (const r of rows) lines.push(`| ${r.label} | ${r.load1.toFixed(2)} | ${r.code} | ${r.redisP50} | ${r.regressions.join(', ') || '–'} | ${r.inconclusive} |`);
  return lines.join('\n');
}

async function main(): Promise<number> {
  installSignalCleanup();
  const dir = process.env.BENCH_COMPARE_KEEP ?? mkdtempSync(path.join(tmpdir(), 'statebench-compare-noise-'));
  const scenario = path.join(dir, 'compare-noise.yaml');
  const latency = path.join(dir, 'compare-noise-latency.yaml');
  writeFileSync(scenario, SCENARIO);
  writeFileSync(latency, WITH_LATENCY);
  const out: string[] = [`statebench compare-noise · results in ${dir}`, `load average at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`];

  const baseline = path.join(dir, 'baseline.json');
  log(`baseline: ${REPEAT} repetitions (load ${loadavg()[0].toFixed(2)})`);
  const baseLoad = loadavg()[0];
  await runScenario(scenario, baseline, ['--repeat', String(REPEAT)]);
  // The same baseline cut to its first repetition: what a single-run baseline would have said.
  const single = path.join(dir, 'baseline-single.json');
  const full = JSON.parse(readFileSync(baseline, 'utf8')) as RunResult;
  writeFileSync(single, JSON.stringify({ ...full, architectures: full.architectures.filter((a) => a.repetition === 1) }));
  out.push(`baseline: ${REPEAT} repetitions, load average ${baseLoad.toFixed(2)} at start, ${loadavg()[0].toFixed(2)} at end`);

  const same: Outcome[] = [];
  const sameSingle: Outcome[] = [];
  const slower: Outcome[] = [];
  const hogged: Outcome[] = [];
  for (let i = 1; i <= RUNS && !isStopping(); i++) {
    const load1 = loadavg()[0];
    const file = path.join(dir, `same-${i}.json`);
    log(`identical ${i}/${RUNS} (load ${load1.toFixed(2)})`);
    await runScenario(scenario, file);
    same.push(await compare(`identical ${i}`, baseline, file, load1));
    sameSingle.push(await compare(`identical ${i}`, single, file, load1));
  }
  for (let i = 1; i <= RUNS && !isStopping(); i++) {
    const load1 = loadavg()[0];
    const file = path.join(dir, `latency-${i}.json`);
    log(`store.latency 1ms ${i}/${RUNS} (load ${load1.toFixed(2)})`);
    await runScenario(latency, file);
    slower.push(await compare(`1ms ${i}`, baseline, file, load1));
  }
  for (let i = 1; i <= HOG_RUNS && !isStopping(); i++) {
    const file = path.join(dir, `hog-${i}.json`);
    const hogs = await startHogs();
    try {
      await new Promise((r) => setTimeout(r, 1000)); // let the hogs take the cores first
      const load1 = loadavg()[0];
      log(`two CPU hogs ${i}/${HOG_RUNS} (load ${load1.toFixed(2)})`);
      await runScenario(scenario, file);
      hogged.push(await compare(`hogs ${i}`, baseline, file, load1));
    } finally {
      await Promise.all(hogs.map((h) => stop(h)));
    }
  }

  const exited99 = (rows: Outcome[]): number => rows.filter((r) => r.code === 99).length;
  const naming = slower.filter((r) => r.regressions.includes('redis p50')).length;
  out.push(
    '',
    table(`Identical runs against the ${REPEAT}-run baseline: ${exited99(same)} of ${same.length} exited 99`, same),
    '',
    table(`The same identical runs against a single-run baseline (its first repetition): ${exited99(sameSingle)} of ${sameSingle.length} exited 99`, sameSingle),
    '',
    table(`store.latency 1ms: ${exited99(slower)} of ${slower.length} exited 99, ${naming} naming redis p50`, slower),
    '',
    table(`Two CPU hogs beside the current run: ${hogged.filter((r) => r.regressions.length > 0).length} of ${hogged.length} called a regression`, hogged),
    '',
    `load average at end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

main().then(
  async (code) => {
    await stopEverything();
    process.exitCode = code;
  },
  async (err: unknown) => {
    if (isStopping()) return;
    process.stderr.write(`bench failed: ${(err as Error)?.stack ?? String(err)}\n`);
    await stopEverything();
    process.exitCode = 1;
  },
);
