import { createRequire } from 'node:module';
import type { RunFigures } from './measure.js';
import { answerOneJob } from './answer-one-job.js';

/**
 * Runs autocannon (its API, one process, no workers) against a URL: a warm-up run, then the
 * measured run, with this process's CPU time taken around the measured run only. Receives one
 * {@link AutocannonJob} over IPC, answers with {@link RunFigures}, exits.
 */
export interface AutocannonJob {
  url: string;
  method: 'GET' | 'POST';
  connections: number;
  warmupMs: number;
  durationMs: number;
  /** Paced at this many requests per second over all connections (autocannon's `overallRate`); absent: as fast as it can. */
  overallRate?: number;
}

interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  requests: { total: number };
  /** Milliseconds, recorded as integers by autocannon's histogram settings. */
  latency: { p50: number; p99: number; mean: number };
}

type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

async function run(job: AutocannonJob): Promise<RunFigures> {
  const base = {
    url: job.url,
    method: job.method,
    connections: job.connections,
    pipelining: 1,
    timeout: 2,
    ...(job.overallRate === undefined ? {} : { overallRate: job.overallRate }),
  };
  if (job.warmupMs > 0) await autocannon({ ...base, duration: job.warmupMs / 1000 });
  process.send?.({ type: 'window-start' });
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  const r = await autocannon({ ...base, duration: job.durationMs / 1000 });
  const cpu = process.cpuUsage(cpuStart);
  const wallMs = performance.now() - wallStart;
  return {
    tool: 'autocannon',
    rps: r.requests.total / r.duration,
    p50Us: r.latency.p50 * 1000,
    p99Us: r.latency.p99 * 1000,
    meanUs: r.latency.mean * 1000,
    errors: r.errors + r.timeouts + r.non2xx,
    cpuMs: (cpu.user + cpu.system) / 1000,
    wallMs,
    users: job.connections,
  };
}

answerOneJob(run);
