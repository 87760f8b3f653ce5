import { cpus } from 'node:os';
import { processCpuMs } from '../src/metrics/cpu-sampler.js';
import { SCENARIO_DEFAULTS } from '../src/scenario/defaults.js';
import { startTopology } from '../src/topology/topology.js';
import type { Topology } from '../src/topology/types.js';
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
import { closedLoad, runEngine, type EngineResult } from './run-engine.js';
import { sessionWorkloadLua } from './session-lua.js';
import { runWrk, wrkVersion } from './wrk.js';

/**
 * The full session workload (login, adds with payload, reads, checkout, logout) against the
 * sticky (in-memory) topology, driven by the engine (with its session model and cart checks)
 * and by wrk running the same mix in Lua. The servers, not the generator, should be the limit:
 * goal engine >= 1.0x wrk.
 */
export async function workloadBench(log: (line: string) => void): Promise<string> {
  const users = envInt('BENCH_CONNECTIONS', 50);
  const durationMs = envInt('BENCH_SECONDS', 10) * 1000;
  const warmupMs = envInt('BENCH_WARMUP_SECONDS', 2) * 1000;
  const runs = envInt('BENCH_RUNS', 3);
  const replicaCounts = (process.env.BENCH_REPLICAS ?? '1,2,3').split(',').map(Number).filter((n) => n >= 1);
  const mix = { ...SCENARIO_DEFAULTS.session };
  const wrk = wrkVersion();
  const out: string[] = [
    `== workload: session mix (login, ${mix.adds} adds of ${mix.payloadBytes} B mixed with reads at ratio ${mix.readRatio}, checkout, logout)` +
      ` against sticky (memory) replicas, ${users} users, ${durationMs / 1000} s after ${warmupMs / 1000} s warm-up, median of ${runs} ==`,
    `machine: ${cpus().length} CPUs, ${loadLine()} at start`,
    `wrk: ${wrk === undefined ? 'not installed (apt-get install -y wrk): engine figures only' : `${wrk}, Lua script with the same mix, ${users} threads x 1 connection (one session per connection; see bench/session-lua.ts)`}`,
  ];
  const goals: string[] = [];
  const rows: string[][] = [];
  const little: string[] = [];
  const details: string[] = [];
  for (const n of replicaCounts) {
    log(`workload: starting sticky topology with ${n} replica(s)`);
    const topology = await startTopology({ architecture: 'sticky', replicas: n });
    try {
      const targets = topology.replicas.map((r) => ({ name: r.name, url: r.url }));
      const ports = topology.replicas.map((r) => Number(new URL(r.url).port));
      const engineRuns: EngineResult[] = [];
      const wrkRuns: RunFigures[] = [];
      const serverCpu = new Map<string, number[]>([['statebench', []], ['wrk', []]]);
      const loads: string[] = [];
      for (let round = 1; round <= runs; round++) {
        log(`workload ${n} replica(s), round ${round}/${runs}`);
        loads.push(loadLine().replace('load average ', '').replace(/ \(1 min\).*/, ''));
        const [e, eCpu] = await withServerCpu(topology, (mark) =>
          runEngine(
            { router: 'sticky', targets, load: closedLoad(users), mix, warmupMs, durationMs },
            { onWindowStart: mark },
          ),
        );
        engineRuns.push(e);
        serverCpu.get('statebench')!.push(eCpu);
        log(`  statebench: ${fmtRps(e.rps)} req/s, p99 ${fmtUs(e.p99Us)}, CPU ${cpuPercent(e).toFixed(0)}%, servers ${eCpu.toFixed(0)}%, errors ${e.errors}`);
        if (wrk !== undefined) {
          const [w, wCpu] = await withServerCpu(topology, (mark) =>
            runWrk({
              url: targets[0].url,
              threads: users,
              connections: users,
              warmupMs,
              durationMs,
              script: sessionWorkloadLua(ports, mix),
              onMeasureStart: mark,
            }),
          );
          wrkRuns.push(w);
          serverCpu.get('wrk')!.push(wCpu);
          log(`  wrk: ${fmtRps(w.rps)} req/s, p99 ${fmtUs(w.p99Us)}, CPU ${cpuPercent(w).toFixed(0)}%, servers ${wCpu.toFixed(0)}%, errors ${w.errors}`);
        }
      }
      const e = medianFigures(engineRuns);
      const w = wrkRuns.length > 0 ? medianFigures(wrkRuns) : undefined;
      for (const f of w ? [e, w] : [e]) {
        rows.push([
          `${n} replica${n > 1 ? 's' : ''}  ${f.tool}`,
          fmtRps(f.rps),
          fmtUs(f.p50Us),
          fmtUs(f.p99Us),
          `${cpuPercent(f).toFixed(0)}%`,
          cpuUsPerRequest(f).toFixed(1),
          `${median(serverCpu.get(f.tool)!).toFixed(0)}%`,
          String(f.errors),
          f === e && w ? `${(e.rps / w.rps).toFixed(2)}x` : '',
        ]);
        little.push(`${n} replica(s) ${littleLine(f)}`);
      }
      details.push(
        `runs ${n} replica(s): statebench ${engineRuns.map((r) => fmtRps(r.rps)).join(', ')}` +
          (w ? `; wrk ${wrkRuns.map((r) => fmtRps(r.rps)).join(', ')}` : '') +
          ` req/s; engine sessions started ${median(engineRuns.map((r) => r.sessionsStarted))}, lost ${median(engineRuns.map((r) => r.sessionsLost))},` +
          ` updates lost ${median(engineRuns.map((r) => r.updatesLost))}, errors ${JSON.stringify(nonZero(engineRuns[engineRuns.length - 1].errorsByKind))}`,
        `  CPU µs/req statebench ${engineRuns.map((r) => cpuUsPerRequest(r).toFixed(1)).join(', ')}` +
          (w ? `; wrk ${wrkRuns.map((r) => cpuUsPerRequest(r).toFixed(1)).join(', ')}` : '') +
          `; load average (1 min) before each round ${loads.join(', ')}`,
      );
      if (w) {
        const per = engineRuns.map((r, i) => r.rps / wrkRuns[i].rps);
        details.push(`  statebench/wrk per round: ${per.map((v) => v.toFixed(2)).join(', ')} (median ${median(per).toFixed(2)})`);
      }
      if (w) goals.push(`${n} replica(s): statebench/wrk = ${(e.rps / w.rps).toFixed(2)} ${e.rps >= w.rps ? 'MET' : 'NOT MET'} (goal >= 1.00)`);
    } finally {
      await topology.stop();
    }
  }
  out.push(
    '',
    table(['replicas  tool', 'req/s', 'p50', 'p99', 'gen CPU', 'CPU µs/req', 'servers CPU', 'errors', 'vs wrk'], rows),
    '',
    ...details,
    ...little,
    'notes: gen CPU = generator process, % of one core; servers CPU = all replicas together (200% = both cores).',
    "       wrk's mean latency x throughput exceeds its 50 connections when its 50 threads share 2 cores (1.00 with one",
    '       thread in bench/generator): read wrk here for throughput, not latency.',
    ...goals,
  );
  return out.join('\n');
}

function nonZero(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).filter(([, v]) => v > 0));
}

/** Runs `fn`, returning with its figures the replicas' total CPU % from the window start mark to the end. */
async function withServerCpu<T>(topology: Topology, fn: (mark: () => void) => Promise<T>): Promise<[T, number]> {
  const total = (): number => {
    let ms = 0;
    for (const pid of topology.processes().values()) ms += processCpuMs(pid) ?? 0;
    return ms;
  };
  let cpu0 = total();
  let t0 = performance.now();
  const r = await fn(() => {
    cpu0 = total();
    t0 = performance.now();
  });
  return [r, (100 * (total() - cpu0)) / Math.max(1, performance.now() - t0)];
}
