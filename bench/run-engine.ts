import { ENGINE_NODE_FLAGS } from '../src/load/heap-sizing.js';
import type { LoadSpec, SessionMix } from '../src/scenario/types.js';
import { runChild, type ChildRunOptions } from './run-child.js';
import type { RunFigures } from './measure.js';

/** What the engine child runs. */
export interface EngineJob {
  /** `fixed`: every request to targets[0] (generator bench); `sticky`: statebench's router over targets. */
  router: 'fixed' | 'sticky';
  targets: { name: string; url: string }[];
  load: LoadSpec;
  mix: SessionMix;
  warmupMs: number;
  durationMs: number;
  /** Engines in worker threads (runLoad's `workers`); default 1, in the child's main thread. */
  workers?: number;
  /** The engine's HTTP client (default builtin); `undici` for comparison. */
  httpClient?: 'builtin' | 'undici';
  /** Send `{type:'memory'}` heap figures once a second (bench/memory). */
  reportMemory?: boolean;
}

export interface EngineResult extends RunFigures {
  errorsByKind: Record<string, number>;
  sessionsStarted: number;
  sessionsLost: number;
  updatesLost: number;
  sent: number;
  dropped: number;
  unfinished: number;
  targetRps?: number;
  achievedRps?: number;
  complete: boolean;
  error?: string;
  /** Open model: p50 of latency from the actual send, µs (the corrected p50 is `p50Us`). */
  uncorrectedP50Us?: number;
  /** Open model: how late sends left against their intended time, µs (the generator's own lag). */
  latenessUs?: { p50: number; p99: number; max: number; count: number };
  /** Closed model: event-loop delay over the window, µs. */
  loopDelayUs?: { p50: number; p99: number; max: number; count: number };
  /** Open model: wake-ups of the pacing timer and time spent spinning after early ones (whole run). */
  wakeUps?: number;
  /** CPU of the generator's main thread alone over the window, ms (the rest of `cpuMs` is other threads). */
  mainThreadCpuMs?: number;
  spinMs?: number;
}

export interface EngineRunOptions extends Omit<ChildRunOptions, 'execArgv'> {
  /**
   * Directory for a V8 CPU profile of the child (`--cpu-prof`); set BENCH_CPU_PROF=<dir> to get
   * one per engine run, then `node dist/bench/profile-top.js <file>.cpuprofile`.
   */
  cpuProfDir?: string;
}

/** Closed model: `users` connections, each sending its next request as soon as the last completed. */
export function closedLoad(users: number): LoadSpec {
  return { model: 'closed', users, rampUpMs: 0, timeoutMs: 2000, graceMs: 1000, parallelPerSession: 1 };
}

/** Runs one engine job in a child process and returns its figures. */
export function runEngine(job: EngineJob, opts: EngineRunOptions = {}): Promise<EngineResult> {
  const profDir = opts.cpuProfDir ?? process.env.BENCH_CPU_PROF;
  const execArgv = profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [];
  // The heap flags statebench's engine should run with (src/load/heap-sizing.ts), unless the
  // experiment says otherwise: BENCH_ENGINE_NODE_FLAGS replaces them (empty: none).
  const flags = process.env.BENCH_ENGINE_NODE_FLAGS ?? ENGINE_NODE_FLAGS.join(' ');
  if (flags.trim()) execArgv.push(...flags.trim().split(/\s+/));
  return runChild<EngineJob, EngineResult>('engine-child', job, { ...opts, execArgv });
}
