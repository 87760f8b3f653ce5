import { ARCHITECTURES } from '../architectures/index.js';
import { checkFaultsForStores } from '../faults/check-faults.js';
import { checkReplicaConflicts } from '../faults/replica-conflicts.js';
import { checkScenario, type CheckOptions } from './check-scenario.js';
import { SCENARIO_DEFAULTS as D, defaultSessions } from './defaults.js';
import { scenarioFileSchema, type ScenarioFile } from './schema.js';
import { validateSweep } from './sweep.js';
import { parseThreshold } from './thresholds.js';
import type { HaproxySettings } from '../balancer/haproxy-config.js';
import type { CapacitySpec, LoadSpec, Scenario, ScenarioTopology, ThresholdSpec } from './types.js';
import { DEFAULT_COMMAND_TIMEOUT_MS, type ExternalTargets } from '../topology/external-spec.js';
import { checkTopology } from './check-topology.js';
import { COMPARED_SETTINGS, storeVariantsOf, type ComparedSetting, type StoreVariants } from '../stores/store-options.js';
import { formatPath, zodIssuesToProblems, type PathProblem } from './zod-problems.js';

/**
 * Validates scenario data (already parsed from YAML) and resolves it: every problem found,
 * or the Scenario with every default filled in. `defaultName` names a scenario whose file
 * has no `name`.
 */
export function validateScenarioData(
  data: unknown,
  defaultName: string,
  opts: CheckOptions = {},
): { scenario: Scenario; problems: [] } | { scenario: undefined; problems: PathProblem[] } {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    const found = data === null || data === undefined ? 'the file is empty' : `found ${Array.isArray(data) ? 'a list' : `\`${String(data)}\``}`;
    return { scenario: undefined, problems: [{ path: [], message: `expected a mapping of scenario fields such as \`name:\`, \`architectures:\` and \`duration:\`; ${found}` }] };
  }
  // The file without its sweep is validated first, then every point: the file with its values.
  if ('sweep' in data) return validateSweep(data as Record<string, unknown>, defaultName, validateScenarioData, scenarioFileSchema);
  const parsed = scenarioFileSchema.safeParse(data, { reportInput: true });
  const problems = parsed.success ? [] : zodIssuesToProblems(parsed.error.issues, scenarioFileSchema);
  const cross = checkScenario(data as Record<string, unknown>, opts);
  const seen = new Set(problems.map((p) => `${formatPath(p.path)}\0${p.message}`));
  for (const problem of cross.problems) {
    const key = `${formatPath(problem.path)}\0${problem.message}`;
    if (!seen.has(key)) problems.push(problem);
    seen.add(key);
  }
  if (!parsed.success || problems.length > 0) return { scenario: undefined, problems };
  const scenario = resolveScenario(parsed.data, cross.thresholds, defaultName, cross.slo);
  // Needs the resolved scenario (every architecture, the store options): checked last.
  const faultProblems = [
    // Every value of a compared store setting must take the faults.
    ...checkFaultsForStores(parsed.data.faults ?? [], scenario.architectures.map((a) => ARCHITECTURES.get(a)!), storeVariantsOf(scenario.store, scenario.storeVariants), scenario.balancers),
    ...checkReplicaConflicts(parsed.data.faults ?? [], scenario.replicas),
    ...checkTopology(scenario, parsed.data.faults ?? [], data as Record<string, unknown>),
  ];
  if (faultProblems.length > 0) return { scenario: undefined, problems: faultProblems };
  return { scenario, problems: [] };
}

/** Fills defaults into a validated file. Faults come out in timeline order (stable for ties). */
export function resolveScenario(file: ScenarioFile, thresholds: ThresholdSpec[], defaultName: string, slo?: ThresholdSpec[]): Scenario {
  const load = file.load ?? {};
  const common = {
    timeoutMs: load.timeout ?? D.load.timeoutMs,
    graceMs: load.grace ?? D.load.graceMs,
    parallelPerSession: load.parallelPerSession ?? D.load.parallelPerSession,
    ...(load.workers !== undefined && load.workers > 1 ? { workers: load.workers } : {}),
  };
  let loadSpec: LoadSpec;
  if (load.model === 'open') {
    // The checks guarantee a rate for an open load.
    const rateRps = load.rate as number;
    loadSpec = {
      model: 'open',
      rateRps,
      ...(load.rampTo === undefined ? {} : { rampToRps: load.rampTo }),
      sessions: load.sessions ?? defaultSessions(Math.max(rateRps, load.rampTo ?? 0), common.parallelPerSession),
      maxBacklog: load.maxBacklog ?? D.load.maxBacklog,
      ...common,
    };
  } else {
    loadSpec = { model: 'closed', users: load.users ?? D.load.users, rampUpMs: load.rampUp ?? D.load.rampUpMs, ...common };
  }

  const session = file.session ?? {};
  const store = file.store ?? {};
  const faults = (file.faults ?? []).map((fault, index) => ({ fault, index }));
  faults.sort((a, b) => a.fault.atMs - b.fault.atMs || a.index - b.index);

  return {
    name: file.name ?? defaultName,
    ...(file.description === undefined ? {} : { description: file.description }),
    architectures: file.architectures ?? [...D.architectures],
    replicas: file.replicas ?? D.replicas,
    durationMs: file.duration ?? D.durationMs,
    warmupMs: file.warmup ?? D.warmupMs,
    load: loadSpec,
    session: {
      adds: session.adds ?? D.session.adds,
      readRatio: session.readRatio ?? D.session.readRatio,
      payloadBytes: session.payload ?? D.session.payloadBytes,
      thinkTimeMs: session.thinkTime ?? D.session.thinkTimeMs,
    },
    store: {
      ...(store.redisUrl === undefined ? {} : { redisUrl: store.redisUrl }),
      persistence: store.persistence ?? D.store.persistence,
      // Redis EXPIRE and SQLite expiry columns take whole seconds; round up so `1500ms` is not 1s.
      sessionTtlS: store.ttl === undefined ? D.store.sessionTtlS : Math.ceil(store.ttl / 1000),
      latencyMs: store.latency ?? D.store.latencyMs,
      jitterMs: store.jitter ?? D.store.jitterMs,
      ...(store.replicas === undefined ? {} : { replicas: store.replicas }),
      ...(store.sentinels === undefined ? {} : { sentinels: store.sentinels }),
      ...(store.cluster === undefined ? {} : { cluster: store.cluster }),
      ...(store.maxmemory === undefined ? {} : { maxMemoryBytes: store.maxmemory }),
      ...(store.maxmemoryPolicy === undefined ? {} : { maxMemoryPolicy: firstOf(store.maxmemoryPolicy) }),
      ...(store.rolling === undefined ? {} : { rolling: firstOf(store.rolling) }),
      ...(store.readFrom === undefined ? {} : { readFrom: firstOf(store.readFrom) }),
      ...(store.replicationLatency === undefined ? {} : { replicationLatencyMs: store.replicationLatency }),
    },
    ...storeVariants(store),
    ...(file.hosts === undefined || (file.hosts.replicaCpu === undefined && file.hosts.storeCpu === undefined)
      ? {}
      : {
          hosts: {
            ...(file.hosts.replicaCpu === undefined ? {} : { replicaCpuCores: file.hosts.replicaCpu }),
            ...(file.hosts.storeCpu === undefined ? {} : { storeCpuCores: file.hosts.storeCpu }),
          },
        }),
    faults: faults.map(({ fault }) => fault),
    thresholds,
    ...(file.strict ? { strict: true } : {}),
    // Sequential unless asked: on a 2-core machine, all topologies at once contend with each other
    // (bench/paired-spread.ts: the spread of redis p50 − sticky p50 across runs 9 times wider for
    // the default comparison's four architectures, no narrower for two, and the difference biased up).
    pairing: file.pairing ?? 'sequential',
    ...(file.balancer === undefined || file.balancer === 'router' ? {} : { balancers: [...new Set(Array.isArray(file.balancer) ? file.balancer : [file.balancer])] }),
    ...(file.capacity === undefined ? {} : { capacity: resolveCapacity(file.capacity, slo) }),
    ...(file.haproxy === undefined ? {} : { haproxy: resolveHaproxy(file.haproxy) }),
    ...(file.topology === undefined ? {} : { topology: resolveTopology(file.topology) }),
  };
}

/** `topology:` with its defaults. */
function resolveTopology(topology: NonNullable<ScenarioFile['topology']>): ScenarioTopology {
  const external: Record<string, ExternalTargets> = {};
  for (const [name, targets] of Object.entries(topology.external)) {
    if (targets === undefined) continue;
    external[name] = {
      replicas: targets.replicas,
      ...(targets.store === undefined ? {} : { store: targets.store }),
      commands: { ...targets.commands },
      commandTimeoutMs: targets.commandTimeout ?? DEFAULT_COMMAND_TIMEOUT_MS,
    };
  }
  return { external };
}

/** `haproxy:` as the balancer takes it: only what the file set (the rest are the balancer's defaults). */
function resolveHaproxy(file: NonNullable<ScenarioFile['haproxy']>): HaproxySettings {
  const check = file.check ?? {};
  const health = {
    ...(check.interval === undefined ? {} : { intervalMs: check.interval }),
    ...(check.timeout === undefined ? {} : { timeoutMs: check.timeout }),
    ...(check.rise === undefined ? {} : { rise: check.rise }),
    ...(check.fall === undefined ? {} : { fall: check.fall }),
  };
  return { ...(file.stickiness === undefined ? {} : { stickiness: file.stickiness }), ...(Object.keys(health).length === 0 ? {} : { health }) };
}

/** A setting given as a list: its first value is the one a single run uses. */
function firstOf<T>(value: T | T[]): T {
  return Array.isArray(value) ? value[0] : value;
}

/** `storeVariants` for a store setting given as a list of two values (check-scenario.ts allows one such setting). */
function storeVariants(store: NonNullable<ScenarioFile['store']>): { storeVariants?: StoreVariants } {
  for (const setting of Object.keys(COMPARED_SETTINGS) as ComparedSetting[]) {
    const value = store[setting];
    if (Array.isArray(value) && value.length > 1) return { storeVariants: { setting, values: [...value] } };
  }
  return {};
}

/** `capacity:` with its defaults; an SLO left out is the default one. */
function resolveCapacity(capacity: NonNullable<ScenarioFile['capacity']>, slo: ThresholdSpec[] | undefined): CapacitySpec {
  const C = D.capacity;
  return {
    replicaCounts: capacity.replicas ?? [...C.replicaCounts],
    slo: slo ?? defaultSlo(),
    probeMs: capacity.probe ?? C.probeMs,
    probeWarmupMs: capacity.warmup ?? C.probeWarmupMs,
    startRps: capacity.from ?? C.startRps,
    maxRps: capacity.upTo ?? C.maxRps,
    precision: capacity.precision ?? C.precision,
    confirmFailures: capacity.confirm ?? C.confirmFailures,
  };
}

/** The default capacity search (no `capacity:` in the file, or parts of it left out). */
export function defaultCapacitySpec(): CapacitySpec {
  return resolveCapacity({}, undefined);
}

/** p99 ≤ 50 ms, error rate ≤ 0.1 %, nothing dropped, parsed as thresholds are. */
function defaultSlo(): ThresholdSpec[] {
  return Object.entries(D.capacity.slo).map(([metric, condition]) => {
    const parsed = parseThreshold(metric, condition, []);
    if (!parsed.ok) throw new Error(`bad default SLO ${metric}: ${parsed.errors.join('; ')}`);
    return parsed.spec;
  });
}
