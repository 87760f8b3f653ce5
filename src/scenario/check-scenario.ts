import { ARCHITECTURES, type Architecture } from '../architectures/index.js';
import { FAULTS } from '../faults/index.js';
import { COMPARED_SETTINGS, MAX_MEMORY_POLICIES, STORE_DEFAULTS, type ComparedSetting, type StoreOptions } from '../stores/store-options.js';
import { formatDuration, formatSize, parseDuration, parseSize } from '../syntax/units.js';
import { LIMITS } from '../syntax/limits.js';
import { SCENARIO_DEFAULTS } from './defaults.js';
import { parseThreshold } from './thresholds.js';
import type { ThresholdSpec } from './types.js';
import { describeInput, type PathProblem } from './zod-problems.js';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The fields an open load takes and a closed one does not, and the reverse. */
const OPEN_ONLY = ['rate', 'rampTo', 'sessions', 'maxBacklog'] as const;
const CLOSED_ONLY = ['users', 'rampUp'] as const;


/** How the scenario is being checked. */
export interface CheckOptions {
  /**
   * The architectures were chosen outside the file (`--arch`, `--set architectures=…`): settings
   * that only the others would use are then left alone instead of refused as unused, so one
   * file serves every narrowing of it.
   */
  architecturesChosen?: boolean;
}

/**
 * Rules that span fields, checked on the raw file data so they are reported together with
 * field errors (k6's Validate: every problem at once). A field that is itself invalid is
 * skipped here: the schema already reported it. Also parses the thresholds, whose prefixes
 * must name architectures of this scenario.
 */
export function checkScenario(data: Record<string, unknown>, opts: CheckOptions = {}): { problems: PathProblem[]; thresholds: ThresholdSpec[]; slo?: ThresholdSpec[] } {
  const problems: PathProblem[] = [];
  const durationMs = data.duration === undefined ? SCENARIO_DEFAULTS.durationMs : okDuration(data.duration);
  const replicas =
    data.replicas === undefined ? SCENARIO_DEFAULTS.replicas : Number.isInteger(data.replicas) && (data.replicas as number) >= 1 ? (data.replicas as number) : undefined;

  checkLoadModel(data, problems);
  checkSessionState(data, problems);
  checkFaults(data, durationMs, replicas, problems);
  checkStore(data, problems, opts);
  if (!opts.architecturesChosen) checkStoreBudget(data, problems);
  const thresholds = checkThresholds(data, problems);
  const slo = checkSlo(data, problems);
  return { problems, thresholds, ...(slo === undefined ? {} : { slo }) };
}

/**
 * `capacity.slo`: conditions on metrics of one probe, for every architecture alike (a prefix
 * would make one architecture's sustainable rate mean something else than another's).
 */
function checkSlo(data: Record<string, unknown>, problems: PathProblem[]): ThresholdSpec[] | undefined {
  const slo = isRecord(data.capacity) ? data.capacity.slo : undefined;
  if (slo === undefined) return undefined;
  if (!isRecord(slo)) return [];
  const specs: ThresholdSpec[] = [];
  if (Object.keys(slo).length === 0) problems.push({ path: ['capacity', 'slo'], message: 'needs at least one condition, such as `p99: "<= 50ms"`' });
  for (const [key, condition] of Object.entries(slo)) {
    const path = ['capacity', 'slo', key];
    if (key.includes('.')) {
      problems.push({ path, message: `the SLO holds for every architecture alike: write \`${key.slice(key.lastIndexOf('.') + 1)}\` without a prefix` });
      continue;
    }
    if (typeof condition !== 'string') {
      problems.push({ path, message: `expected a comparison in quotes such as \`"<= 50ms"\`, got ${describeInput(condition)}` });
      continue;
    }
    const parsed = parseThreshold(key, condition, []);
    if (parsed.ok) specs.push(parsed.spec);
    else for (const message of parsed.errors) problems.push({ path, message });
  }
  return specs;
}

function okDuration(input: unknown): number | undefined {
  const parsed = parseDuration(input);
  return parsed.ok ? parsed.value : undefined;
}

function checkLoadModel(data: Record<string, unknown>, problems: PathProblem[]): void {
  const load = isRecord(data.load) ? data.load : {};
  const model = load.model ?? SCENARIO_DEFAULTS.load.model;
  if (model === 'open') {
    if (load.rate === undefined) problems.push({ path: ['load', 'rate'], message: 'is required with `model: open` (an arrival rate such as `2000/s`)' });
    for (const key of CLOSED_ONLY) {
      if (load[key] !== undefined) problems.push({ path: ['load', key], message: `applies only to \`model: closed\`; an open load is paced by \`rate\`` });
    }
    const session = isRecord(data.session) ? data.session : {};
    const thinkMs = okDuration(session.thinkTime);
    if (thinkMs !== undefined && thinkMs > 0) {
      problems.push({ path: ['session', 'thinkTime'], message: 'applies only to `model: closed`; in an open load the arrival rate sets the pace' });
    }
  } else if (model === 'closed') {
    for (const key of OPEN_ONLY) {
      if (load[key] !== undefined) {
        problems.push({ path: ['load', key], message: `applies only to \`model: open\`: add \`model: open\`, or use \`users\` for a closed load` });
      }
    }
  }
}

/** `adds × payload`: the cart one session grows to, loaded and saved whole by most stores on every request. */
function checkSessionState(data: Record<string, unknown>, problems: PathProblem[]): void {
  const session = isRecord(data.session) ? data.session : {};
  const adds = session.adds === undefined ? SCENARIO_DEFAULTS.session.adds : session.adds;
  const payload = session.payload === undefined ? { ok: true as const, value: SCENARIO_DEFAULTS.session.payloadBytes } : parseSize(session.payload);
  if (typeof adds !== 'number' || !Number.isInteger(adds) || adds < 0 || !payload.ok || payload.value > LIMITS.payloadBytes) return;
  const stateBytes = adds * payload.value;
  if (stateBytes > LIMITS.sessionStateBytes) {
    problems.push({
      path: ['session', session.payload === undefined ? 'adds' : 'payload'],
      message: `${adds} adds of ${formatSize(payload.value)} make a ${formatSize(stateBytes)} cart per session; at most ${formatSize(LIMITS.sessionStateBytes)} (every request loads and saves it): fewer \`adds\` or a smaller \`payload\``,
    });
  }
}

interface TimedEntry {
  index: number;
  atMs: number;
  entry: Record<string, unknown>;
  kind: string;
}

function checkFaults(data: Record<string, unknown>, durationMs: number | undefined, replicas: number | undefined, problems: PathProblem[]): void {
  if (!Array.isArray(data.faults)) return;
  const timed: TimedEntry[] = [];
  data.faults.forEach((entry: unknown, index) => {
    if (!isRecord(entry)) return;
    const kinds = Object.keys(entry).filter((key) => FAULTS.has(key));
    const atMs = okDuration(entry.at);
    if (atMs === undefined || kinds.length !== 1) return;
    const kind = kinds[0];
    if (durationMs !== undefined && atMs >= durationMs) {
      problems.push({
        path: ['faults', index, 'at'],
        message: `\`${formatDuration(atMs)}\` is at or after the end of the measured window (\`duration: ${formatDuration(durationMs)}\`); a fault must happen before it`,
      });
    }
    timed.push({ index, atMs, entry, kind });
  });
  if (replicas === undefined) return;

  // Replica names are checked in timeline order: `scale: +2` at 5s makes replica-4 and
  // replica-5 valid targets from then on.
  timed.sort((a, b) => a.atMs - b.atMs || a.index - b.index);
  let added = 0;
  let live = replicas;
  for (const { index, atMs, entry, kind } of timed) {
    const value = entry[kind];
    const fault = FAULTS.get(kind)!;
    if (fault.targetsReplica && typeof value === 'string') {
      const n = /^replica-([1-9]\d*)$/.exec(value)?.[1];
      if (n !== undefined && Number(n) > replicas + added) {
        const existing = replicas + added;
        const why = added > 0 ? `${replicas} replicas, plus ${added} added by \`scale\` before ${formatDuration(atMs)}` : `\`replicas: ${replicas}\``;
        problems.push({
          path: ['faults', index, kind],
          message: `\`${value}\` does not exist at ${formatDuration(atMs)}: with ${why} the names are ${existing === 1 ? '`replica-1`' : `\`replica-1\` to \`replica-${existing}\``} (or \`random\`)`,
        });
      }
    }
    if (fault.replicaDelta !== undefined) {
      const resolved = fault.syntax.value.safeParse(value);
      if (!resolved.success) continue;
      const amount = fault.replicaDelta({ atMs, kind, ...fault.syntax.resolve(resolved.data, {}) });
      if (live + amount < 1) {
        problems.push({ path: ['faults', index, kind], message: `would leave ${live + amount} replicas (${live} before it): at least one must remain` });
        continue;
      }
      if (live + amount > LIMITS.replicas) {
        problems.push({ path: ['faults', index, kind], message: `would make ${live + amount} replicas (${live} before it): at most ${LIMITS.replicas} run at once` });
        continue;
      }
      live += amount;
      if (amount > 0) added += amount;
    }
  }
}

/**
 * Store settings against the architectures that would use them: each store backend refuses the
 * settings it cannot honour (added latency on an embedded file, replication it does not have),
 * and a setting that no architecture of the scenario would use is pointed out.
 */
function checkStore(data: Record<string, unknown>, problems: PathProblem[], opts: CheckOptions): void {
  if (!isRecord(data.store)) return;
  const store = data.store;
  const listed = listedArchitectures(data);
  const architectures = listed ?? SCENARIO_DEFAULTS.architectures.map((name) => ARCHITECTURES.get(name)!);
  const compared = (Object.keys(COMPARED_SETTINGS) as ComparedSetting[]).filter((key) => Array.isArray(store[key]) && (store[key] as unknown[]).length > 1);
  if (compared.length > 1) {
    problems.push({ path: ['store', compared[1]], message: `compares values, and so does \`${compared[0]}\`: compare one store setting per run (give one of them a single value)` });
  }
  // A compared setting's every value must be one the stores can run with.
  const variants = compared.length === 0 ? [roughStoreOptions(store)] : (store[compared[0]] as unknown[]).map((v) => roughStoreOptions({ ...store, [compared[0]]: v }));
  const byProblem = new Map<string, { field: string; message: string; inItself?: boolean; names: string[] }>();
  for (const a of architectures) {
    for (const problem of variants.flatMap((options) => a.store?.checkOptions(options) ?? [])) {
      if (byProblem.get(`${problem.field}\0${problem.message}`)?.names.includes(a.name)) continue;
      const key = `${problem.field}\0${problem.message}`;
      const entry = byProblem.get(key) ?? { ...problem, names: [] };
      entry.names.push(a.name);
      byProblem.set(key, entry);
    }
  }
  for (const { field, message, inItself, names } of byProblem.values()) {
    problems.push({ path: ['store', field], message: inItself ? message : `cannot apply to ${names.map((n) => `\`${n}\``).join(', ')}: ${message}` });
  }
  if ((data.architectures !== undefined && listed === undefined) || opts.architecturesChosen) return;
  const reported = new Set([...byProblem.values()].map((p) => p.field));
  for (const [key, value] of Object.entries(store)) {
    // Every architecture expires sessions (replica memory and cookies too): `ttl` and `rolling` always apply.
    if (key === 'kind' || key === 'ttl' || key === 'rolling' || reported.has(key) || value === undefined || value === 0 || value === false || value === '0s') continue;
    if (architectures.some((a) => a.store?.settings.includes(key))) continue;
    const readers = [...ARCHITECTURES.values()].filter((a) => a.store?.settings.includes(key));
    const titles = [...new Set(readers.map((a) => a.store!.title))];
    if (readers.length === 0) continue;
    problems.push({
      path: ['store', key],
      message: `applies only to ${orList(titles)}, and no architecture of this scenario uses ${titles.length === 1 ? 'it' : 'one'}: add one that does, such as \`${readers[0].name}\``,
    });
  }
}

/**
 * `hosts.storeCpu` limits store server processes: it must have one to limit. An embedded file,
 * an existing Redis given by URL, or no store at all has none statebench starts.
 */
function checkStoreBudget(data: Record<string, unknown>, problems: PathProblem[]): void {
  if (!isRecord(data.hosts) || data.hosts.storeCpu === undefined) return;
  const architectures = listedArchitectures(data) ?? (data.architectures === undefined ? SCENARIO_DEFAULTS.architectures.map((n) => ARCHITECTURES.get(n)!) : undefined);
  if (architectures === undefined) return;
  const options = roughStoreOptions(isRecord(data.store) ? data.store : {});
  if (architectures.some((a) => a.store !== undefined && a.store.refuses('process', options) === undefined)) return;
  problems.push({
    path: ['hosts', 'storeCpu'],
    message: `no architecture of this scenario runs a store server statebench starts (${architectures.map((a) => `\`${a.name}\` keeps sessions ${a.stateLives}`).join('; ')}): add one such as \`redis\`, or remove it`,
  });
}

/** The architectures the file lists, when every entry names one (else the schema reports it). */
function listedArchitectures(data: Record<string, unknown>): Architecture[] | undefined {
  if (!Array.isArray(data.architectures)) return undefined;
  const found = data.architectures.map((a) => (typeof a === 'string' ? ARCHITECTURES.get(a) : undefined));
  return found.every((a) => a !== undefined) ? (found as Architecture[]) : undefined;
}

/** Store settings from raw file data, good enough for the backends' checks (invalid fields are the schema's to report). */
function roughStoreOptions(store: Record<string, unknown>): StoreOptions {
  const size = store.maxmemory === undefined ? undefined : parseSize(store.maxmemory);
  // A compared setting is checked with each of its values (checkStore): here the first.
  const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);
  const readFrom = first(store.readFrom);
  const rolling = first(store.rolling);
  const policy = first(store.maxmemoryPolicy);
  return {
    ...(readFrom === 'primary' || readFrom === 'replica' ? { readFrom } : {}),
    ...(typeof rolling === 'boolean' ? { rolling } : {}),
    ...(typeof policy === 'string' && (MAX_MEMORY_POLICIES as readonly string[]).includes(policy) ? { maxMemoryPolicy: policy as StoreOptions['maxMemoryPolicy'] } : {}),
    ...(okDuration(store.replicationLatency) === undefined ? {} : { replicationLatencyMs: okDuration(store.replicationLatency) }),
    ...STORE_DEFAULTS,
    ...(typeof store.redisUrl === 'string' ? { redisUrl: store.redisUrl } : {}),
    persistence: store.persistence === true,
    latencyMs: okDuration(store.latency) ?? 0,
    jitterMs: okDuration(store.jitter) ?? 0,
    ...(typeof store.replicas === 'number' ? { replicas: store.replicas } : {}),
    ...(typeof store.sentinels === 'number' ? { sentinels: store.sentinels } : {}),
    ...(typeof store.cluster === 'number' ? { cluster: store.cluster } : {}),
    ...(size?.ok ? { maxMemoryBytes: size.value } : {}),
  };
}

function checkThresholds(data: Record<string, unknown>, problems: PathProblem[]): ThresholdSpec[] {
  if (!isRecord(data.thresholds)) return [];
  const listed = Array.isArray(data.architectures) ? data.architectures.filter((a): a is string => typeof a === 'string' && ARCHITECTURES.has(a)) : undefined;
  const architectures = data.architectures === undefined ? [...SCENARIO_DEFAULTS.architectures] : (listed ?? [...ARCHITECTURES.keys()]);
  const specs: ThresholdSpec[] = [];
  for (const [key, value] of Object.entries(data.thresholds)) {
    const reported = new Set<string>();
    const conditions = Array.isArray(value) ? value.map((v, i) => [v, [key, i]] as const) : [[value, [key]] as const];
    if (Array.isArray(value) && value.length === 0) {
      problems.push({ path: ['thresholds', key], message: 'needs at least one condition, such as `"< 50ms"`' });
    }
    for (const [condition, path] of conditions) {
      if (typeof condition !== 'string') {
        problems.push({
          path: ['thresholds', ...path],
          message: `expected a comparison in quotes such as \`"< 50ms"\` or \`"== 0"\`, got ${describeInput(condition)}`,
        });
        continue;
      }
      const parsed = parseThreshold(key, condition, architectures);
      if (parsed.ok) specs.push(parsed.spec);
      else {
        // A bad metric or prefix is wrong once per key, not once per condition in a list.
        for (const message of parsed.errors) {
          if (!reported.has(message)) problems.push({ path: ['thresholds', ...path], message });
          reported.add(message);
        }
      }
    }
  }
  return specs;
}

/** `Redis`, `Redis or Memcached`, `Redis, Memcached or PostgreSQL`. */
function orList(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}
