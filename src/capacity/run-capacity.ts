import { loadavg } from 'node:os';
import { ARCHITECTURES } from '../architectures/index.js';
import { runOne, topologyOptions } from '../run/architecture-run.js';
import { describeEnvironment, statebenchVersion } from '../run/environment.js';
import { prepareScenario, runnable } from '../run/run-scenario.js';
import { SCENARIO_DEFAULTS, defaultSessions } from '../scenario/defaults.js';
import { defaultCapacitySpec } from '../scenario/resolve-scenario.js';
import type { CapacitySpec, Scenario } from '../scenario/types.js';
import { startTopology } from '../topology/topology.js';
import type { Topology } from '../topology/types.js';
import { CAPACITY_SCHEMA_VERSION, type ArchitectureCapacity, type CapacityPoint, type CapacityResult, type Probe } from './capacity-result.js';
import { diagnoseKnee, generatorBehind } from './knee.js';
import { projectCapacity } from './projection.js';
import { searchRate } from './rate-search.js';
import { snapshotWaits, waitShares } from './run-queue-wait.js';
import { sloFailures } from './slo.js';

/** Below this rate a search gives up: nothing is sustainable. */
const MIN_RATE_RPS = 5;

/** What a capacity search tells as it goes; the CLI turns these into progress lines. */
export interface CapacityListener {
  notice?(message: string): void;
  /** A fresh topology for this replica count is starting. */
  pointStart?(architecture: string, replicas: number): void;
  probe?(architecture: string, replicas: number, probe: Probe): void;
  pointDone?(architecture: string, point: CapacityPoint): void;
}

/** How {@link runCapacity} searches: the scenario file it came from, a Redis to use, an abort signal, who listens. */
export interface CapacityOptions {
  scenarioFile?: string;
  redisUrl?: string;
  /** Aborting ends the current probe and the search; the result is marked incomplete. */
  signal?: AbortSignal;
  listener?: CapacityListener;
  /** Receives the result as soon as it exists and as it fills, so a crash handler can save it. */
  onResult?: (partial: CapacityResult) => void;
}

/**
 * For each architecture and each replica count of the scenario's `capacity:` (defaults: 1, 2, 4
 * replicas, p99 ≤ 50 ms, error rate ≤ 0.1%, nothing dropped), finds the highest open-load rate
 * that meets the SLO: a fresh topology per replica count, probes of a few seconds each after
 * their own warm-up, bracketing then bisecting. Every probe is one run of the one runner
 * (`runOne` on that topology). Then names what saturated at each knee and projects beyond the
 * measured points. Never throws for what happens during the search; throws setup errors
 * (invalid scenario, budgets without cgroups) before anything starts.
 */
export async function runCapacity(input: Scenario, opts: CapacityOptions = {}): Promise<CapacityResult> {
  const scenario = prepareScenario(input, { redisUrl: opts.redisUrl, scenarioFile: opts.scenarioFile });
  const search = scenario.capacity ?? defaultCapacitySpec();
  if (scenario.faults.length > 0) opts.listener?.notice?.('the scenario\'s faults are not fired during a capacity search: each probe measures a steady state');
  const startedAt = new Date().toISOString();
  const result: CapacityResult = {
    kind: 'capacity',
    schemaVersion: CAPACITY_SCHEMA_VERSION,
    tool: { name: 'statebench', version: statebenchVersion() },
    complete: true,
    startedAt,
    finishedAt: startedAt,
    ...(opts.scenarioFile === undefined ? {} : { scenarioFile: opts.scenarioFile }),
    scenario,
    search,
    environment: describeEnvironment([...new Set(scenario.architectures.flatMap((a) => ARCHITECTURES.get(a)?.store ?? []))]),
    loadAverageBefore: loadavg()[0],
    architectures: [],
    skipped: [],
  };
  opts.onResult?.(result);

  for (const name of runnable(scenario, result, opts.listener)) {
    if (opts.signal?.aborted) break;
    const entry: ArchitectureCapacity = { architecture: name, points: [] };
    result.architectures.push(entry);
    for (const replicas of search.replicaCounts) {
      if (opts.signal?.aborted) break;
      opts.listener?.pointStart?.(name, replicas);
      const previous = entry.points.at(-1)?.sustainableRps ?? null;
      const point = await searchPoint(scenario, search, { architecture: name, replicas, startRps: previous ?? search.startRps, machineCpus: result.environment.cpus }, opts);
      entry.points.push(point);
      if (point.error !== undefined) {
        result.complete = false;
        result.incompleteReason ??= `${name} at ${replicas} replicas: ${point.error}`;
      }
      opts.listener?.pointDone?.(name, point);
    }
    setEfficiency(entry.points);
    const store = ARCHITECTURES.get(name)!.store;
    const projection = projectCapacity(entry.points, {
      ...(scenario.hosts?.storeCpuCores === undefined ? {} : { storeBudgetCores: scenario.hosts.storeCpuCores }),
      storeSingleThreaded: store?.singleThreaded === true,
    });
    if (projection !== undefined) entry.projection = projection;
  }
  if (opts.signal?.aborted) {
    result.complete = false;
    result.incompleteReason = 'interrupted';
  }
  result.finishedAt = new Date().toISOString();
  return result;
}

/** One replica count: its own topology, the search, and the knee read from the first failing probe. */
async function searchPoint(
  scenario: Scenario,
  search: CapacitySpec,
  where: { architecture: string; replicas: number; startRps: number; machineCpus: number },
  opts: CapacityOptions,
): Promise<CapacityPoint> {
  const { architecture, replicas, startRps } = where;
  const point: CapacityPoint = { replicas, sustainableRps: null, failedRps: null, efficiency: null, probes: [] };
  const withReplicas = { ...scenario, replicas };
  let topology: Topology;
  try {
    topology = await startTopology(topologyOptions(withReplicas, ARCHITECTURES.get(architecture)!));
  } catch (err) {
    point.error = `the topology did not start: ${(err as Error).message}`;
    return point;
  }
  try {
    // The generator is this process: its waits are read beside the topology's.
    const processes = (): Map<string, number> => new Map([...topology.processes(), ['generator', process.pid]]);
    const runProbe = async (rps: number, attempt: 1 | 2): Promise<Probe | undefined> => {
      const before = snapshotWaits(processes());
      const startMs = performance.now();
      const result = await runOne({ scenario: probeScenario(withReplicas, search, rps), architecture, topology, signal: opts.signal });
      const waits = waitShares(before, snapshotWaits(processes()), performance.now() - startMs);
      if (opts.signal?.aborted) return undefined;
      const failures = sloFailures(result, search.slo);
      const probe: Probe = {
        rateRps: rps,
        ...(attempt === 2 ? { attempt } : {}),
        passed: failures.length === 0,
        failures,
        generatorBound: generatorBehind(result, waits.machine.generator) !== undefined,
        loadAverage: loadavg()[0],
        runQueueWait: waits.machine,
        throttled: waits.throttled,
        result,
      };
      point.probes.push(probe);
      opts.listener?.probe?.(architecture, replicas, probe);
      return probe;
    };
    const outcome = await searchRate(
      async (rps) => {
        if (opts.signal?.aborted) return 'stop';
        let probe = await runProbe(rps, 1);
        // On a shared machine a one-off stall (another process, a collection) must not pass
        // for the knee: a failure counts once a second probe at the same rate fails too.
        if (probe !== undefined && !probe.passed && search.confirmFailures) probe = await runProbe(rps, 2);
        if (probe === undefined) return 'stop';
        return probe.passed ? 'pass' : 'fail';
      },
      { startRps, maxRps: search.maxRps, minRps: MIN_RATE_RPS, precision: search.precision },
    );
    point.sustainableRps = outcome.sustainableRps;
    point.failedRps = outcome.failedRps;
    if (outcome.stopped) point.error = 'interrupted';
    const failing = point.probes.filter((p) => p.rateRps === outcome.failedRps && !p.passed).at(-1);
    if (failing !== undefined) {
      point.knee = diagnoseKnee(failing.result, failing.rateRps, {
        runQueueWait: failing.runQueueWait ?? {},
        throttled: failing.throttled ?? {},
        storeSingleThreaded: ARCHITECTURES.get(architecture)!.store?.singleThreaded === true,
        machineCpus: where.machineCpus,
        loadAverage: failing.loadAverage,
      });
    }
  } finally {
    await topology.stop();
  }
  return point;
}

/**
 * The scenario one probe runs: this replica count, an open load at `rps` (the session pool
 * sized for it, the scenario's timeout and grace kept), the probe's window, no faults, no
 * thresholds.
 */
export function probeScenario(scenario: Scenario, search: CapacitySpec, rps: number): Scenario {
  const load = scenario.load;
  return {
    ...scenario,
    durationMs: search.probeMs,
    warmupMs: search.probeWarmupMs,
    faults: [],
    thresholds: [],
    load: {
      model: 'open',
      rateRps: rps,
      sessions: defaultSessions(rps, load.parallelPerSession),
      maxBacklog: load.model === 'open' ? load.maxBacklog : SCENARIO_DEFAULTS.load.maxBacklog,
      timeoutMs: load.timeoutMs,
      graceMs: load.graceMs,
      parallelPerSession: load.parallelPerSession,
    },
  };
}

/**
 * rate(N) / (N × rate(1)); relative to the smallest replica count measured when 1 is not among
 * them (rate(N) × n₀ / (N × rate(n₀))).
 */
export function setEfficiency(points: CapacityPoint[]): void {
  const base = [...points].filter((p) => p.sustainableRps !== null && p.sustainableRps > 0).sort((a, b) => a.replicas - b.replicas)[0];
  for (const p of points) {
    p.efficiency = base === undefined || p.sustainableRps === null ? null : (p.sustainableRps * base.replicas) / (p.replicas * base.sustainableRps!);
  }
}
