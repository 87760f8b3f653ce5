import { SQLITE_NO_NETWORK } from '../faults/store-latency.js';
import { storeKindOf } from '../faults/store-kind.js';
import { ARCHITECTURES } from '../topology/types.js';
import { SCENARIO_DEFAULTS } from './defaults.js';
import { FAULT_KINDS } from './fault-kinds.js';
import { parseThreshold } from './thresholds.js';
import type { ThresholdSpec } from './types.js';
import { formatDuration, parseDuration } from './units.js';
import { describeInput, type PathProblem } from './zod-problems.js';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The fields an open load takes and a closed one does not, and the reverse. */
const OPEN_ONLY = ['rate', 'rampTo', 'sessions', 'maxBacklog'] as const;
const CLOSED_ONLY = ['users', 'rampUp'] as const;

/** Store faults that act on a store process statebench owns; an external Redis cannot be killed. */
const OWNED_STORE_FAULTS = new Set(['store-kill', 'store-restart', 'store-pause', 'store-failover']);

/**
 * Rules that span fields, checked on the raw file data so they are reported together with
 * field errors (k6's Validate: every problem at once). A field that is itself invalid is
 * skipped here: the schema already reported it. Also parses the thresholds, whose prefixes
 * must name architectures of this scenario.
 */
export function checkScenario(data: Record<string, unknown>): { problems: PathProblem[]; thresholds: ThresholdSpec[] } {
  const problems: PathProblem[] = [];
  const durationMs = data.duration === undefined ? SCENARIO_DEFAULTS.durationMs : okDuration(data.duration);
  const replicas =
    data.replicas === undefined ? SCENARIO_DEFAULTS.replicas : Number.isInteger(data.replicas) && (data.replicas as number) >= 1 ? (data.replicas as number) : undefined;

  checkLoadModel(data, problems);
  checkFaults(data, durationMs, replicas, problems);
  checkStore(data, problems);
  const thresholds = checkThresholds(data, problems);
  return { problems, thresholds };
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

interface TimedEntry {
  index: number;
  atMs: number;
  entry: Record<string, unknown>;
  kind: string;
}

function checkFaults(data: Record<string, unknown>, durationMs: number | undefined, replicas: number | undefined, problems: PathProblem[]): void {
  if (!Array.isArray(data.faults)) return;
  const externalRedis = isRecord(data.store) && data.store.redisUrl !== undefined;
  const timed: TimedEntry[] = [];
  data.faults.forEach((entry: unknown, index) => {
    if (!isRecord(entry)) return;
    const kinds = Object.keys(entry).filter((key) => key in FAULT_KINDS);
    const atMs = okDuration(entry.at);
    if (atMs === undefined || kinds.length !== 1) return;
    const kind = kinds[0];
    if (durationMs !== undefined && atMs >= durationMs) {
      problems.push({
        path: ['faults', index, 'at'],
        message: `\`${formatDuration(atMs)}\` is at or after the end of the measured window (\`duration: ${formatDuration(durationMs)}\`); a fault must happen before it`,
      });
    }
    if (externalRedis && OWNED_STORE_FAULTS.has(kind)) {
      problems.push({
        path: ['faults', index, kind],
        message: 'needs a store statebench started itself, but `store.redisUrl` points at an existing Redis (it will not be killed or paused): remove one of them',
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
    if (FAULT_KINDS[kind].targetsReplica && typeof value === 'string') {
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
    if (kind === 'scale') {
      const amount = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
      if (!Number.isInteger(amount)) continue;
      if (live + amount < 1) {
        problems.push({ path: ['faults', index, kind], message: `would leave ${live + amount} replicas (${live} before it): at least one must remain` });
        continue;
      }
      live += amount;
      if (amount > 0) added += amount;
    }
  }
}

/**
 * Store options against the architectures that would use them: added latency needs a network
 * store, a replicated Redis needs a redis architecture and a Redis statebench starts itself.
 */
function checkStore(data: Record<string, unknown>, problems: PathProblem[]): void {
  if (!isRecord(data.store)) return;
  const store = data.store;
  const listed = Array.isArray(data.architectures) ? data.architectures.filter((a): a is string => ARCHITECTURES.includes(a as never)) : undefined;
  const architectures: string[] = data.architectures === undefined ? [...SCENARIO_DEFAULTS.architectures] : (listed ?? []);
  const sqlite = architectures.filter((a) => storeKindOf(a) === 'sqlite');
  const redis = architectures.filter((a) => storeKindOf(a) === 'redis');
  const replicated = store.replicas !== undefined || store.sentinels !== undefined;

  for (const key of ['latency', 'jitter'] as const) {
    const ms = okDuration(store[key]);
    if (ms === undefined || ms === 0) continue;
    if (sqlite.length > 0) {
      problems.push({ path: ['store', key], message: `cannot apply to ${sqlite.map((a) => `\`${a}\``).join(', ')}: ${SQLITE_NO_NETWORK}` });
    } else if (redis.length === 0 && listed !== undefined) {
      problems.push({ path: ['store', key], message: 'no architecture of this scenario talks to a store over the network (only redis does): the latency would delay nothing' });
    }
    if (replicated) {
      problems.push({ path: ['store', key], message: 'is not supported with `store.sentinels` yet: the latency proxy fronts one Redis address, and replicas follow whichever server is primary' });
    }
  }
  if (!replicated) return;
  const key = store.sentinels === undefined ? 'replicas' : store.replicas === undefined ? 'sentinels' : undefined;
  if (key !== undefined) {
    const other = key === 'replicas' ? 'sentinels' : 'replicas';
    problems.push({ path: ['store', key], message: `needs \`${other}\` too: a replicated Redis is a primary, \`replicas\` and \`sentinels\` to promote one, e.g. \`{ replicas: 1, sentinels: 3 }\`` });
  }
  if (store.redisUrl !== undefined) {
    problems.push({ path: ['store', 'sentinels'], message: 'statebench starts the replicated Redis itself, so `store.redisUrl` cannot be used with it: remove one of them' });
  }
  if (redis.length === 0 && listed !== undefined) {
    problems.push({ path: ['store', store.sentinels === undefined ? 'replicas' : 'sentinels'], message: 'applies to Redis, but no architecture of this scenario uses Redis: add `redis` to `architectures`' });
  }
}

function checkThresholds(data: Record<string, unknown>, problems: PathProblem[]): ThresholdSpec[] {
  if (!isRecord(data.thresholds)) return [];
  const listed = Array.isArray(data.architectures) ? data.architectures.filter((a): a is string => ARCHITECTURES.includes(a as never)) : undefined;
  const architectures = data.architectures === undefined ? [...SCENARIO_DEFAULTS.architectures] : listed ?? [...ARCHITECTURES];
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
