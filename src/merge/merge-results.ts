import { ARCHITECTURES } from '../architectures/index.js';
import { InvalidInputError, type InputProblem } from '../errors.js';
import { decodeHistogram, encodeHistogram, mergeHistograms, percentileOf, percentilesOf, type Histogram } from '../hdr/histogram.js';
import { ENDPOINTS } from '../load/outcome.js';
import { computeFaultWindows } from '../metrics/fault-windows.js';
import { computePhases } from '../metrics/phases.js';
import { metricValue } from '../metrics/metric-names.js';
import type {
  ArchitectureResult,
  CpuUsage,
  EncodedHistograms,
  FaultEvent,
  MeasurementQuality,
  RunResult,
  TimelineSecond,
} from '../result/types.js';
import { pairedDifferences } from '../run/paired-differences.js';
import { evaluateThresholds } from '../scenario/thresholds.js';

/** One shard result to merge, with the file it came from (for messages and `merged.shards`). */
export interface ShardFile {
  file: string;
  result: RunResult;
}

const sum = <T>(xs: readonly T[], f: (x: T) => number): number => xs.reduce((a, x) => a + f(x), 0);
const epochMs = (iso: string): number => Date.parse(iso);

/**
 * The shards of one sharded experiment (`run --shard i/n` on n generators) as one result, exactly:
 * histograms added (percentiles recomputed from the sums, never averaged), counts summed,
 * per-second timelines laid on one wall-clock axis (each shard's window placed at the whole
 * second nearest its start; `merged.alignmentMs` says how far that moved one), fault events of
 * all shards deduplicated, and fault windows, phases and thresholds recomputed from the merged
 * figures. `report` and `compare` read the result like any other.
 *
 * Refuses (InvalidInputError, exit 2, every reason at once) results that are not shards, shards
 * of different scenarios, of different slicings, overlapping or missing slices, and shards that
 * did not measure the same architectures.
 */
export function mergeShardResults(shards: readonly ShardFile[]): RunResult {
  checkMergeable(shards);
  const sorted = [...shards].sort((a, b) => a.result.shard!.index - b.result.shard!.index);
  const results = sorted.map((s) => s.result);
  const first = results[0];
  let alignmentMs = 0;
  const architectures = first.architectures.map((a) => {
    const parts = results.map((r) => r.architectures.find((x) => x.architecture === a.architecture && x.repetition === a.repetition)!);
    const merged = mergeArchitecture(parts);
    alignmentMs = Math.max(alignmentMs, merged.alignmentMs);
    return merged.result;
  });
  const skipped = new Map<string, { architecture: string; reason: string }>();
  for (const r of results) for (const s of r.skipped) skipped.set(`${s.architecture}\0${s.reason}`, s);
  const merged: RunResult = {
    schemaVersion: first.schemaVersion,
    tool: first.tool,
    complete: results.every((r) => r.complete),
    ...(results.some((r) => !r.complete) ? { incompleteReason: results.filter((r) => !r.complete).map((r) => `shard ${r.shard!.index}: ${r.incompleteReason ?? 'incomplete'}`).join('; ') } : {}),
    startedAt: new Date(Math.min(...results.map((r) => epochMs(r.startedAt)))).toISOString(),
    finishedAt: new Date(Math.max(...results.map((r) => epochMs(r.finishedAt)))).toISOString(),
    ...(first.scenarioFile === undefined ? {} : { scenarioFile: first.scenarioFile }),
    scenario: first.scenario,
    environment: first.environment,
    architectures,
    thresholds: [],
    skipped: [...skipped.values()],
    merged: {
      shards: sorted.map(({ file, result: r }) => ({
        file,
        index: r.shard!.index,
        count: r.shard!.count,
        startedAt: r.startedAt,
        node: r.environment.node,
        cpus: r.environment.cpus,
        cpuModel: r.environment.cpuModel,
      })),
      alignmentMs: Math.round(alignmentMs),
    },
  };
  if (first.pairing !== undefined) {
    merged.pairing = { ...first.pairing };
    if (first.pairing.mode === 'concurrent') {
      const baseline = architectures.find((a) => ARCHITECTURES.get(a.architecture)?.routing === 'sticky')?.architecture ?? architectures[0]?.architecture;
      merged.pairing.differences = baseline === undefined ? [] : pairedDifferences(architectures, baseline);
    }
  }
  merged.thresholds = evaluateThresholds(merged.scenario.thresholds, merged.architectures, metricValue);
  return merged;
}

/** Every reason the files cannot be merged, at once. */
function checkMergeable(shards: readonly ShardFile[]): void {
  const problems: InputProblem[] = [];
  const say = (file: string, path: string, message: string): void => {
    problems.push({ file, path, message });
  };
  if (shards.length === 0) throw new InvalidInputError([{ file: 'merge', path: '', message: 'give the shard results to merge' }]);
  const usable = shards.filter(({ file, result }) => {
    if (result.merged !== undefined) say(file, 'merged', `is already a merge of ${result.merged.shards.length} shards: merge the shard results themselves`);
    else if (result.shard === undefined) say(file, 'shard', 'is not a shard result: it was run without `--shard i/n`');
    else return true;
    return false;
  });
  if (usable.length === 0) throw new InvalidInputError(problems);
  const [reference] = usable;
  const count = reference.result.shard!.count;
  const byIndex = new Map<number, string>();
  for (const { file, result } of usable) {
    const shard = result.shard!;
    if (shard.count !== count) say(file, 'shard.count', `is shard ${shard.index}/${shard.count}, but ${reference.file} is shard ${reference.result.shard!.index}/${count}: shards of different slicings`);
    const twin = byIndex.get(shard.index);
    if (twin !== undefined) say(file, 'shard.index', `is shard ${shard.index}/${shard.count}, and so is ${twin}: the same slice twice`);
    byIndex.set(shard.index, file);
    const difference = firstDifference(comparableScenario(reference.result), comparableScenario(result), 'scenario');
    if (difference !== undefined) say(file, difference, `differs from ${reference.file}: shards of different scenarios`);
    if (result.schemaVersion !== reference.result.schemaVersion) say(file, 'schemaVersion', `is ${result.schemaVersion}, ${reference.file}'s ${reference.result.schemaVersion}: different statebench schema versions`);
    const keys = (r: RunResult) => r.architectures.map((a) => `${a.architecture}#${a.repetition}`).sort().join(', ');
    if (keys(result) !== keys(reference.result)) say(file, 'architectures', `measured ${keys(result) || 'nothing'}, ${reference.file} ${keys(reference.result) || 'nothing'}: not the same runs`);
    result.architectures.forEach((a, i) => {
      if (a.timeline.some((s) => s.completed > 0 && s.histograms === undefined)) say(file, `architectures[${i}].timeline`, 'has no per-second histograms: written by a statebench before shards kept them');
      if (a.windowStartedAt === undefined && a.measuredMs > 0) say(file, `architectures[${i}].windowStartedAt`, 'is missing: cannot place the shard on the wall clock');
    });
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0 && usable.every((s) => s.result.shard!.count === count)) {
    say('merge', '', `shard${missing.length === 1 ? '' : 's'} ${missing.map((i) => `${i}/${count}`).join(', ')} missing: a merge needs every slice of the load`);
  }
  if (problems.length > 0) throw new InvalidInputError(problems);
}

/** The scenario as shards must share it: the engines each machine used (`load.workers`) may differ. */
function comparableScenario(r: RunResult): unknown {
  const { workers: _workers, ...load } = r.scenario.load;
  return { ...r.scenario, load };
}

/** The path of the first difference between two JSON values, or undefined when equal. */
function firstDifference(a: unknown, b: unknown, path: string): string | undefined {
  if (a === b) return undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return path;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  for (const key of keys) {
    const next = Array.isArray(a) ? `${path}[${key}]` : `${path}.${key}`;
    const d = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], next);
    if (d !== undefined) return d;
  }
  return undefined;
}

/** Decodes and adds encoded histograms (undefined ones skipped); undefined when none. */
function added(encoded: readonly (string | undefined)[]): Histogram | undefined {
  const present = encoded.filter((e): e is string => e !== undefined);
  return present.length === 0 ? undefined : mergeHistograms(present.map(decodeHistogram));
}

/** One architecture's shard results as one, and how far the alignment to whole seconds moved a shard. */
function mergeArchitecture(parts: readonly ArchitectureResult[]): { result: ArchitectureResult; alignmentMs: number } {
  const starts = parts.map((p) => (p.windowStartedAt === undefined ? Number.NaN : epochMs(p.windowStartedAt)));
  const t0 = Math.min(...starts.filter((s) => !Number.isNaN(s)));
  const originMs = Number.isFinite(t0) ? t0 : 0;
  const offsetMs = starts.map((s) => (Number.isNaN(s) ? 0 : s - originMs));
  const offsetS = offsetMs.map((ms) => Math.round(ms / 1000));
  const alignmentMs = Math.max(0, ...offsetMs.map((ms, i) => Math.abs(ms - offsetS[i] * 1000)));
  const measuredMs = Math.max(...parts.map((p, i) => offsetMs[i] + p.measuredMs));
  const measuredS = measuredMs / 1000;

  const latency = added(parts.map((p) => p.histograms.latency))!;
  const uncorrected = parts.every((p) => p.histograms.uncorrected !== undefined) ? added(parts.map((p) => p.histograms.uncorrected)) : undefined;
  const store = added(parts.map((p) => p.histograms.store));
  const byEndpoint: ArchitectureResult['byEndpoint'] = {};
  const encodedByEndpoint: EncodedHistograms['byEndpoint'] = {};
  for (const endpoint of ENDPOINTS) {
    const h = added(parts.map((p) => p.histograms.byEndpoint[endpoint]));
    if (h === undefined || h.totalCount === 0) continue;
    byEndpoint[endpoint] = percentilesOf(h);
    encodedByEndpoint[endpoint] = encodeHistogram(h);
  }
  const histograms: EncodedHistograms = {
    latency: encodeHistogram(latency),
    ...(uncorrected === undefined ? {} : { uncorrected: encodeHistogram(uncorrected) }),
    ...(store === undefined ? {} : { store: encodeHistogram(store) }),
    byEndpoint: encodedByEndpoint,
  };

  const errors = {} as ArchitectureResult['requests']['errors'];
  for (const p of parts) for (const [kind, n] of Object.entries(p.requests.errors)) errors[kind as keyof typeof errors] = (errors[kind as keyof typeof errors] ?? 0) + n;
  const requests: ArchitectureResult['requests'] = {
    sent: sum(parts, (p) => p.requests.sent),
    ok: sum(parts, (p) => p.requests.ok),
    errors,
    failed: sum(parts, (p) => p.requests.failed),
    dropped: sum(parts, (p) => p.requests.dropped),
    unfinished: sum(parts, (p) => p.requests.unfinished),
  };
  const completed = requests.ok + requests.failed;
  const perReplica: Record<string, number> = {};
  for (const p of parts) for (const [name, n] of Object.entries(p.perReplica)) perReplica[name] = (perReplica[name] ?? 0) + n;

  const faults = mergeFaults(parts, offsetMs);
  const timeline = mergeTimelines(parts, offsetS);
  const first = parts[0];
  const storeTotals = parts.every((p) => p.store.totalUs !== undefined && p.store.totalUncorrectedUs !== undefined);
  const totalUs = sum(parts, (p) => p.store.totalUs ?? 0);
  const totalUncorrectedUs = sum(parts, (p) => p.store.totalUncorrectedUs ?? 0);
  const errorText = [...new Set(parts.map((p, i) => (p.error === undefined ? undefined : `shard ${i + 1}: ${p.error}`)).filter((e): e is string => e !== undefined))].join('; ');
  const unmeasured = parts.findIndex((p) => p.unmeasured !== undefined);
  const result: ArchitectureResult = {
    architecture: first.architecture,
    ...(first.balancer === undefined ? {} : { balancer: first.balancer }),
    repetition: first.repetition,
    complete: parts.every((p) => p.complete),
    ...(errorText === '' ? {} : { error: errorText }),
    ...(unmeasured < 0 ? {} : { unmeasured: { reason: `shard ${unmeasured + 1}: ${parts[unmeasured].unmeasured!.reason}` } }),
    replicas: Math.max(...parts.map((p) => p.replicas)),
    measuredMs,
    ...(Number.isFinite(t0) ? { windowStartedAt: new Date(originMs).toISOString() } : {}),
    requests,
    throughputRps: measuredS > 0 ? completed / measuredS : 0,
    latencyUs: percentilesOf(latency),
    ...(uncorrected === undefined ? {} : { uncorrectedLatencyUs: percentilesOf(uncorrected) }),
    byEndpoint,
    sessions: { started: sum(parts, (p) => p.sessions.started), lost: sum(parts, (p) => p.sessions.lost) },
    updatesLost: sum(parts, (p) => p.updatesLost),
    ...(parts.every((p) => p.itemsLostWithSessions !== undefined) ? { itemsLostWithSessions: sum(parts, (p) => p.itemsLostWithSessions!) } : {}),
    store: {
      roundTripUs: store === undefined ? null : percentilesOf(store),
      shareOfLatency:
        store === undefined
          ? null
          : storeTotals
            ? totalUncorrectedUs > 0
              ? Math.min(1, totalUs / totalUncorrectedUs)
              : 0
            : // Older shards without the sums: each share weighed by its requests with a store timing.
              sum(parts, (p) => (p.store.shareOfLatency ?? 0) * (p.store.roundTripUs?.count ?? 0)) / Math.max(1, store.totalCount),
      ...(store !== undefined && storeTotals ? { totalUs, totalUncorrectedUs } : {}),
    },
    perReplica,
    faults,
    faultWindows: computeFaultWindows(timeline, faults, { measuredMs }),
    ...(faults.length > 0 ? { phases: computePhases(timeline, faults, measuredMs) } : {}),
    timeline,
    cpu: mergeCpu(parts, completed),
    histograms,
    ...mergeQuality(parts, offsetS),
  };
  const targets = parts.map((p) => p.targetRps);
  if (targets.every((t) => t !== undefined)) {
    result.targetRps = sum(targets, (t) => t!);
    result.achievedRps = measuredS > 0 ? requests.sent / measuredS : 0;
  }
  return { result, alignmentMs };
}

/** Every shard's fault events on the merged axis; the same fault seen by several shards counts once. */
function mergeFaults(parts: readonly ArchitectureResult[], offsetMs: readonly number[]): FaultEvent[] {
  const seen = new Map<string, FaultEvent>();
  parts.forEach((p, i) => {
    for (const f of p.faults) {
      const event = { ...f, atMs: Math.round(f.atMs + offsetMs[i]) };
      const key = `${event.kind}\0${event.target ?? ''}\0${Math.round(event.atMs / 1000)}`;
      // The one that ran a command (the first shard) tells what happened.
      const known = seen.get(key);
      if (known === undefined || (known.commands === undefined && event.commands !== undefined)) seen.set(key, event);
    }
  });
  return [...seen.values()].sort((a, b) => a.atMs - b.atMs);
}

/**
 * Second by second on the merged axis: counts summed, percentiles from the added per-second
 * histograms; what each generator measured of its own machine (lateness, loop delay, foreign
 * CPU, steal) is the worst shard's in that second.
 */
function mergeTimelines(parts: readonly ArchitectureResult[], offsetS: readonly number[]): TimelineSecond[] {
  const seconds = new Map<number, { entries: TimelineSecond[] }>();
  parts.forEach((p, i) => {
    for (const s of p.timeline) {
      const at = s.second + offsetS[i];
      const slot = seconds.get(at) ?? { entries: [] };
      slot.entries.push(s);
      seconds.set(at, slot);
    }
  });
  const last = Math.max(-1, ...seconds.keys());
  const out: TimelineSecond[] = [];
  for (let second = 0; second <= last; second++) {
    const entries = seconds.get(second)?.entries ?? [];
    const errors: TimelineSecond['errors'] = {};
    const byReplica: Record<string, number> = {};
    for (const e of entries) {
      for (const [kind, n] of Object.entries(e.errors)) errors[kind as keyof typeof errors] = (errors[kind as keyof typeof errors] ?? 0) + (n ?? 0);
      for (const [name, n] of Object.entries(e.byReplica)) byReplica[name] = (byReplica[name] ?? 0) + n;
    }
    const latency = added(entries.map((e) => e.histograms?.latency));
    const store = added(entries.map((e) => e.histograms?.store));
    const merged: TimelineSecond = {
      second,
      completed: sum(entries, (e) => e.completed),
      ok: sum(entries, (e) => e.ok),
      errors,
      sessionsLost: sum(entries, (e) => e.sessionsLost),
      updatesLost: sum(entries, (e) => e.updatesLost),
      dropped: sum(entries, (e) => e.dropped),
      p50Us: latency === undefined ? 0 : percentileOf(latency, 50),
      p99Us: latency === undefined ? 0 : percentileOf(latency, 99),
      storeP50Us: store === undefined ? 0 : percentileOf(store, 50),
      byReplica,
      faults: [...new Set(entries.flatMap((e) => e.faults))],
    };
    const worst = (f: (e: TimelineSecond) => number | undefined): number | undefined => {
      const values = entries.map(f).filter((v): v is number => v !== undefined);
      return values.length === 0 ? undefined : Math.max(...values);
    };
    const late = worst((e) => e.lateP99Us);
    const loop = worst((e) => e.loopDelayP99Us);
    const foreign = worst((e) => e.foreignCores);
    const steal = worst((e) => e.stealShare);
    if (late !== undefined) merged.lateP99Us = late;
    if (loop !== undefined) merged.loopDelayP99Us = loop;
    if (foreign !== undefined) merged.foreignCores = foreign;
    if (steal !== undefined) merged.stealShare = steal;
    if (latency !== undefined) merged.histograms = { latency: encodeHistogram(latency), ...(store === undefined ? {} : { store: encodeHistogram(store) }) };
    out.push(merged);
  }
  return out;
}

/**
 * CPU by component over the merged requests. Each generator is a process of its own, so
 * `generator` is the CPU of all of them together (its `cores` the sum of theirs). Any other
 * component (a replica on a generator's machine, given by pid) is one process that every shard
 * beside it measured over the same window: counted once, as the most any shard saw.
 */
function mergeCpu(parts: readonly ArchitectureResult[], completed: number): CpuUsage[] {
  const by = new Map<string, CpuUsage>();
  for (const p of parts) {
    for (const c of p.cpu) {
      const known = by.get(c.component);
      if (known === undefined) by.set(c.component, { ...c });
      else if (c.component === 'generator') {
        known.cpuMs += c.cpuMs;
        known.cores += c.cores;
      } else if (c.cpuMs > known.cpuMs) {
        known.cpuMs = c.cpuMs;
        known.cores = c.cores;
      }
    }
  }
  return [...by.values()].map((c) => ({ ...c, cpuUsPerRequest: completed > 0 ? (c.cpuMs * 1000) / completed : 0 }));
}

/**
 * How far the merged figures can be trusted: disturbed when any generator was, with each reason
 * said by its shard; every figure is the worst shard's (never an average of percentiles).
 */
function mergeQuality(parts: readonly ArchitectureResult[], offsetS: readonly number[]): { measurementQuality?: MeasurementQuality } {
  const qualities = parts.map((p) => p.measurementQuality);
  if (qualities.some((q) => q === undefined)) return {};
  const qs = qualities as MeasurementQuality[];
  const worstOf = <T extends Record<string, number>>(values: (T | null)[]): T | null => {
    const present = values.filter((v): v is T => v !== null);
    if (present.length === 0) return null;
    const out = { ...present[0] } as Record<string, number>;
    for (const v of present.slice(1)) for (const [k, n] of Object.entries(v)) out[k] = Math.max(out[k] ?? 0, n);
    return out as T;
  };
  const lateness = qs.map((q) => q.generatorLatenessUs);
  const presentLateness = lateness.filter((l): l is NonNullable<typeof l> => l !== null);
  return {
    measurementQuality: {
      disturbed: qs.some((q) => q.disturbed),
      reasons: qs.flatMap((q, i) => q.reasons.map((r) => `shard ${i + 1}: ${r}`)),
      generatorLatenessUs:
        presentLateness.length === 0
          ? null
          : {
              ...worstOf(presentLateness.map(({ count: _c, lateShare: _s, ...rest }) => rest))!,
              count: sum(presentLateness, (l) => l.count),
              lateShare: sum(presentLateness, (l) => l.lateShare * l.count) / Math.max(1, sum(presentLateness, (l) => l.count)),
            },
      loopDelayUs: worstOf(qs.map((q) => q.loopDelayUs)),
      foreignCores: worstOf(qs.map((q) => q.foreignCores)),
      stealShare: worstOf(qs.map((q) => q.stealShare)),
      firstSecond: null,
      disturbedSeconds: [...new Set(qs.flatMap((q, i) => q.disturbedSeconds.map((s) => s + offsetS[i])))].sort((a, b) => a - b),
      limits: qs[0].limits,
    },
  };
}
