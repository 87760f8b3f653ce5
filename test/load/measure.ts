import { CpuSampler } from '../../src/metrics/cpu-sampler.js';
import { Recorder } from '../../src/metrics/recorder.js';
import { summarize } from '../../src/metrics/summarize.js';
import { runLoad, type LoadStats, type RunLoadOptions } from '../../src/load/run-load.js';
import type { ClosedLoad, OpenLoad, SessionMix } from '../../src/scenario/types.js';
import { createRouter } from '../../src/topology/router.js';
import type { Topology } from '../../src/topology/types.js';
import type { ArchitectureResult, TimelineSecond } from '../../src/result/types.js';

export const MIX: SessionMix = { adds: 8, readRatio: 0.5, payloadBytes: 64, thinkTimeMs: 0 };

export function closedLoad(over: Partial<ClosedLoad> = {}): ClosedLoad {
  return { model: 'closed', users: 10, rampUpMs: 0, timeoutMs: 2000, graceMs: 1000, parallelPerSession: 1, ...over };
}

export function openLoad(over: Partial<OpenLoad> = {}): OpenLoad {
  return {
    model: 'open',
    rateRps: 100,
    sessions: 20,
    maxBacklog: 10_000,
    timeoutMs: 2000,
    graceMs: 1000,
    parallelPerSession: 1,
    ...over,
  };
}

export interface Measured {
  stats: LoadStats;
  recorder: Recorder;
  summary: ArchitectureResult;
}

/**
 * One load run against `topology`, wired the way src/run/run-scenario.ts wires it (router,
 * recorder window, CPU sampler, summary with the engine's unfinished count and its
 * measurementQuality), minus faults.
 */
export async function measure(
  topology: Topology,
  opts: Omit<RunLoadOptions, 'router' | 'recorder' | 'mix' | 'onWindowPlanned' | 'onWindowEnd'> & {
    mix?: SessionMix;
    onSecond?: (second: TimelineSecond) => void;
  },
): Promise<Measured> {
  const router = createRouter(topology, { sticky: topology.architecture.routing === 'sticky' });
  const recorder = new Recorder({ onSecond: opts.onSecond });
  const cpu = new CpuSampler(() => topology.processes());
  try {
    const stats = await runLoad({
      ...opts,
      mix: opts.mix ?? MIX,
      router,
      recorder,
      onWindowPlanned: (startMs) => recorder.beginMeasuring(startMs),
      onWindowStart: (startMs) => {
        cpu.start(startMs);
        opts.onWindowStart?.(startMs);
      },
      onWindowEnd: (endMs) => {
        cpu.end();
        recorder.endMeasuring(endMs);
      },
    });
    recorder.finish(performance.now());
    const summary = summarize(recorder, {
      architecture: topology.architecture.name,
      repetition: 1,
      replicas: topology.replicas.length,
      faults: [],
      measuredMs: stats.measuredMs,
      targetRps: stats.open?.targetRps,
      unfinished: stats.unfinished,
      cpuIntervals: cpu.intervals(),
    });
    summary.cpu = cpu.stop(summary.requests.ok + summary.requests.failed);
    return { stats, recorder, summary };
  } finally {
    router.close();
  }
}

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The request-accounting identity every run must satisfy, from the summary and from the engine. */
export function accounting(m: Measured): { sent: number; ok: number; failed: number; unfinished: number; engineUnfinished: number } {
  const r = m.summary.requests;
  return { sent: r.sent, ok: r.ok, failed: r.failed, unfinished: r.unfinished, engineUnfinished: m.stats.unfinished };
}
