import { ARCHITECTURES, type Architecture } from '../architectures/index.js';
import { createBalancerRouter } from '../balancer/balancer-router.js';
import { startHaproxyFront } from '../balancer/haproxy-front.js';
import type { BalancerKind } from '../balancer/index.js';
import type { FaultSpecBase } from '../faults/fault.js';
import { FAULTS } from '../faults/index.js';
import { startFaultTimeline, type FaultTimeline } from '../faults/timeline.js';
import { runLoad } from '../load/run-load.js';
import { renewalOf } from '../load/load-spec.js';
import { CpuSampler } from '../metrics/cpu-sampler.js';
import { IoSampler } from '../metrics/io-sampler.js';
import { sessionHolder, sessionMemory, snapshotMemory, type MemorySnapshot } from '../metrics/session-memory.js';
import { Recorder, type WindowSoFar } from '../metrics/recorder.js';
import type { SessionLossContext } from '../metrics/loss-causes.js';
import { evictsSessions } from '../stores/store-options.js';
import { summarize } from '../metrics/summarize.js';
import type { ArchitectureResult, FaultEvent, StoreCounters, TimelineSecond } from '../result/types.js';
import type { StoreCounterReading } from '../stores/store-backend.js';
import type { Scenario } from '../scenario/types.js';
import { createRouter } from '../topology/router.js';
import { startTopology } from '../topology/topology.js';
import { startExternalTopology } from '../topology/external-topology.js';
import type { Topology, TopologyOptions } from '../topology/types.js';

/** What one architecture's run tells as it goes. Every call is at most a few per second. */
export interface ArchitectureRunListener {
  /** The topology is up (to watch its replicas change state), before any load. */
  topology?(topology: Topology): void;
  /** The measured window started, at `startMs` (performance.now() ms). */
  windowStart?(startMs: number): void;
  /** A second of the timeline closed; `soFar` is the measured window up to it. */
  second?(second: TimelineSecond, soFar: WindowSoFar): void;
  fault?(label: string): void;
}

/** Options of {@link ArchitectureRun}. */
export interface ArchitectureRunOptions {
  scenario: Scenario;
  architecture: string;
  /** 1-based (`run --repeat N`). */
  repetition?: number;
  listener?: ArchitectureRunListener;
  /**
   * The generator's CPU is shared with other runs (the demo runs architectures side by side):
   * only per-process CPU figures are then reported.
   */
  sharedGenerator?: boolean;
  /** Processes of the other runs sharing the machine now (the demo's other stages): part of the run, not foreign CPU. */
  neighbours?: () => Map<string, number>;
  /** What routes the requests: the in-process router (default) or a real HAProxy in front. */
  balancer?: BalancerKind;
  /** The result's `architecture` (`redis+haproxy` when a run compares balancers); default the architecture's name. */
  label?: string;
  /**
   * A running topology to measure instead of starting one (capacity probes share one per
   * replica count). The caller owns it: `finish()` leaves it running.
   */
  topology?: Topology;
  /** `--allow-exec`: an external topology may run the scenario's commands. */
  allowExec?: boolean;
  /**
   * This run generates one part of a larger load (`run --shard`): its first user's number and
   * the shift of its arrivals (see RunLoadOptions), and per-second histograms kept for `merge`.
   */
  part?: { firstUserId: number; phaseMs: number };
  /** Begin the load (warm-up first) at this wall-clock time, ms since the epoch (`--start-at`). */
  startAtMs?: number;
}

/**
 * One architecture, measured: its topology (from the descriptor and the scenario's store
 * settings: the latency proxy, replication), the load, faults fired on it, the recorder, CPU
 * samples, and the summary. `run` drives one after another ({@link runOne}); the demo drives
 * several at once and fires each act's faults on all of them. Never throws for what happens
 * during the run: a topology that cannot start or a failed load becomes the result's `error`.
 */
export class ArchitectureRun {
  readonly architecture: Architecture;
  topology: Topology | undefined;
  private readonly scenario: Scenario;
  private recorder: Recorder;
  /** Replicas the topology had when it started. */
  private foundReplicas: number | undefined;
  /** The measured window's start by the wall clock (ISO), once it began. */
  private windowStartedAt: string | undefined;
  private readonly timelines: { timeline: FaultTimeline; offsetMs: number }[] = [];
  private cpu: CpuSampler | undefined;
  private io: IoSampler | undefined;
  /** What the topology held before any load of this run, for memory per session. */
  private memoryBefore: MemorySnapshot | undefined;
  private sessionsHeld: number | undefined;
  private errorStatuses: Record<string, number> | undefined;
  private error: string | undefined;
  private windowStartMs = Number.NaN;
  private measuredMs = 0;
  private aborted = false;
  private unfinished: number | undefined;
  private targetRps: number | undefined;
  /** The store's own counters read at the window's start and end (Redis INFO), when it has them. */
  private countersAtStart: Promise<StoreCounterReading | undefined> | undefined;
  private countersAtEnd: Promise<StoreCounterReading | undefined> | undefined;

  constructor(private readonly opts: ArchitectureRunOptions) {
    this.scenario = opts.scenario;
    this.architecture = ARCHITECTURES.get(opts.architecture)!;
    this.recorder = this.newRecorder(Array.from({ length: this.scenario.replicas }, (_, i) => `replica-${i + 1}`));
  }

  private newRecorder(replicaNames: readonly string[]): Recorder {
    return new Recorder({ replicaNames, onSecond: (s, soFar) => this.opts.listener?.second?.(s, soFar), secondHistograms: this.opts.part !== undefined,
      sessionLoss: sessionLossContext(this.scenario, this.architecture),
    });
  }

  /** Starts the topology; false (and the error kept for the result) when it could not start. */
  async start(): Promise<boolean> {
    try {
      const external = this.scenario.topology?.external[this.architecture.name];
      this.topology =
        this.opts.topology ??
        (external !== undefined
          ? await startExternalTopology({ architecture: this.architecture, targets: external, allowExec: this.opts.allowExec === true })
          : await startTopology(topologyOptions(this.scenario, this.architecture)));
      // Replicas someone else runs have their own names (a pod's): counted under those from the start.
      if (external !== undefined) this.recorder = this.newRecorder(this.topology.replicas.map((r) => r.name));
      this.foundReplicas = this.topology.replicas.length;
      if (this.opts.balancer === 'haproxy' && this.topology.balancer === undefined) {
        this.topology.attachBalancer(await startHaproxyFront(this.topology, this.architecture, { sessionTtlS: this.scenario.store.sessionTtlS, ...(this.scenario.haproxy === undefined ? {} : { settings: this.scenario.haproxy }) }));
      }
      this.memoryBefore = await snapshotMemory(this.topology);
      this.opts.listener?.topology?.(this.topology);
      return true;
    } catch (err) {
      this.error = (err as Error).message;
      return false;
    }
  }

  /**
   * Runs warm-up and a measured window of `windowMs` (default: the scenario's duration), then
   * the grace period. `onWindowStart` is where faults are fired from: `run` fires the scenario's
   * timeline; the demo fires acts as its story reaches them.
   */
  async measure(opts: { signal?: AbortSignal; windowMs?: number; onWindowStart?: (startMs: number) => void } = {}): Promise<void> {
    const topology = this.topology;
    if (topology === undefined) return;
    // Behind a balancer every request goes to its one URL, and X-Replica says who served it.
    const router = topology.balancer !== undefined ? createBalancerRouter(topology.balancer.url) : createRouter(topology, { sticky: this.architecture.routing === 'sticky' });
    const cpu = new CpuSampler(() => topology.processes(), this.opts.neighbours);
    this.cpu = cpu;
    const io = new IoSampler(() => topology.processes());
    this.io = io;
    try {
      if (this.opts.startAtMs !== undefined) await sleepUntil(this.opts.startAtMs, opts.signal);
      const stats = await runLoad({
        router,
        recorder: this.recorder,
        load: this.scenario.load,
        // The client knows what renews its session (store.rolling), to tell one that expired.
        mix: { ...this.scenario.session, renewal: renewalOf(this.scenario.store.rolling) },
        warmupMs: this.scenario.warmupMs,
        durationMs: opts.windowMs ?? this.scenario.durationMs,
        signal: opts.signal,
        workers: this.scenario.load.workers,
        topology,
        ...(this.opts.part === undefined ? {} : { firstUserId: this.opts.part.firstUserId, phaseMs: this.opts.part.phaseMs }),
        onWindowPlanned: (startMs) => this.recorder.beginMeasuring(startMs),
        onWindowStart: (startMs) => {
          this.windowStartMs = startMs;
          this.windowStartedAt = new Date(Date.now() - (performance.now() - startMs)).toISOString();
          this.countersAtStart = readCounters(topology);
          cpu.start(startMs);
          io.windowStart();
          this.opts.listener?.windowStart?.(startMs);
          opts.onWindowStart?.(startMs);
        },
        onWindowEnd: (endMs) => {
          this.countersAtEnd = readCounters(topology);
          cpu.end();
          io.windowEnd();
          this.recorder.endMeasuring(endMs);
        },
      });
      this.measuredMs = stats.measuredMs;
      this.aborted = stats.aborted;
      this.unfinished = stats.unfinished;
      this.targetRps = stats.open?.targetRps;
      this.sessionsHeld = stats.sessionsHeld;
      this.errorStatuses = stats.errorStatuses;
    } catch (err) {
      this.error = (err as Error).message;
    } finally {
      router.close();
    }
  }

  /**
   * Fires `faults` with their `atMs` counted from now (performance.now() `nowMs`); their events
   * are placed on this run's measured window.
   */
  fire(faults: readonly FaultSpecBase[], nowMs = performance.now()): void {
    const topology = this.topology;
    if (topology === undefined) return;
    const timeline = startFaultTimeline(topology, faults, nowMs, (event, label) => {
      this.recorder.fault(performance.now(), label, event);
      this.opts.listener?.fault?.(label);
    });
    this.timelines.push({ timeline, offsetMs: nowMs - this.windowStartMs });
  }

  /**
   * Stops faults and the topology and summarizes what was measured. `interrupted`: whether the
   * run was cut short (Ctrl-C), which makes the result incomplete; by default, whether the load
   * was aborted. The demo says it itself: aborting is how a held story's window ends.
   */
  async finish(interrupted?: boolean): Promise<ArchitectureResult> {
    const faults: FaultEvent[] = [];
    for (const { timeline, offsetMs } of this.timelines) {
      await timeline.stop();
      for (const e of timeline.events) faults.push({ ...e, atMs: Math.round(e.atMs + (Number.isNaN(offsetMs) ? 0 : offsetMs)) });
    }
    faults.sort((a, b) => a.atMs - b.atMs);
    this.recorder.finish(performance.now());
    // Read before the stop: a stopped topology runs nothing.
    const budgets = this.topology?.cpuBudgets?.() ?? new Map<string, number>();
    const memoryAfter = this.topology !== undefined && this.memoryBefore !== undefined && this.sessionsHeld !== undefined ? await snapshotMemory(this.topology) : undefined;
    const storeCounters = counterDifference(await this.countersAtStart, await this.countersAtEnd);
    if (this.opts.topology === undefined) await this.topology?.stop();
    const result = summarize(this.recorder, {
      architecture: this.architecture.name,
      repetition: this.opts.repetition ?? 1,
      // Replicas someone else runs are as many as were found.
      replicas: this.scenario.topology?.external[this.architecture.name] !== undefined && this.foundReplicas !== undefined ? this.foundReplicas : this.scenario.replicas,
      measuredMs: this.measuredMs,
      targetRps: this.targetRps,
      unfinished: this.unfinished,
      faults,
      complete: this.error === undefined && !(interrupted ?? this.aborted),
      error: this.error,
      cpuIntervals: this.cpu?.intervals(),
    });
    if (storeCounters !== undefined) result.storeCounters = storeCounters;
    if (this.opts.label !== undefined) result.architecture = this.opts.label;
    if (this.windowStartedAt !== undefined) result.windowStartedAt = this.windowStartedAt;
    if (this.opts.balancer !== undefined && this.opts.balancer !== 'router') result.balancer = this.opts.balancer;
    const cpu = (this.cpu?.stop(result.requests.ok + result.requests.failed) ?? []).map((c) => {
      const budgetCores = budgets.get(c.component);
      return budgetCores === undefined ? c : { ...c, budgetCores };
    });
    result.cpu = this.opts.sharedGenerator ? cpu.filter((c) => c.component !== 'generator') : cpu;
    if (this.errorStatuses !== undefined) result.requests.errorStatuses = this.errorStatuses;
    if (memoryAfter !== undefined) result.memory = sessionMemory(sessionHolder(this.architecture), this.memoryBefore!, memoryAfter, this.sessionsHeld!);
    const io = this.io?.usage(result.requests.ok + result.requests.failed);
    if (io !== undefined) result.io = io;
    return result;
  }
}

/** The store's own counters now, or undefined when it has none or does not answer (a paused or killed store). */
function readCounters(topology: Topology): Promise<StoreCounterReading | undefined> {
  return (topology.storeCounters?.() ?? Promise.resolve(undefined)).catch(() => undefined);
}

/**
 * What the store counted over the window: the end's reading less the start's. Undefined without
 * both readings, or when a counter went down (the store restarted and counts from zero again).
 */
export function counterDifference(start: StoreCounterReading | undefined, end: StoreCounterReading | undefined): StoreCounters | undefined {
  if (start === undefined || end === undefined) return undefined;
  const out: StoreCounters = { source: end.source };
  for (const key of ['expiredKeys', 'evictedKeys'] as const) {
    const a = start[key];
    const b = end[key];
    if (a === undefined || b === undefined) continue;
    if (b < a) return undefined;
    out[key] = b - a;
  }
  return out;
}

/** What decides why this architecture's sessions can be lost: where they live, their time to live, the store's settings. */
export function sessionLossContext(scenario: Scenario, architecture: Architecture): SessionLossContext {
  const store = scenario.store;
  return {
    home: architecture.store !== undefined ? 'store' : architecture.routing === 'sticky' ? 'replica' : 'client',
    sessionTtlMs: store.sessionTtlS * 1000,
    storePersists: store.persistence,
    storeEvicts: architecture.store !== undefined && evictsSessions(store, architecture.store.evictsByDefault === true),
  };
}

/**
 * Runs one architecture of a scenario start to end, its fault timeline from the window start
 * (unless `fireFaults` is false: a shard other than the first leaves the faults to that one).
 */
export async function runOne(opts: ArchitectureRunOptions & { signal?: AbortSignal; fireFaults?: boolean }): Promise<ArchitectureResult> {
  const run = new ArchitectureRun(opts);
  if (await run.start()) {
    await run.measure({ signal: opts.signal, onWindowStart: (startMs) => (opts.fireFaults === false ? undefined : run.fire(opts.scenario.faults, startMs)) });
  }
  return run.finish();
}

/** Resolves at `epochMs` by the wall clock, or at once when aborted (or already past). */
function sleepUntil(epochMs: number, signal?: AbortSignal): Promise<void> {
  const waitMs = epochMs - Date.now();
  if (waitMs <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, waitMs);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * The topology one architecture of a scenario runs on: the store settings, and the latency
 * proxy when the scenario adds store latency at any point (in the path from the start, so a
 * later `store-latency` only changes its delay) and the store has a network hop to put it in.
 */
export function topologyOptions(scenario: Scenario, architecture: Architecture): TopologyOptions {
  const store = scenario.store;
  const networked = architecture.store !== undefined && architecture.store.refuses('network', store) === undefined;
  const wantsProxy = store.latencyMs > 0 || store.jitterMs > 0 || scenario.faults.some((f) => FAULTS.get(f.kind)?.storeAction === 'network');
  return {
    architecture: architecture.name,
    replicas: scenario.replicas,
    store,
    ...(scenario.hosts === undefined ? {} : { hosts: scenario.hosts }),
    ...(networked && wantsProxy ? { storeLatency: { latencyMs: store.latencyMs, jitterMs: store.jitterMs } } : {}),
  };
}
