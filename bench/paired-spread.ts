import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunResult } from '../src/result/types.js';
import { installSignalCleanup, isStopping, stop, stopEverything, track } from './children.js';

/**
 * What paired measurement buys (issue 19): the same comparison run N times in each mode,
 * alternating, through the built CLI:
 *   - sequential: each architecture alone on the machine, one after another;
 *   - concurrent: all at once, each with an equal share of the load (the default without faults).
 * For every run it takes "redis p50 − sticky p50" over the whole window (and, for concurrent
 * runs, the paired per-second mean the report prints), then reports each mode's spread across
 * runs (standard deviation and range) and how often the sign flipped. A machine's drift lands on
 * one architecture and not the other when they run in turn; together, it lands on both.
 *
 *   npm run build && node dist/bench/paired-spread.js
 *
 * Environment: BENCH_PAIRED_RUNS (10 per mode), BENCH_PAIRED_SECONDS (10), BENCH_PAIRED_ARCHS
 * (sticky,redis,sqlite,cookie), BENCH_PAIRED_REPLICAS (3), BENCH_PAIRED_RATE (2000, req/s),
 * BENCH_PAIRED_KEEP (a directory: keep the result files there).
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = path.join(ROOT, 'dist/src/main.js');
const RUNS = Number(process.env.BENCH_PAIRED_RUNS ?? 10);
const SECONDS = Number(process.env.BENCH_PAIRED_SECONDS ?? 10);
const ARCHITECTURES = process.env.BENCH_PAIRED_ARCHS ?? 'sticky,redis,sqlite,cookie';
const REPLICAS = Number(process.env.BENCH_PAIRED_REPLICAS ?? 3);
const RATE = Number(process.env.BENCH_PAIRED_RATE ?? 2000);

/** By default the default comparison's architectures and load (kill-one-replica) without its faults. */
const SCENARIO = `name: paired-spread
description: a comparison without faults, for paired against sequential measurement
architectures: [${ARCHITECTURES}]
replicas: ${REPLICAS}
duration: ${SECONDS}s
warmup: 2s
load:
  model: open
  rate: ${RATE}/s
session:
  adds: 8
  readRatio: 0.5
  payload: 64B
`;

type Mode = 'sequential' | 'concurrent';

interface Sample {
  mode: Mode;
  load1: number;
  /** redis p50 − sticky p50 over the whole window, µs. */
  diffUs: number;
  /** Concurrent only: the mean per-second paired difference and whether its interval includes 0. */
  pairedUs?: number | null;
  includesZero?: boolean;
  disturbed: boolean;
}

const log = (line: string): void => void process.stderr.write(`${line}\n`);

function run(file: string, out: string, mode: Mode): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = track(spawn(process.execPath, [MAIN, 'run', file, '--out', out, '--quiet', '--pairing', mode], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, NO_COLOR: '1' } }));
    const timer = setTimeout(() => {
      void stop(child);
      reject(new Error(`run --pairing ${mode} took over 15 minutes`));
    }, 15 * 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`run --pairing ${mode} exited ${code}`));
    });
  });
}

function sample(mode: Mode, load1: number, result: RunResult): Sample {
  const p50 = (name: string): number => result.architectures.find((a) => a.architecture === name)!.latencyUs.p50;
  const paired = result.pairing?.differences?.find((d) => d.architecture === 'redis' && d.metric === 'p50');
  return {
    mode,
    load1,
    diffUs: p50('redis') - p50('sticky'),
    ...(paired === undefined ? {} : { pairedUs: paired.meanUs, includesZero: paired.includesZero }),
    disturbed: result.architectures.some((a) => a.measurementQuality?.disturbed === true),
  };
}

function spread(xs: number[]): { sd: number; min: number; max: number; median: number; signFlips: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / Math.max(1, xs.length - 1));
  const sorted = [...xs].sort((a, b) => a - b);
  const positive = xs.filter((x) => x > 0).length;
  return { sd, min: sorted[0], max: sorted.at(-1)!, median: sorted[sorted.length >> 1], signFlips: Math.min(positive, xs.length - positive) };
}

async function main(): Promise<void> {
  installSignalCleanup();
  const dir = process.env.BENCH_PAIRED_KEEP ?? mkdtempSync(path.join(tmpdir(), 'statebench-paired-'));
  const file = path.join(dir, 'paired-spread.yaml');
  writeFileSync(file, SCENARIO);
  const samples: Sample[] = [];
  const startLoad = loadavg()[0];
  for (let i = 1; i <= RUNS && !isStopping(); i++) {
    // Alternate which mode goes first, so neither always meets the same moment of the machine.
    for (const mode of (i % 2 === 1 ? ['sequential', 'concurrent'] : ['concurrent', 'sequential']) as Mode[]) {
      const load1 = loadavg()[0];
      const out = path.join(dir, `${mode}-${i}.json`);
      await run(file, out, mode);
      const s = sample(mode, load1, JSON.parse(readFileSync(out, 'utf8')) as RunResult);
      samples.push(s);
      log(`${mode} ${i}/${RUNS}: redis p50 − sticky p50 ${s.diffUs} µs${s.pairedUs === undefined ? '' : ` (paired per-second mean ${s.pairedUs} µs)`}, load ${load1.toFixed(2)}${s.disturbed ? ', disturbed' : ''}`);
    }
  }
  const lines = [
    `statebench paired-spread · ${RUNS} runs per mode of ${ARCHITECTURES} (${REPLICAS} replicas, ${RATE} req/s open, ${SECONDS} s after 2 s of warm-up) · results in ${dir}`,
    `load average ${startLoad.toFixed(2)} at start, ${loadavg()[0].toFixed(2)} at end`,
    '',
    '| mode | redis p50 − sticky p50, µs: each run | median | standard deviation | range | sign flips | runs disturbed |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  const sds: Record<string, number> = {};
  for (const mode of ['sequential', 'concurrent'] as Mode[]) {
    const xs = samples.filter((s) => s.mode === mode);
    if (xs.length === 0) continue;
    const s = spread(xs.map((x) => x.diffUs));
    sds[mode] = s.sd;
    lines.push(`| ${mode} | ${xs.map((x) => x.diffUs).join(', ')} | ${s.median} | ${s.sd.toFixed(0)} | ${s.min} … ${s.max} | ${s.signFlips} | ${xs.filter((x) => x.disturbed).length} |`);
  }
  const paired = samples.filter((s) => s.mode === 'concurrent' && s.pairedUs !== undefined && s.pairedUs !== null);
  if (paired.length > 0) {
    const s = spread(paired.map((x) => x.pairedUs!));
    lines.push(`| concurrent, paired per-second mean | ${paired.map((x) => x.pairedUs).join(', ')} | ${s.median} | ${s.sd.toFixed(0)} | ${s.min} … ${s.max} | ${s.signFlips} | intervals including 0: ${paired.filter((x) => x.includesZero).length} |`);
  }
  if (sds.sequential !== undefined && sds.concurrent !== undefined && sds.concurrent > 0) {
    lines.push('', `sequential spread ÷ concurrent spread (standard deviations): ${(sds.sequential / sds.concurrent).toFixed(1)}× (goal: at least 3×)`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().then(
  async () => {
    await stopEverything();
  },
  async (err: unknown) => {
    if (isStopping()) return;
    process.stderr.write(`bench failed: ${(err as Error)?.stack ?? String(err)}\n`);
    await stopEverything();
    process.exitCode = 1;
  },
);
