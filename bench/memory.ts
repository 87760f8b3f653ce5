import { cpus } from 'node:os';
import { SCENARIO_DEFAULTS, defaultSessions } from '../src/scenario/defaults.js';
import { startTopology } from '../src/topology/topology.js';
import { ENGINE_NODE_FLAGS } from '../src/load/heap-sizing.js';
import type { OpenLoad } from '../src/scenario/types.js';
import { cpuPercent, envInt, fmtRps, fmtUs, littleLine, loadLine, rssKb } from './measure.js';
import { runEngine } from './run-engine.js';

/**
 * Does the engine's memory stay flat on a long run? An open-model run at a rate the machine
 * sustains against 2 sticky replicas; the engine child's RSS (/proc/<pid>/status) is sampled
 * every second of the measured window. Goal: growth from 10 s to the end under 10%.
 * BENCH_MEMORY_SECONDS shortens the run, BENCH_MEMORY_RATE changes the rate.
 */
export async function memoryBench(log: (line: string) => void): Promise<string> {
  const seconds = envInt('BENCH_MEMORY_SECONDS', 60);
  const rateRps = envInt('BENCH_MEMORY_RATE', 3000);
  const replicas = envInt('BENCH_MEMORY_REPLICAS', 2);
  const warmupMs = envInt('BENCH_WARMUP_SECONDS', 2) * 1000;
  const checkpointS = Math.min(10, Math.max(1, Math.floor(seconds / 2)));
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
    `== memory: open model ${fmtRps(rateRps)} req/s over ${load.sessions} sessions, sticky ${replicas} replicas,` +
      ` ${seconds} s after ${warmupMs / 1000} s warm-up; engine child RSS from /proc/<pid>/status ==`,
    `engine Node flags: ${process.env.BENCH_ENGINE_NODE_FLAGS ?? ENGINE_NODE_FLAGS.join(' ')} (src/load/heap-sizing.ts)`,
    `machine: ${cpus().length} CPUs, ${loadLine()} at start`,
  ];
  log(`memory: starting sticky topology with ${replicas} replicas, ${seconds} s run`);
  const topology = await startTopology({ architecture: 'sticky', replicas });
  let timer: NodeJS.Timeout | undefined;
  try {
    let pid = 0;
    const samples: { s: number; kb: number }[] = [];
    /** Latest heap figures from the child (bytes), and the ones current at each RSS sample. */
    let heap = { heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 };
    const heapAt = new Map<number, typeof heap>();
    let startKb = 0;
    const result = await runEngine(
      {
        router: 'sticky',
        targets: topology.replicas.map((r) => ({ name: r.name, url: r.url })),
        load,
        mix: { ...SCENARIO_DEFAULTS.session },
        warmupMs,
        durationMs: seconds * 1000,
        reportMemory: true,
      },
      {
        onStart: (p) => (pid = p),
        onMessage: (m) => {
          if (m.type === 'memory') heap = m.memory as typeof heap;
        },
        onWindowStart: () => {
          startKb = rssKb(pid) ?? 0;
          const t0 = performance.now();
          // Sampled a little inside each second so the last sample falls before the window closes.
          let next = 1;
          const tick = (): void => {
            const kb = rssKb(pid);
            if (kb !== undefined) samples.push({ s: next, kb });
            heapAt.set(next, heap);
            if (next % 10 === 0) log(`  ${next} s: RSS ${(kb ?? 0) / 1024 | 0} MiB`);
            next++;
            if (next <= seconds) timer = setTimeout(tick, t0 + next * 1000 - 100 - performance.now());
          };
          timer = setTimeout(tick, 900);
        },
      },
    );
    clearTimeout(timer);
    const at = (s: number): number | undefined => samples.find((x) => x.s === s)?.kb;
    const atCheckpoint = at(checkpointS);
    const last = samples[samples.length - 1];
    const mib = (kb: number | undefined): string => (kb === undefined ? '-' : `${(kb / 1024).toFixed(1)} MiB`);
    // About a dozen figures whatever the length: every 10 s for a minute, every 60 s for 10 minutes.
    const step = Math.max(10, Math.round(seconds / 120) * 10);
    const every10 = samples.filter((x) => x.s % step === 0 || x.s === checkpointS || x === last).map((x) => `${x.s}s ${mib(x.kb)}`);
    out.push(
      '',
      `achieved ${fmtRps(result.achievedRps ?? 0)} of ${fmtRps(result.targetRps ?? rateRps)} req/s target; completed ${fmtRps(result.rps)} req/s;` +
        ` p50 ${fmtUs(result.p50Us)}, p99 ${fmtUs(result.p99Us)} (from intended send times); errors ${result.errors}, dropped ${result.dropped};` +
        ` engine CPU ${cpuPercent(result).toFixed(0)}%`,
      `RSS at window start ${mib(startKb)}; ${every10.join(', ')}`,
      `RSS at ${checkpointS} s: ${mib(atCheckpoint)}, at ${last?.s ?? '-'} s: ${mib(last?.kb)}`,
    );
    const heapLine = (s: number): string => {
      const h = heapAt.get(s);
      return h ? `${s} s heap used ${mib(h.heapUsed / 1024)} of ${mib(h.heapTotal / 1024)}, external ${mib(h.external / 1024)}` : `${s} s -`;
    };
    if (last !== undefined) out.push(`V8 (process.memoryUsage over IPC): ${heapLine(checkpointS)}; ${heapLine(last.s)}`);
    const h0 = heapAt.get(checkpointS);
    const h1 = last === undefined ? undefined : heapAt.get(last.s);
    if (atCheckpoint !== undefined && last !== undefined && h0 && h1 && h0.heapTotal > 0) {
      // V8 grows its young generation (semi-spaces) after start-up: heap *reservation*, not data.
      const outside0 = atCheckpoint - h0.heapTotal / 1024;
      const outside1 = last.kb - h1.heapTotal / 1024;
      out.push(
        `heap reserved grew ${mib((h1.heapTotal - h0.heapTotal) / 1024)}; RSS outside the V8 heap reservation` +
          ` ${mib(outside0)} -> ${mib(outside1)} (${(100 * (outside1 - outside0) / outside0).toFixed(1)}%)`,
      );
    }
    if (atCheckpoint !== undefined && last !== undefined) {
      const growth = (100 * (last.kb - atCheckpoint)) / atCheckpoint;
      out.push(`growth ${checkpointS} s -> ${last.s} s: ${growth >= 0 ? '+' : ''}${growth.toFixed(1)}% (goal < 10%) ${growth < 10 ? 'MET' : 'NOT MET'}`);
    }
    const inFlight = (result.meanUs / 1e6) * result.rps;
    out.push(
      littleLine(result),
      `Little's law, open form: ${fmtRps(result.rps)} req/s x mean ${fmtUs(result.meanUs)} = ${inFlight.toFixed(1)} requests in flight on average (pool of ${load.sessions} sessions)`,
    );
  } finally {
    clearTimeout(timer);
    await topology.stop();
  }
  return out.join('\n');
}
