import type { FaultEvent, RunResult, ArchitectureResult, TimelineSecond } from '../result/types.js';
import { SCHEMA_VERSION } from '../result/types.js';
import type { Scenario } from '../scenario/types.js';
import { REDIS_ARCHITECTURES, type ArchitectureName, type Topology, type TopologyOptions } from '../topology/types.js';
import { startTopology } from '../topology/topology.js';
import { createRouter } from '../topology/router.js';
import { redisAvailable } from '../stores/redis-server.js';
import { Recorder } from '../metrics/recorder.js';
import { summarize } from '../metrics/summarize.js';
import { CpuSampler } from '../metrics/cpu-sampler.js';
import { metricValue } from '../metrics/metric-names.js';
import { evaluateThresholds } from '../scenario/thresholds.js';
import { runLoad } from '../load/run-load.js';
import { checkFaults } from '../faults/check-faults.js';
import { storeKindOf } from '../faults/store-kind.js';
import { InvalidInputError } from '../errors.js';
import { formatPath } from '../scenario/zod-problems.js';
import { startFaultTimeline, type FaultTimeline } from '../faults/timeline.js';
import { describeEnvironment, statebenchVersion } from './environment.js';

/** What a run tells its listener as it goes; the CLI turns these into progress lines. */
export interface RunListener {
  notice?(message: string): void;
  /** An architecture's topology is starting (phase `starting`) or its load has begun (`running`). */
  architecture?(architecture: string, repetition: number, phase: 'starting' | 'running', scenario: Scenario): void;
  second?(architecture: string, second: TimelineSecond): void;
  fault?(architecture: string, label: string): void;
  architectureDone?(result: ArchitectureResult): void;
}

export interface RunOptions {
  scenarioFile?: string;
  /** Overrides `store.redisUrl`. */
  redisUrl?: string;
  /** Runs each architecture this many times (the spread feeds `compare`'s noise rule). */
  repeat?: number;
  /** Aborting ends the current window early and skips the rest; the result is marked incomplete. */
  signal?: AbortSignal;
  listener?: RunListener;
  /** Receives the result object as soon as it exists and as it fills, so a crash handler can save it. */
  onResult?: (partial: RunResult) => void;
}

/**
 * Runs every architecture of a scenario in turn, each on a fresh topology, and returns the
 * result. Never throws for what happens during the run: a topology that cannot start, or an
 * interruption, yields an incomplete result holding what was measured.
 */
export async function runScenario(scenario: Scenario, opts: RunOptions = {}): Promise<RunResult> {
  const startedAt = new Date().toISOString();
  const redisUrl = opts.redisUrl ?? scenario.store.redisUrl;
  checkBeforeStart(redisUrl ? { ...scenario, store: { ...scenario.store, redisUrl } } : scenario, opts.scenarioFile);
  const result: RunResult = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'statebench', version: statebenchVersion() },
    complete: true,
    startedAt,
    finishedAt: startedAt,
    scenarioFile: opts.scenarioFile,
    scenario: redisUrl ? { ...scenario, store: { ...scenario.store, redisUrl } } : scenario,
    environment: describeEnvironment(),
    architectures: [],
    thresholds: [],
    skipped: [],
  };
  const repeat = Math.max(1, opts.repeat ?? 1);
  opts.onResult?.(result);

  for (const architecture of scenario.architectures) {
    if (REDIS_ARCHITECTURES.includes(architecture) && !redisUrl && !redisAvailable()) {
      const reason = 'redis-server is not on the PATH (install it, or pass --redis-url)';
      result.skipped.push({ architecture, reason });
      opts.listener?.notice?.(`skipping ${architecture}: ${reason}`);
      continue;
    }
    for (let repetition = 1; repetition <= repeat; repetition++) {
      if (opts.signal?.aborted) break;
      const arch = await runArchitecture(scenario, architecture, repetition, redisUrl, opts);
      result.architectures.push(arch);
      opts.listener?.architectureDone?.(arch);
      if (!arch.complete) {
        result.complete = false;
        result.incompleteReason ??= arch.error ?? 'interrupted';
      }
    }
    if (opts.signal?.aborted) break;
  }
  if (opts.signal?.aborted) {
    result.complete = false;
    result.incompleteReason = 'interrupted';
  }
  result.thresholds = evaluateThresholds(scenario.thresholds, result.architectures, metricValue);
  result.finishedAt = new Date().toISOString();
  return result;
}

async function runArchitecture(
  scenario: Scenario,
  architecture: ArchitectureName,
  repetition: number,
  redisUrl: string | undefined,
  opts: RunOptions,
): Promise<ArchitectureResult> {
  const listener = opts.listener;
  const recorder = new Recorder({ onSecond: (s) => listener?.second?.(architecture, s) });
  let topology: Topology | undefined;
  let faults: FaultTimeline | undefined;
  let faultEvents: FaultEvent[] = [];
  let cpu: CpuSampler | undefined;
  let error: string | undefined;
  let measuredMs = 0;
  let aborted = false;
  let targetRps: number | undefined;
  let unfinished: number | undefined;
  try {
    listener?.architecture?.(architecture, repetition, 'starting', scenario);
    topology = await startTopology({
      architecture,
      replicas: scenario.replicas,
      // Only Redis architectures take one: the topology refuses a Redis URL it would not use.
      redisUrl: REDIS_ARCHITECTURES.includes(architecture) ? redisUrl : undefined,
      redisPersistence: scenario.store.persistence,
      sessionTtlS: scenario.store.sessionTtlS,
      ...storeTopology(scenario, architecture),
    });
    const started = topology;
    const router = createRouter(started, { sticky: architecture === 'sticky' });
    cpu = new CpuSampler(() => started.processes());
    listener?.architecture?.(architecture, repetition, 'running', scenario);
    try {
      const stats = await runLoad({
        router,
        recorder,
        load: scenario.load,
        mix: scenario.session,
        warmupMs: scenario.warmupMs,
        durationMs: scenario.durationMs,
        signal: opts.signal,
        onWindowPlanned: (startMs) => recorder.beginMeasuring(startMs),
        onWindowStart: (startMs) => {
          cpu!.start();
          faults = startFaultTimeline(started, scenario.faults, startMs, (_event, label) => {
            recorder.fault(performance.now(), label);
            listener?.fault?.(architecture, label);
          });
        },
        onWindowEnd: (endMs) => {
          cpu?.end();
          recorder.endMeasuring(endMs);
        },
      });
      measuredMs = stats.measuredMs;
      aborted = stats.aborted;
      targetRps = stats.open?.targetRps;
      unfinished = stats.unfinished;
    } finally {
      router.close();
      await faults?.stop();
      faultEvents = faults?.events ?? [];
    }
  } catch (err) {
    error = (err as Error).message;
  } finally {
    recorder.finish(performance.now());
    await topology?.stop();
  }
  const result = summarize(recorder, {
    architecture,
    repetition,
    replicas: scenario.replicas,
    measuredMs,
    targetRps,
    unfinished,
    faults: faultEvents,
    complete: error === undefined && !aborted,
    error,
  });
  result.cpu = cpu?.stop(result.requests.ok + result.requests.failed) ?? [];
  return result;
}

/**
 * Faults checked against the scenario as it will run (with `--redis-url` and `--arch` applied),
 * before any process starts: a fault that cannot apply is a setup error, not a failed event
 * found halfway through a long run. Throws InvalidInputError naming the file and the fault.
 */
function checkBeforeStart(scenario: Scenario, scenarioFile: string | undefined): void {
  const problems = checkFaults(scenario.faults, scenario);
  if (problems.length === 0) return;
  const file = scenarioFile ?? scenario.name;
  throw new InvalidInputError(problems.map((p) => ({ file, path: formatPath(p.path), message: p.message })));
}

/**
 * The store options of the topology for one architecture: the latency proxy when the scenario
 * adds store latency at any point (in the path from the start, so a later `store-latency` only
 * changes its delay), and the replicated Redis. Only Redis has a network hop or replicas.
 */
function storeTopology(scenario: Scenario, architecture: ArchitectureName): Pick<TopologyOptions, 'storeLatency' | 'redisReplication'> {
  if (storeKindOf(architecture) !== 'redis') return {};
  const { latencyMs, jitterMs, replicas, sentinels } = scenario.store;
  const wantsProxy = latencyMs > 0 || jitterMs > 0 || scenario.faults.some((f) => f.kind === 'store-latency');
  return {
    ...(wantsProxy ? { storeLatency: { latencyMs, jitterMs } } : {}),
    ...(replicas !== undefined && sentinels !== undefined ? { redisReplication: { replicas, sentinels } } : {}),
  };
}
