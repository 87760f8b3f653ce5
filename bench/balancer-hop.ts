import { cpus } from 'node:os';
import { HaproxyProcess } from '../src/balancer/haproxy-process.js';
import { processCpuMs } from '../src/metrics/cpu-sampler.js';
import { SCENARIO_DEFAULTS } from '../src/scenario/defaults.js';
import { startTopology } from '../src/topology/topology.js';
import type { Topology } from '../src/topology/types.js';
import { installSignalCleanup, isStopping, stopEverything } from './children.js';
import { cpuUsPerRequest, envInt, fmtRps, fmtUs, loadLine, median, table } from './measure.js';
import { closedLoad, runEngine, type EngineResult } from './run-engine.js';

/**
 * What the HAProxy hop costs: the same closed load (the engine's session mix, sticky replicas)
 * sent straight to the replicas by the engine's own router, and through statebench's HAProxy
 * (sticky, stick table on `sid`, one thread) to the same replicas. Rounds interleave the two
 * paths; figures are medians. HAProxy's CPU per request is its utime + stime (/proc/<pid>/stat)
 * over the frontend's request count (`req_tot`), both taken from the window start to the end.
 *
 * `node dist/bench/balancer-hop.js` (after `npm run build`); BENCH_SECONDS, BENCH_WARMUP_SECONDS,
 * BENCH_RUNS, BENCH_CONNECTIONS and BENCH_REPLICAS (default `1,2`) as for the other benches.
 */

interface HopRun {
  engine: EngineResult;
  /** All replicas together, % of one core over the window. */
  replicasCpuPct: number;
  /** HAProxy CPU per request through it, µs; undefined for the direct path. */
  haproxyUsPerRequest?: number;
  haproxyCpuPct?: number;
  /** 1-minute load average when the run started. */
  load1: number;
}

export async function balancerHopBench(log: (line: string) => void): Promise<string> {
  const users = envInt('BENCH_CONNECTIONS', 50);
  const durationMs = envInt('BENCH_SECONDS', 10) * 1000;
  const warmupMs = envInt('BENCH_WARMUP_SECONDS', 2) * 1000;
  const runs = envInt('BENCH_RUNS', 3);
  const replicaCounts = (process.env.BENCH_REPLICAS ?? '1,2').split(',').map(Number).filter((n) => n >= 1);
  const mix = { ...SCENARIO_DEFAULTS.session };
  const version = HaproxyProcess.available();
  if (version === undefined) return '== balancer-hop: haproxy is not installed (apt-get install haproxy): nothing measured ==';
  const out: string[] = [
    `== balancer-hop: session mix against sticky (memory) replicas, ${users} users (closed loop), ${durationMs / 1000} s after` +
      ` ${warmupMs / 1000} s warm-up, median of ${runs} interleaved runs ==`,
    `haproxy ${version.text}, 1 thread, sticky (stick table on sid), keep-alive both sides (http-reuse safe)`,
    `machine: ${cpus().length} CPUs, ${loadLine()} at start`,
  ];
  const rows: string[][] = [];
  const details: string[] = [];
  for (const n of replicaCounts) {
    log(`balancer-hop: starting sticky topology with ${n} replica(s)`);
    const topology = await startTopology({ architecture: 'sticky', replicas: n });
    const balancer = new HaproxyProcess({
      servers: topology.replicas.map((r) => ({ name: r.name, host: '127.0.0.1', port: Number(new URL(r.url).port) })),
      mode: 'sticky',
    });
    try {
      await balancer.start();
      const direct: HopRun[] = [];
      const through: HopRun[] = [];
      for (let round = 1; round <= runs; round++) {
        log(`balancer-hop ${n} replica(s), round ${round}/${runs}`);
        // Alternate which path goes first, so a drift in the machine's load is shared.
        const order = round % 2 === 1 ? ['direct', 'haproxy'] : ['haproxy', 'direct'];
        for (const path of order) {
          const r = path === 'direct' ? await directRun(topology, users, mix, warmupMs, durationMs) : await haproxyRun(topology, balancer, users, mix, warmupMs, durationMs);
          (path === 'direct' ? direct : through).push(r);
          log(
            `  ${path}: ${fmtRps(r.engine.rps)} req/s, p50 ${fmtUs(r.engine.p50Us)}, p99 ${fmtUs(r.engine.p99Us)}, errors ${r.engine.errors},` +
              ` replicas ${r.replicasCpuPct.toFixed(0)}%` +
              (r.haproxyUsPerRequest === undefined ? '' : `, haproxy ${r.haproxyCpuPct!.toFixed(0)}% = ${r.haproxyUsPerRequest.toFixed(1)} µs/req`) +
              `, load ${r.load1.toFixed(2)}`,
          );
        }
      }
      const m = (list: HopRun[], f: (r: HopRun) => number): number => median(list.map(f));
      for (const [label, list] of [['direct (router)', direct], ['haproxy', through]] as const) {
        rows.push([
          `${n} replica${n > 1 ? 's' : ''}  ${label}`,
          fmtRps(m(list, (r) => r.engine.rps)),
          fmtUs(m(list, (r) => r.engine.p50Us)),
          fmtUs(m(list, (r) => r.engine.p99Us)),
          m(list, (r) => cpuUsPerRequest(r.engine)).toFixed(1),
          `${m(list, (r) => r.replicasCpuPct).toFixed(0)}%`,
          list === through ? `${m(list, (r) => r.haproxyCpuPct!).toFixed(0)}%` : '',
          list === through ? m(list, (r) => r.haproxyUsPerRequest!).toFixed(1) : '',
          String(m(list, (r) => r.engine.errors)),
          m(list, (r) => r.load1).toFixed(2),
        ]);
      }
      const p50Added = m(through, (r) => r.engine.p50Us) - m(direct, (r) => r.engine.p50Us);
      const p99Added = m(through, (r) => r.engine.p99Us) - m(direct, (r) => r.engine.p99Us);
      const rpsRatio = m(through, (r) => r.engine.rps) / m(direct, (r) => r.engine.rps);
      details.push(
        `${n} replica(s): the hop adds p50 ${fmtUs(p50Added)}, p99 ${fmtUs(p99Added)} (medians); throughput through haproxy ${(100 * rpsRatio).toFixed(0)}% of direct;` +
          ` per-run req/s direct ${direct.map((r) => fmtRps(r.engine.rps)).join(', ')}, haproxy ${through.map((r) => fmtRps(r.engine.rps)).join(', ')};` +
          ` haproxy µs/req ${through.map((r) => r.haproxyUsPerRequest!.toFixed(1)).join(', ')}`,
      );
    } finally {
      await balancer.stop();
      await topology.stop();
    }
  }
  out.push(
    '',
    table(['replicas  path', 'req/s', 'p50', 'p99', 'gen µs/req', 'replicas CPU', 'haproxy CPU', 'haproxy µs/req', 'errors', 'load 1m'], rows),
    '',
    ...details,
    'notes: closed loop, so on 2 shared cores the hop also takes CPU from the replicas: req/s falls by more than the hop\'s own latency.',
    '       CPU % is of one core; haproxy µs/req = its utime+stime over the frontend\'s req_tot in the same interval.',
    `       ${loadLine()} at the end. Indicative only on a shared machine.`,
  );
  return out.join('\n');
}

function replicasCpuMs(topology: Topology): number {
  let ms = 0;
  for (const [name, pid] of topology.processes()) if (name !== 'store') ms += processCpuMs(pid) ?? 0;
  return ms;
}

function load1(): number {
  return Number(loadLine().match(/average ([\d.]+)/)?.[1] ?? Number.NaN);
}

async function directRun(topology: Topology, users: number, mix: typeof SCENARIO_DEFAULTS.session, warmupMs: number, durationMs: number): Promise<HopRun> {
  const load = load1();
  let cpu0 = replicasCpuMs(topology);
  let t0 = performance.now();
  const targets = topology.replicas.map((r) => ({ name: r.name, url: r.url }));
  // The engine's own router (sticky affinity): what statebench does without a balancer.
  const engine = await runEngine(
    { router: 'sticky', targets, load: closedLoad(users), mix, warmupMs, durationMs },
    {
      onWindowStart: () => {
        cpu0 = replicasCpuMs(topology);
        t0 = performance.now();
      },
    },
  );
  return { engine, replicasCpuPct: (100 * (replicasCpuMs(topology) - cpu0)) / (performance.now() - t0), load1: load };
}

async function haproxyRun(
  topology: Topology,
  balancer: HaproxyProcess,
  users: number,
  mix: typeof SCENARIO_DEFAULTS.session,
  warmupMs: number,
  durationMs: number,
): Promise<HopRun> {
  const load = load1();
  let cpu0 = replicasCpuMs(topology);
  let hCpu0 = balancer.cpuMs() ?? 0;
  let req0: Promise<number> = balancer.requestsTotal();
  let t0 = performance.now();
  // One target, the balancer's URL: every request goes through it, HAProxy does the pinning.
  const engine = await runEngine(
    { router: 'fixed', targets: [{ name: 'haproxy', url: balancer.url }], load: closedLoad(users), mix, warmupMs, durationMs },
    {
      onWindowStart: () => {
        cpu0 = replicasCpuMs(topology);
        hCpu0 = balancer.cpuMs() ?? 0;
        req0 = balancer.requestsTotal();
        t0 = performance.now();
      },
    },
  );
  const elapsedMs = performance.now() - t0;
  const hCpuMs = (balancer.cpuMs() ?? 0) - hCpu0;
  const requests = (await balancer.requestsTotal()) - (await req0);
  return {
    engine,
    replicasCpuPct: (100 * (replicasCpuMs(topology) - cpu0)) / elapsedMs,
    haproxyCpuPct: (100 * hCpuMs) / elapsedMs,
    haproxyUsPerRequest: requests > 0 ? (hCpuMs * 1000) / requests : Number.NaN,
    load1: load,
  };
}

async function main(): Promise<number> {
  installSignalCleanup();
  const report = await balancerHopBench((line) => void process.stderr.write(`${line}\n`));
  process.stdout.write(`${report}\n`);
  return 0;
}

// Run directly (`node dist/bench/balancer-hop.js`), or imported by a bench runner.
if (process.argv[1]?.endsWith('balancer-hop.js')) {
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
}
