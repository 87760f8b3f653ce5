import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
import { runLoad } from '../src/load/run-load.js';
import { percentilesOf } from '../src/hdr/histogram.js';
import { Recorder } from '../src/metrics/recorder.js';
import { summarize } from '../src/metrics/summarize.js';
import { createRouter } from '../src/topology/router.js';
import type { Replica, Router, Topology } from '../src/topology/types.js';
import type { EngineJob, EngineResult } from './run-engine.js';
import { answerOneJob } from './answer-one-job.js';

/**
 * Runs statebench's load engine in a process of its own, so its CPU and memory are measured
 * apart from the bench and the servers. Receives one {@link EngineJob} over IPC, answers with
 * one {@link EngineResult}, and exits.
 */

// Experiments: V8 flags set at run time (some, such as growth factors, are read on every GC).
if (process.env.BENCH_ENGINE_V8_FLAGS) v8.setFlagsFromString(process.env.BENCH_ENGINE_V8_FLAGS);

/** CPU time of this process's main thread, ms (utime + stime in 10 ms ticks); 0 off Linux. */
function mainThreadMs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** A router that always picks the one fixed target (bench/generator). Allocates nothing. */
function fixedRouter(replica: Replica): Router {
  return {
    sticky: false,
    pick: () => replica,
    reportFailure: () => {},
    isUp: () => true,
    close: () => {},
  };
}

/** Only what createRouter (and runLoad's workers) read from a topology: the replica list and its events. */
function staticTopology(replicas: Replica[]): Topology {
  return Object.assign(new EventEmitter(), { replicas }) as unknown as Topology;
}

async function run(job: EngineJob): Promise<EngineResult> {
  // Heap figures once a second for bench/memory, to tell V8 heap growth from other RSS growth.
  const memoryTimer = job.reportMemory
    ? setInterval(() => {
        const m = process.memoryUsage();
        process.send?.({ type: 'memory', memory: { heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers } });
      }, 1000)
    : undefined;
  const replicas: Replica[] = job.targets.map((t) => ({ name: t.name, url: t.url, pid: undefined, state: 'up' }));
  const router = job.router === 'fixed' ? fixedRouter(replicas[0]) : createRouter(staticTopology(replicas), { sticky: true });
  const recorder = new Recorder({ replicaNames: replicas.map((r) => r.name) });
  let cpuStart = process.cpuUsage();
  let wallStartMs = 0;
  let cpuMs = 0;
  let wallMs = 0;
  // The main thread alone (/proc/self/task/<pid>/stat, 10 ms ticks): the rest is the timer's
  // worker, V8's and libuv's threads.
  let mainStartMs = 0;
  let mainCpuMs = 0;
  const stats = await runLoad({
    router,
    recorder,
    load: job.load,
    mix: job.mix,
    httpClient: job.httpClient,
    workers: job.workers,
    topology: staticTopology(replicas),
    warmupMs: job.warmupMs,
    durationMs: job.durationMs,
    onWindowPlanned: (startMs) => recorder.beginMeasuring(startMs),
    onWindowStart: () => {
      cpuStart = process.cpuUsage();
      mainStartMs = mainThreadMs();
      wallStartMs = performance.now();
      process.send?.({ type: 'window-start' });
    },
    onWindowEnd: (endMs) => {
      const cpu = process.cpuUsage(cpuStart);
      cpuMs = (cpu.user + cpu.system) / 1000;
      mainCpuMs = mainThreadMs() - mainStartMs;
      wallMs = performance.now() - wallStartMs;
      recorder.endMeasuring(endMs);
    },
  });
  clearInterval(memoryTimer);
  router.close();
  recorder.finish(performance.now());
  const s = summarize(recorder, {
    architecture: job.router,
    repetition: 1,
    replicas: replicas.length,
    faults: [],
    measuredMs: stats.measuredMs,
    targetRps: stats.open?.targetRps,
    unfinished: stats.unfinished,
  });
  const users = job.load.model === 'closed' ? job.load.users : 0;
  return {
    tool: 'statebench',
    rps: s.throughputRps,
    p50Us: s.latencyUs.p50,
    p99Us: s.latencyUs.p99,
    meanUs: s.latencyUs.mean,
    errors: s.requests.failed,
    cpuMs,
    wallMs,
    users,
    errorsByKind: s.requests.errors as Record<string, number>,
    sessionsStarted: s.sessions.started,
    sessionsLost: s.sessions.lost,
    updatesLost: s.updatesLost,
    sent: s.requests.sent,
    dropped: s.requests.dropped,
    unfinished: s.requests.unfinished,
    targetRps: s.targetRps,
    achievedRps: s.achievedRps,
    complete: s.complete,
    error: s.error,
    uncorrectedP50Us: job.load.model === 'open' ? percentilesOf(recorder.uncorrected).p50 : undefined,
    latenessUs: figures(stats.open?.latenessUs),
    loopDelayUs: figures(stats.closed?.loopDelayUs),
    mainThreadCpuMs: mainCpuMs,
    wakeUps: stats.open?.wakeUps,
    spinMs: stats.open?.spinMs,
  };
}

/** Percentiles without the encoded histogram (the bench prints figures only). */
function figures(d: { p50: number; p99: number; max: number; count: number } | undefined): EngineResult['latenessUs'] {
  return d === undefined ? undefined : { p50: d.p50, p99: d.p99, max: d.max, count: d.count };
}

answerOneJob(run);
