import { cpus } from 'node:os';
import { SCENARIO_DEFAULTS, defaultSessions } from '../src/scenario/defaults.js';
import type { OpenLoad } from '../src/scenario/types.js';
import { startTopology } from '../src/topology/topology.js';
import type { AutocannonJob } from './autocannon-child.js';
import { startFixedTarget } from './fixed-target.js';
import { buildPacedFloor } from './paced-floor.js';
import type { PacedFloorJob, PacedFloorResult } from './paced-floor-child.js';
import { runChild } from './run-child.js';
import { cpuPercent, cpuUsPerRequest, envInt, fmtRps, fmtUs, loadLine, median, table, type RunFigures } from './measure.js';
import { runEngine, type EngineResult } from './run-engine.js';

/**
 * What pacing the open model costs and how on time it is: the session mix at a fixed arrival
 * rate (2,000 req/s by default, the default comparison's) against sticky replicas. Per run:
 * generator CPU per request (the main figure: it holds on a busy machine), how far the corrected
 * p50 (from intended send times) lies above the uncorrected one (from actual sends), and the
 * generator's own lateness (send time − intended time) p50/p99. Goals: ≤ 30 µs/request,
 * corrected − uncorrected p50 ≤ 0.05 ms, lateness p99 < 0.5 ms.
 */
export async function pacingBench(log: (line: string) => void): Promise<string> {
  const rateRps = envInt('BENCH_PACING_RATE', 2000);
  const replicas = envInt('BENCH_PACING_REPLICAS', 2);
  const durationMs = envInt('BENCH_SECONDS', 10) * 1000;
  const warmupMs = envInt('BENCH_WARMUP_SECONDS', 2) * 1000;
  const runs = envInt('BENCH_RUNS', 3);
  const load: OpenLoad = {
    model: 'open',
    rateRps,
    sessions: defaultSessions(rateRps, 1),
    maxBacklog: SCENARIO_DEFAULTS.load.maxBacklog,
    timeoutMs: SCENARIO_DEFAULTS.load.timeoutMs,
    graceMs: SCENARIO_DEFAULTS.load.graceMs,
    parallelPerSession: 1,
  };
  const out: string[] = [
    `== pacing: open model ${fmtRps(rateRps)} req/s over ${load.sessions} sessions, session mix, sticky ${replicas} replicas,` +
      ` ${durationMs / 1000} s after ${warmupMs / 1000} s warm-up, ${runs} runs ==`,
    `machine: ${cpus().length} CPUs, ${loadLine()} at start`,
  ];
  log(`pacing: starting sticky topology with ${replicas} replicas`);
  const topology = await startTopology({ architecture: 'sticky', replicas });
  const results: EngineResult[] = [];
  const loads: string[] = [];
  try {
    for (let run = 1; run <= runs; run++) {
      loads.push(loadLine().replace('load average ', ''));
      const r = await runEngine({
        router: 'sticky',
        targets: topology.replicas.map((x) => ({ name: x.name, url: x.url })),
        load,
        mix: { ...SCENARIO_DEFAULTS.session },
        warmupMs,
        durationMs,
      });
      results.push(r);
      log(
        `  run ${run}: ${fmtRps(r.rps)} req/s, CPU ${cpuUsPerRequest(r).toFixed(1)} µs/req, p50 ${fmtUs(r.p50Us)} vs uncorrected ${fmtUs(r.uncorrectedP50Us ?? 0)},` +
          ` lateness p50 ${fmtUs(r.latenessUs?.p50 ?? 0)} p99 ${fmtUs(r.latenessUs?.p99 ?? 0)}`,
      );
    }
  } finally {
    await topology.stop();
  }
  const gapUs = (r: EngineResult): number => r.p50Us - (r.uncorrectedP50Us ?? r.p50Us);
  const cols: [string, (r: EngineResult) => number, (v: number) => string][] = [
    ['completed req/s', (r) => r.rps, fmtRps],
    ['generator CPU µs/request', cpuUsPerRequest, (v) => v.toFixed(1)],
    ['  of which main thread', (r) => (cpuUsPerRequest(r) * (r.mainThreadCpuMs ?? 0)) / Math.max(1e-9, r.cpuMs), (v) => v.toFixed(1)],
    ['generator CPU % of a core', cpuPercent, (v) => `${v.toFixed(0)}%`],
    ['p50 corrected', (r) => r.p50Us, fmtUs],
    ['p50 uncorrected', (r) => r.uncorrectedP50Us ?? 0, fmtUs],
    ['corrected − uncorrected p50', gapUs, fmtUs],
    ['lateness p50', (r) => r.latenessUs?.p50 ?? 0, fmtUs],
    ['lateness p99', (r) => r.latenessUs?.p99 ?? 0, fmtUs],
    ['lateness max', (r) => r.latenessUs?.max ?? 0, fmtUs],
    ['timer wake-ups / request', (r) => (r.wakeUps ?? 0) / Math.max(1, r.sent), (v) => v.toFixed(2)],
    ['spin µs / request', (r) => ((r.spinMs ?? 0) * 1000) / Math.max(1, r.sent), (v) => v.toFixed(1)],
  ];
  const rows = cols.map(([name, f, fmt]) => {
    const vs = results.map(f);
    return [name, fmt(median(vs)), `${fmt(Math.min(...vs))} – ${fmt(Math.max(...vs))}`];
  });
  const m = (f: (r: EngineResult) => number): number => median(results.map(f));
  const goal = (ok: boolean): string => (ok ? 'MET' : 'NOT MET');
  out.push(
    '',
    table(['figure', 'median', 'range'], rows),
    '',
    `load average (1 min) before each run: ${loads.join('; ')}`,
    'notes: lateness = actual send − intended send of requests sent straight from the schedule (not those that waited for a session);',
    '       wake-ups and spin cover the whole run (warm-up too); timer wake-ups / request < 1 when arrivals share a wake-up.',
    `goals: CPU ${m(cpuUsPerRequest).toFixed(1)} µs/req ≤ 30 ${goal(m(cpuUsPerRequest) <= 30)};` +
      ` p50 gap ${fmtUs(m(gapUs))} ≤ 50µs ${goal(m(gapUs) <= 50)};` +
      ` lateness p99 ${fmtUs(m((r) => r.latenessUs?.p99 ?? 0))} < 500µs ${goal(m((r) => r.latenessUs?.p99 ?? 0) < 500)}`,
  );
  out.push('', ...(await pacedReference(load, durationMs, warmupMs, runs, log)));
  return out.join('\n');
}

/**
 * The same rate, interleaved, against the fixed target (HAProxy answering by itself, so nobody
 * waits on a server), from five senders: the engine's open model; autocannon's `overallRate`;
 * the least a Node sender can do, woken by the engine's wake timer and by millisecond timers
 * (bench/paced-floor-child.ts); and the C floor (bench/c/paced-floor.c), the cheapest on-time
 * open-loop client this machine allows. What pacing costs here, whoever writes the generator,
 * and how on time it is. autocannon paces per second with millisecond timers and measures from
 * the actual send: its lateness is neither bounded nor measured (—).
 */
async function pacedReference(load: OpenLoad, durationMs: number, warmupMs: number, runs: number, log: (line: string) => void): Promise<string[]> {
  const connections = 50;
  const rateRps = load.rateRps;
  const target = await startFixedTarget();
  const floor = buildPacedFloor();
  const byTool = new Map<string, { figures: RunFigures; late?: [number, number] }[]>();
  const add = (f: RunFigures, late?: [number, number]): void => {
    byTool.set(f.tool, [...(byTool.get(f.tool) ?? []), { figures: f, late }]);
    log(`  paced ${f.tool}: ${fmtRps(f.rps)} req/s, CPU ${cpuUsPerRequest(f).toFixed(1)} µs/req${late ? `, lateness p50 ${fmtUs(late[0])} p99 ${fmtUs(late[1])}` : ''}`);
  };
  const loads: string[] = [];
  const port = Number(new URL(target.url).port);
  try {
    for (let run = 1; run <= runs; run++) {
      loads.push(loadLine().replace('load average ', '').replace(/ \(1 min\).*/, ''));
      const engine = await runEngine({
        router: 'fixed',
        targets: [{ name: 'fixed', url: target.url }],
        load: { ...load, sessions: connections },
        mix: { ...SCENARIO_DEFAULTS.session },
        warmupMs,
        durationMs,
      });
      add(engine, engine.latenessUs ? [engine.latenessUs.p50, engine.latenessUs.p99] : undefined);
      const job: AutocannonJob = { url: `${target.url}/login`, method: 'POST', connections, warmupMs, durationMs, overallRate: rateRps };
      add(await runChild<AutocannonJob, RunFigures>('autocannon-child', job, {}));
      for (const timer of ['wake', 'ms'] as const) {
        const f = await runChild<PacedFloorJob, PacedFloorResult>('paced-floor-child', { port, rateRps, warmupMs, durationMs, timer });
        add(f, [f.lateP50Us, f.lateP99Us]);
      }
      if (typeof floor !== 'string') {
        const f = await floor.run(port, rateRps, warmupMs, durationMs);
        add(f, [f.lateP50Us, f.lateP99Us]);
      }
    }
  } finally {
    if (typeof floor !== 'string') floor.remove();
    await target.stop();
  }
  const rows = [...byTool].map(([tool, fs]) => {
    const cpu = fs.map((f) => cpuUsPerRequest(f.figures));
    const late = (i: 0 | 1): string => (fs[0].late ? fmtUs(median(fs.map((f) => f.late![i]))) : '—');
    return [
      tool,
      fmtRps(median(fs.map((f) => f.figures.rps))),
      median(cpu).toFixed(1),
      `${Math.min(...cpu).toFixed(1)} – ${Math.max(...cpu).toFixed(1)}`,
      late(0),
      late(1),
    ];
  });
  const cpuOf = (tool: string): number | undefined => {
    const fs = byTool.get(tool);
    return fs === undefined ? undefined : median(fs.map((f) => cpuUsPerRequest(f.figures)));
  };
  const [engineCpu, nodeCpu, cCpu] = ['statebench', 'node floor (wake timer)', 'C floor (clock_nanosleep)'].map(cpuOf);
  const split: string[] = [];
  if (engineCpu !== undefined && nodeCpu !== undefined) {
    split.push(`split: the engine's own work ${(engineCpu - nodeCpu).toFixed(1)} µs/request (engine − node floor with the wake timer)`);
  }
  if (nodeCpu !== undefined && cCpu !== undefined) {
    split.push(
      `       Node and the wake timer ${(nodeCpu - cCpu).toFixed(1)} µs/request (node floor − C floor); the machine's own ${cCpu.toFixed(1)} µs/request (C floor)`,
      cCpu > 30 ? '       the 30 µs goal lies below the C floor here: no sender that sends each request at its own time reaches it on this machine' : '',
    );
  }
  return [
    `== paced reference: ${fmtRps(rateRps)} req/s against the fixed target (HAProxy answering by itself), ${runs} interleaved runs ==`,
    table(['sender', 'req/s', 'CPU µs/request (median)', 'range', 'lateness p50', 'lateness p99'], rows),
    `load average (1 min) before each run: ${loads.join('; ')}`,
    ...(typeof floor === 'string' ? [floor] : []),
    ...split.filter((line) => line !== ''),
    'notes: the engine over 50 sessions with the session mix, autocannon over 50 connections, the floors over one connection with a fixed GET;',
    '       lateness = actual send − intended send (the floors and the engine); the C floor sleeps to each intended time and is late by the',
    "       kernel's timer slack; the wake timer learns how early to wake (src/timing/wake-timer.ts).",
  ];
}
