import { cpus } from 'node:os';
import { SCENARIO_DEFAULTS } from '../src/scenario/defaults.js';
import { processCpuMs } from '../src/metrics/cpu-sampler.js';
import type { AutocannonJob } from './autocannon-child.js';
import { startFixedTarget, type FixedTarget } from './fixed-target.js';
import {
  cpuPercent,
  cpuUsPerRequest,
  envInt,
  fmtRps,
  fmtUs,
  littleLine,
  loadLine,
  median,
  medianFigures,
  table,
  type RunFigures,
} from './measure.js';
import { runChild } from './run-child.js';
import { closedLoad, runEngine } from './run-engine.js';
import { runWrk, wrkVersion } from './wrk.js';

/**
 * How fast can statebench's engine generate requests? All three generators drive the same fixed
 * target (HAProxy answering `200 ok` by itself) with the same connections and duration, each in
 * its own process, warm-up first, interleaved rounds, medians.
 *
 * The engine's virtual users send `POST /login` and never receive a session cookie from the fixed
 * target, so they stay in the login phase: every user repeats one request, as autocannon and wrk
 * do. The other two send the same `POST /login`.
 */
export async function generatorBench(log: (line: string) => void): Promise<string> {
  const connections = envInt('BENCH_CONNECTIONS', 50);
  const durationMs = envInt('BENCH_SECONDS', 10) * 1000;
  const warmupMs = envInt('BENCH_WARMUP_SECONDS', 2) * 1000;
  const runs = envInt('BENCH_RUNS', 3);
  const wrk = wrkVersion();
  const target = await startFixedTarget();
  const out: string[] = [];
  try {
    out.push(
      `== generator: ${connections} connections (closed loop, ${connections} users), ${durationMs / 1000} s measured` +
        ` after ${warmupMs / 1000} s warm-up, median of ${runs} interleaved runs ==`,
      `target: ${target.description} at ${target.url}`,
      'request: POST /login from every generator (the fixed target sets no cookie, so the engine\'s users never leave their login step: a fixed request loop)',
      `machine: ${cpus().length} CPUs, ${loadLine()} at start; each generator in its own process, one event loop / one wrk thread`,
    );
    const byTool = new Map<string, RunFigures[]>();
    const targetCpu = new Map<string, number[]>();
    const add = (f: RunFigures, tgtPct: number): void => {
      byTool.set(f.tool, [...(byTool.get(f.tool) ?? []), f]);
      targetCpu.set(f.tool, [...(targetCpu.get(f.tool) ?? []), tgtPct]);
      log(`  ${f.tool}: ${fmtRps(f.rps)} req/s, p50 ${fmtUs(f.p50Us)}, p99 ${fmtUs(f.p99Us)}, CPU ${cpuPercent(f).toFixed(0)}% (${cpuUsPerRequest(f).toFixed(1)} µs/req), target CPU ${tgtPct.toFixed(0)}%`);
    };
    const withUndici = process.env.BENCH_UNDICI === '1';
    // Two engines in worker threads: meaningful with cores to spare (the target has one thread).
    const withWorkers = process.env.BENCH_WORKERS !== '0';
    const loads: string[] = [];
    for (let round = 1; round <= runs; round++) {
      log(`generator round ${round}/${runs}`);
      loads.push(loadLine().replace('load average ', '').replace(/ \(1 min\).*/, ''));
      add(...(await withTargetCpu(target, (mark) => engineRun(target, connections, warmupMs, durationMs, mark))));
      if (withWorkers) {
        const [f, pct] = await withTargetCpu(target, (mark) => engineRun(target, connections, warmupMs, durationMs, mark, undefined, 2));
        add({ ...f, tool: 'statebench-2-workers' }, pct);
      }
      if (withUndici) {
        const [f, pct] = await withTargetCpu(target, (mark) => engineRun(target, connections, warmupMs, durationMs, mark, 'undici'));
        add({ ...f, tool: 'statebench-undici' }, pct);
      }
      add(...(await withTargetCpu(target, (mark) => autocannonRun(target, connections, warmupMs, durationMs, mark))));
      if (wrk !== undefined) {
        add(...(await withTargetCpu(target, (mark) => wrkRun(target, connections, warmupMs, durationMs, mark))));
      }
    }

    const med = new Map([...byTool].map(([tool, fs]) => [tool, medianFigures(fs)]));
    const ac = med.get('autocannon');
    const wk = med.get('wrk');
    const ratio = (f: RunFigures, base: RunFigures | undefined): string => (base ? `${(f.rps / base.rps).toFixed(2)}x` : '-');
    const rows = [...med.values()].map((f) => [
      f.tool,
      fmtRps(f.rps),
      fmtUs(f.p50Us),
      fmtUs(f.p99Us),
      `${cpuPercent(f).toFixed(0)}%`,
      cpuUsPerRequest(f).toFixed(1),
      `${median(targetCpu.get(f.tool)!).toFixed(0)}%`,
      String(f.errors),
      ratio(f, ac),
      ratio(f, wk),
    ]);
    out.push(
      '',
      table(['tool', 'req/s', 'p50', 'p99', 'gen CPU', 'CPU µs/req', 'target CPU', 'errors', 'vs autocannon', 'vs wrk'], rows),
      '',
      ...[...byTool].map(
        ([tool, fs]) =>
          `runs ${tool}: ${fs.map((f) => fmtRps(f.rps)).join(', ')} req/s; ${fs.map((f) => cpuUsPerRequest(f).toFixed(1)).join(', ')} µs/req`,
      ),
      `load average (1 min) before each round: ${loads.join(', ')}`,
      ...workersLine(byTool.get('statebench') ?? [], byTool.get('statebench-2-workers') ?? []),
      ...pairedRatios(byTool.get('statebench') ?? [], byTool.get('autocannon') ?? []),
      ...[...med.values()].map(littleLine),
    );
    if (wrk === undefined) out.push('wrk: not installed (apt-get install -y wrk), skipped');
    out.push(
      'notes: gen CPU is user+system time of the generator process (all threads) over the measured window, % of one core;',
      '       CPU µs/req is that time per completed request (what the generator costs, whatever the machine load);',
      '       autocannon records latency in whole milliseconds, so its p50 and Little ratio read low on sub-ms latencies.',
    );
    const engine = med.get('statebench');
    if (engine && ac) {
      const rps = engine.rps / ac.rps;
      const cpu = cpuUsPerRequest(engine) / cpuUsPerRequest(ac);
      out.push(
        `goals: statebench/autocannon req/s ${rps.toFixed(2)} (>= 1.25) ${rps >= 1.25 ? 'MET' : 'NOT MET'};` +
          ` CPU per request ${cpu.toFixed(2)}x autocannon's (<= 0.80) ${cpu <= 0.8 ? 'MET' : 'NOT MET'}`,
      );
    }
  } finally {
    await target.stop();
  }
  return out.join('\n');
}

/** Runs `fn`, measuring the target's CPU from the moment `fn` marks its window start to the end. */
async function withTargetCpu(
  target: FixedTarget,
  fn: (markWindowStart: () => void) => Promise<RunFigures>,
): Promise<[RunFigures, number]> {
  let cpu0 = processCpuMs(target.pid) ?? 0;
  let t0 = performance.now();
  const figures = await fn(() => {
    cpu0 = processCpuMs(target.pid) ?? 0;
    t0 = performance.now();
  });
  const cpu1 = processCpuMs(target.pid) ?? cpu0;
  // The window ends a little before fn resolves (result transfer, process exit): this reads slightly low.
  return [figures, (100 * (cpu1 - cpu0)) / Math.max(1, performance.now() - t0)];
}

/** Two workers against one, per round; says why the figure means little below 4 cores. */
function workersLine(one: RunFigures[], two: RunFigures[]): string[] {
  const n = Math.min(one.length, two.length);
  if (n === 0) return [];
  const r = Array.from({ length: n }, (_, i) => two[i].rps / one[i].rps);
  const cores = cpus().length;
  return [
    `2 workers / 1: req/s median ${median(r).toFixed(2)} (${Math.min(...r).toFixed(2)}–${Math.max(...r).toFixed(2)}), goal >= 1.6 on 4+ cores` +
      (cores < 4
        ? ` — this machine has ${cores} cores, shared by the target, both workers and the main thread, so the goal cannot be judged here`
        : ` ${median(r) >= 1.6 ? 'MET' : 'NOT MET'}`),
  ];
}

/**
 * Ratios within each round (the two tools ran back to back, under about the same machine load):
 * steadier than a ratio of medians when the load changes between rounds.
 */
function pairedRatios(engine: RunFigures[], ac: RunFigures[]): string[] {
  const n = Math.min(engine.length, ac.length);
  if (n === 0) return [];
  const rps = Array.from({ length: n }, (_, i) => engine[i].rps / ac[i].rps);
  const cpu = Array.from({ length: n }, (_, i) => cpuUsPerRequest(engine[i]) / cpuUsPerRequest(ac[i]));
  const fmt = (v: number[]): string => `median ${median(v).toFixed(2)} (${Math.min(...v).toFixed(2)}–${Math.max(...v).toFixed(2)})`;
  return [`statebench/autocannon per round: req/s ${fmt(rps)}; CPU per request ${fmt(cpu)}`];
}

function engineRun(
  t: FixedTarget,
  connections: number,
  warmupMs: number,
  durationMs: number,
  mark: () => void,
  httpClient?: 'builtin' | 'undici',
  workers?: number,
) {
  return runEngine(
    {
      httpClient,
      workers,
      router: 'fixed',
      targets: [{ name: 'fixed', url: t.url }],
      load: closedLoad(connections),
      mix: { ...SCENARIO_DEFAULTS.session },
      warmupMs,
      durationMs,
    },
    { onWindowStart: mark },
  );
}

function autocannonRun(t: FixedTarget, connections: number, warmupMs: number, durationMs: number, mark: () => void) {
  const job: AutocannonJob = { url: `${t.url}/login`, method: 'POST', connections, warmupMs, durationMs };
  return runChild<AutocannonJob, RunFigures>('autocannon-child', job, { onWindowStart: mark });
}

function wrkRun(t: FixedTarget, connections: number, warmupMs: number, durationMs: number, mark: () => void) {
  return runWrk({
    url: `${t.url}/login`,
    threads: 1,
    connections,
    warmupMs,
    durationMs,
    script: 'wrk.method = "POST"',
    onMeasureStart: mark,
  });
}
