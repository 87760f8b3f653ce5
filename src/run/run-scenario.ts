import { ARCHITECTURES } from '../architectures/index.js';
import { InvalidInputError } from '../errors.js';
import { architectureOfLabel, balancerUnavailable, variantLabel, type BalancerKind } from '../balancer/index.js';
import { architectureVariants } from './store-variants.js';
import { storeVariantsOf } from '../stores/store-options.js';
import { checkFaultsForStores } from '../faults/check-faults.js';
import { metricValue } from '../metrics/metric-names.js';
import type { ArchitectureResult, RunResult, ShardInfo, TimelineSecond } from '../result/types.js';
import { SCHEMA_VERSION } from '../result/types.js';
import { evaluateThresholds } from '../scenario/thresholds.js';
import type { Scenario } from '../scenario/types.js';
import type { WindowSoFar } from '../metrics/recorder.js';
import { formatPath } from '../scenario/zod-problems.js';
import { redisUrlProblem } from '../syntax/url.js';
import { ArchitectureRun, runOne, type ArchitectureRunOptions } from './architecture-run.js';
import { checkExecAllowed, checkExternalTargets } from './external-checks.js';
import { firstUserOf, shareOfLoad } from '../load/divide-load.js';
import { pairedDifferences } from './paired-differences.js';
import { divideLoad } from '../load/divide-load.js';
import { CpuBudgetUnavailableError, cpuBudgetsUnavailable } from '../process/cpu-budget.js';
import { describeEnvironment, statebenchVersion } from './environment.js';
import { unmeasuredReason } from './measurement-verdict.js';

/** What a run tells its listener as it goes; the CLI turns these into progress lines. */
export interface RunListener {
  notice?(message: string): void;
  /** An architecture's topology is starting (phase `starting`) or its load has begun (`running`). */
  architecture?(architecture: string, repetition: number, phase: 'starting' | 'running', scenario: Scenario): void;
  /** A second of one architecture's timeline closed; `soFar` is its measured window up to it. */
  second?(architecture: string, second: TimelineSecond, soFar: WindowSoFar): void;
  fault?(architecture: string, label: string): void;
  architectureDone?(result: ArchitectureResult): void;
}

/** How {@link runScenario} runs: where the scenario came from, a Redis to use, repetitions, an abort signal, who listens. */
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
  /** `--allow-exec`: external topologies may run the scenario's shell commands (refused otherwise). */
  allowExec?: boolean;
  /** `--shard i/n`: generate slice `index` (1-based) of `count` of the load; needs external topologies. */
  shard?: { index: number; count: number };
  /** `--start-at`: the first architecture's load begins at this wall-clock time, ms since the epoch. */
  startAtMs?: number;
}

/**
 * Runs every architecture of a scenario in turn, each on a fresh topology, and returns the
 * result. Never throws for what happens during the run: a topology that cannot start, or an
 * interruption, yields an incomplete result holding what was measured.
 */
export async function runScenario(input: Scenario, opts: RunOptions = {}): Promise<RunResult> {
  const scenario = prepareScenario(input, { redisUrl: opts.redisUrl, scenarioFile: opts.scenarioFile, allowExec: opts.allowExec, shard: opts.shard });
  await checkExternalTargets(scenario, opts.scenarioFile ?? scenario.name);
  const result = newRunResult(scenario, opts.scenarioFile);
  const repeat = Math.max(1, opts.repeat ?? 1);
  const slice = opts.shard === undefined ? undefined : shardSlice(scenario, opts.shard, opts.startAtMs);
  if (slice !== undefined) result.shard = slice.info;
  // What every architecture run of this process shares: the slice it generates, the first start time.
  let startAtMs = opts.startAtMs;
  const common = (): Pick<ArchitectureRunOptions, 'allowExec' | 'part' | 'startAtMs'> & { fireFaults: boolean } => {
    const at = startAtMs;
    startAtMs = undefined;
    return { allowExec: opts.allowExec === true, ...(slice === undefined ? {} : { part: slice.part }), ...(at === undefined ? {} : { startAtMs: at }), fireFaults: slice?.info.firesFaults ?? true };
  };
  const sliced = slice === undefined ? scenario : { ...scenario, load: slice.info.load };
  opts.onResult?.(result);

  const balancers = scenario.balancers ?? ['router'];
  const names = runnable(scenario, result, opts.listener);
  // Each architecture behind each balancer, with each value of a compared store setting.
  const units = names.flatMap((name) =>
    balancers.flatMap((balancer) =>
      architectureVariants(scenario, name).map((v) => ({ name, balancer, scenario: v.scenario, label: `${variantLabel(name, balancer, balancers.length > 1)}${v.suffix}` })),
    ),
  );
  if (scenario.pairing === 'concurrent' && units.length >= 2) {
    await runConcurrently(sliced, units, repeat, result, opts, common);
    return finishRunResult(result, opts.signal?.aborted ?? false);
  }
  result.pairing = { mode: 'sequential' };
  for (const unit of units) {
    const { name, balancer, label } = unit;
    const unitScenario = slice === undefined ? unit.scenario : { ...unit.scenario, load: slice.info.load };
    for (let repetition = 1; repetition <= repeat; repetition++) {
      if (opts.signal?.aborted) break;
      opts.listener?.architecture?.(label, repetition, 'starting', unit.scenario);
      const arch = await runOne({
        scenario: unitScenario,
        ...common(),
        architecture: name,
        balancer,
        label,
        repetition,
        signal: opts.signal,
        listener: {
          topology: () => opts.listener?.architecture?.(label, repetition, 'running', unit.scenario),
          second: (s, soFar) => opts.listener?.second?.(label, s, soFar),
          fault: (faultLabel) => opts.listener?.fault?.(label, faultLabel),
        },
      });
      addArchitecture(result, arch);
      opts.listener?.architectureDone?.(arch);
    }
    if (opts.signal?.aborted) break;
  }
  return finishRunResult(result, opts.signal?.aborted ?? false);
}

/**
 * Every architecture at once, each on its own topology with an equal share of the load (as the
 * demo runs them), the fault timeline fired on each at its window's start; repeated `repeat`
 * times. Then each architecture's per-second difference from the baseline (sticky when it ran).
 */
async function runConcurrently(
  scenario: Scenario,
  units: { name: string; balancer: BalancerKind; label: string; scenario: Scenario }[],
  repeat: number,
  result: RunResult,
  opts: RunOptions,
  common: () => Pick<ArchitectureRunOptions, 'allowExec' | 'part' | 'startAtMs'> & { fireFaults: boolean },
): Promise<void> {
  const shared: Scenario = { ...scenario, load: divideLoad(scenario.load, units.length) };
  const { fireFaults, ...parts } = common();
  result.pairing = { mode: 'concurrent', share: 1 / units.length, differences: [] };
  for (let repetition = 1; repetition <= repeat && !opts.signal?.aborted; repetition++) {
    const runs: ArchitectureRun[] = [];
    // Each sampler counts the other runs' processes as the run's, not as foreign CPU.
    const neighboursOf = (self: ArchitectureRun) => (): Map<string, number> => {
      const pids = new Map<string, number>();
      for (const r of runs) if (r !== self) for (const [name, pid] of r.topology?.processes() ?? []) pids.set(`${r.architecture.name}/${name}`, pid);
      return pids;
    };
    for (const u of units) {
      const run: ArchitectureRun = new ArchitectureRun({
        scenario: { ...shared, store: u.scenario.store },
        ...parts,
        architecture: u.name,
        balancer: u.balancer,
        label: u.label,
        repetition,
        sharedGenerator: true,
        neighbours: () => neighboursOf(run)(),
        listener: {
          topology: () => opts.listener?.architecture?.(u.label, repetition, 'running', shared),
          second: (s, soFar) => opts.listener?.second?.(u.label, s, soFar),
          fault: (label) => opts.listener?.fault?.(u.label, label),
        },
      });
      runs.push(run);
      opts.listener?.architecture?.(u.label, repetition, 'starting', shared);
    }
    await Promise.all(runs.map((r) => r.start()));
    await Promise.all(runs.map((r) => r.measure({ signal: opts.signal, onWindowStart: (startMs) => (fireFaults ? r.fire(shared.faults, startMs) : undefined) })));
    const finished = await Promise.all(runs.map((r) => r.finish()));
    for (const arch of finished) {
      addArchitecture(result, arch);
      opts.listener?.architectureDone?.(arch);
    }
    const baseline = finished.find((a) => ARCHITECTURES.get(architectureOfLabel(a.architecture))?.routing === 'sticky')?.architecture ?? finished[0].architecture;
    result.pairing.differences!.push(...pairedDifferences(finished, baseline));
  }
}

/**
 * The scenario as it will run (`--redis-url` applied), checked against what will run before any
 * process starts: a fault that cannot apply is a setup error, not a failed event found halfway
 * through a long run. Throws InvalidInputError naming the file and the fault, or
 * CpuBudgetUnavailableError when it asks for CPU budgets that this machine cannot apply.
 */
export function prepareScenario(scenario: Scenario, opts: { redisUrl?: string; scenarioFile?: string; allowExec?: boolean; shard?: { index: number; count: number } }): Scenario {
  const urlProblem = opts.redisUrl === undefined ? undefined : redisUrlProblem(opts.redisUrl);
  if (urlProblem !== undefined) throw new InvalidInputError([{ file: '--redis-url', path: '', message: urlProblem }]);
  if (opts.redisUrl !== undefined && scenario.topology !== undefined) {
    throw new InvalidInputError([{ file: '--redis-url', path: '', message: 'the scenario runs on an external topology (`topology.external`), whose replicas have their own store' }]);
  }
  if (opts.shard !== undefined) checkShard(scenario, opts.shard);
  // Only the first slice fires the faults: the others run no command.
  if (opts.shard === undefined || opts.shard.index === 1) checkExecAllowed(scenario, opts.allowExec === true, opts.scenarioFile ?? scenario.name);
  const redisUrl = opts.redisUrl ?? scenario.store.redisUrl;
  const prepared = redisUrl === undefined ? scenario : { ...scenario, store: { ...scenario.store, redisUrl } };
  const architectures = prepared.architectures.map((a) => ARCHITECTURES.get(a)!);
  // Every value of a compared store setting must take the faults (a network fault and `readFrom: replica`).
  const problems = checkFaultsForStores(prepared.faults, architectures, storeVariantsOf(prepared.store, prepared.storeVariants), prepared.balancers ?? ['router']);
  for (const kind of prepared.balancers ?? []) {
    const reason = balancerUnavailable(kind);
    if (reason !== undefined) problems.push({ path: ['balancer'], message: `\`${kind}\` cannot run here: ${reason}` });
  }
  if (problems.length > 0) {
    const file = opts.scenarioFile ?? prepared.name;
    throw new InvalidInputError(problems.map((p) => ({ file, path: formatPath(p.path), message: p.message })));
  }
  if (prepared.hosts !== undefined) {
    const reason = cpuBudgetsUnavailable();
    if (reason !== undefined) throw new CpuBudgetUnavailableError(reason);
  }
  return prepared;
}

/**
 * A sharded run generates a slice of the load against one system, so every architecture must run
 * on replicas the shards share (`topology.external`): with a topology of its own each shard would
 * measure a system of its own. And every slice must get at least one user.
 */
function checkShard(scenario: Scenario, shard: { index: number; count: number }): void {
  const own = scenario.architectures.filter((a) => scenario.topology?.external[a] === undefined);
  if (own.length > 0) {
    throw new InvalidInputError([
      {
        file: '--shard',
        path: '',
        message: `splits the load of one system between generators, but ${own.map((a) => `\`${a}\``).join(', ')} would run on replicas each shard starts for itself: give the scenario \`topology.external\` (e.g. the URLs \`statebench targets up\` prints)`,
      },
    ]);
  }
  const users = scenario.load.model === 'closed' ? scenario.load.users : scenario.load.sessions;
  if (users < shard.count) {
    const what = scenario.load.model === 'closed' ? 'users' : 'sessions';
    throw new InvalidInputError([{ file: '--shard', path: '', message: `${shard.count} shards of ${users} ${what}: some shard would generate nothing; use at most ${users} shards, or more ${what}` }]);
  }
}

/**
 * What a shard generates: slice `index` of `count` of the load (load-workers' division), its
 * users numbered after the earlier slices', its arrivals shifted so the slices interleave, and
 * whether it fires the faults (the first one alone does).
 */
export function shardSlice(scenario: Scenario, shard: { index: number; count: number }, startAtMs?: number): { info: ShardInfo; part: { firstUserId: number; phaseMs: number } } {
  const i = shard.index - 1;
  const load = shareOfLoad(scenario.load, shard.count, i);
  const firstUserId = firstUserOf(scenario.load, shard.count, i);
  const phaseMs = scenario.load.model === 'open' && scenario.load.rateRps > 0 ? (i * 1000) / scenario.load.rateRps : 0;
  return {
    info: { index: shard.index, count: shard.count, load, firstUserId, firesFaults: shard.index === 1, ...(startAtMs === undefined ? {} : { startAt: new Date(startAtMs).toISOString() }) },
    part: { firstUserId, phaseMs },
  };
}

/**
 * The architectures whose store can run on this machine; the others are recorded as skipped
 * (a check that could not run must not pass silently) and announced.
 */
export function runnable(scenario: Scenario, result: Pick<RunResult, 'skipped'>, listener?: { notice?(message: string): void }): string[] {
  const names: string[] = [];
  for (const name of scenario.architectures) {
    // Replicas someone else runs need no store server here.
    const reason = scenario.topology?.external[name] !== undefined ? undefined : ARCHITECTURES.get(name)!.store?.unavailable(scenario.store);
    if (reason === undefined) {
      names.push(name);
      continue;
    }
    result.skipped.push({ architecture: name, reason });
    listener?.notice?.(`skipping ${name}: ${reason}`);
  }
  return names;
}

/** An empty result for a scenario about to run. */
export function newRunResult(scenario: Scenario, scenarioFile?: string): RunResult {
  const startedAt = new Date().toISOString();
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'statebench', version: statebenchVersion() },
    complete: true,
    startedAt,
    finishedAt: startedAt,
    scenarioFile,
    scenario,
    environment: {
      // Store versions of this machine's servers, for the architectures statebench starts here.
      ...describeEnvironment([...new Set(scenario.architectures.filter((a) => scenario.topology?.external[a] === undefined).flatMap((a) => ARCHITECTURES.get(a)?.store ?? []))]),
      ...externalStores(scenario),
    },
    architectures: [],
    thresholds: [],
    skipped: [],
  };
}

/** The stores of external topologies, as the environment block names them (no version: they are not here). */
function externalStores(scenario: Scenario): { externalStores?: { architecture: string; kind: string; url: string }[] } {
  const external = scenario.topology?.external ?? {};
  const stores = scenario.architectures.flatMap((architecture) => {
    const store = external[architecture]?.store;
    return store === undefined ? [] : [{ architecture, ...store }];
  });
  return stores.length === 0 ? {} : { externalStores: stores };
}

/**
 * Adds a measured architecture; an incomplete one makes the run incomplete, and one whose
 * requests failed for a reason the scenario did not schedule is marked `unmeasured`.
 */
export function addArchitecture(result: RunResult, arch: ArchitectureResult): void {
  const reason = arch.unmeasured === undefined ? unmeasuredReason(arch) : undefined;
  if (reason !== undefined) arch.unmeasured = { reason };
  result.architectures.push(arch);
  if (!arch.complete) {
    result.complete = false;
    result.incompleteReason ??= arch.error ?? 'interrupted';
  }
}

/** Evaluates the thresholds and stamps the end. */
export function finishRunResult(result: RunResult, interrupted: boolean): RunResult {
  if (interrupted) {
    result.complete = false;
    result.incompleteReason = 'interrupted';
  }
  result.thresholds = evaluateThresholds(result.scenario.thresholds, result.architectures, metricValue);
  result.finishedAt = new Date().toISOString();
  return result;
}
