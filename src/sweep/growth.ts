import type { ArchitectureResult, SessionMemory } from '../result/types.js';
import type { SweepField } from '../scenario/types.js';
import { ARCHITECTURES } from '../architectures/index.js';
import { fitLine } from './linear-fit.js';
import type { GrowthFit, GrowthMetric, MemoryFit, SweepGrowth, SweepPoint, SweepResult } from './sweep-result.js';

export type { GrowthFit, GrowthMetric, MemoryFit, SweepGrowth } from './sweep-result.js';

/**
 * What a sweep shows, from its points: each architecture's figures at each value, which values
 * it failed at, how each figure grows along each swept field (a straight line where it is one),
 * and memory per session. Pure: reports and the runner compute it from the same points.
 */

/** An architecture fails at a value when more than this share of its requests failed (or it did not measure). */
export const FAILING_ERROR_SHARE = 0.01;
/** A fit with at least three points is called linear when the line explains this much of the variation. */
export const LINEAR_R2 = 0.9;
/** Growth across the whole range below this share of the figure's mean is flat (noise, not growth). */
export const FLAT_SHARE = 0.1;

/**
 * The figures drawn and fitted against the swept value, with the least change that counts as
 * growth. `added`: the figure minus the baseline's (sticky's) at the same point: what keeping
 * state elsewhere adds. Measured together (concurrent pairing), the machine's drift from one
 * point to the next lands on both and cancels; p50 then comes from the per-second paired
 * differences. `BASELINE` in a title is the baseline's name.
 */
export const GROWTH_METRICS: readonly { metric: GrowthMetric; title: string; unit: 'µs' | 'B'; floor: number; added?: true }[] = [
  { metric: 'p50', title: 'p50 latency', unit: 'µs', floor: 20 },
  { metric: 'p99', title: 'p99 latency', unit: 'µs', floor: 50 },
  { metric: 'cpu', title: 'CPU per request (replicas + store)', unit: 'µs', floor: 5 },
  { metric: 'bytes', title: 'bytes per request (read and written by the replicas)', unit: 'B', floor: 64 },
  { metric: 'p50-added', title: 'p50 latency added over BASELINE', unit: 'µs', floor: 20, added: true },
  { metric: 'cpu-added', title: 'CPU per request added over BASELINE', unit: 'µs', floor: 5, added: true },
];

/** One architecture at one point: medians over its repetitions. */
export interface PointFigures {
  p50Us: number;
  p99Us: number;
  /** CPU of the replicas and the store per completed request, µs; null when not measured. */
  cpuUsPerRequest: number | null;
  /** Bytes the replicas read and wrote (client and store traffic, files) per completed request; null when not measured. */
  bytesPerRequest: number | null;
  /** Failed share of completed requests, 0..1. */
  errorRate: number;
  throughputRps: number;
  /** Why the architecture failed at this point (the value is then marked, not drawn nor fitted). */
  failure?: string;
  /** Memory of where its sessions live (the first repetition's). */
  memory?: SessionMemory;
  /** The machine disturbed every repetition (measurementQuality). */
  disturbed: boolean;
  /** This figure minus the baseline's at the same point; absent for the baseline itself, or without one. */
  added?: { p50Us: number | null; cpuUsPerRequest: number | null };
}

/** A figure's value in a metric, or null when it was not measured. */
export function metricOf(f: PointFigures, metric: GrowthMetric): number | null {
  switch (metric) {
    case 'p50':
      return f.p50Us;
    case 'p99':
      return f.p99Us;
    case 'cpu':
      return f.cpuUsPerRequest;
    case 'bytes':
      return f.bytesPerRequest;
    case 'p50-added':
      return f.added?.p50Us ?? null;
    case 'cpu-added':
      return f.added?.cpuUsPerRequest ?? null;
  }
}

/**
 * The architecture the others are measured against: the one whose router pins sessions to
 * replicas (sticky: state never leaves the replica), as the run's paired differences name it.
 * Undefined when no such architecture ran.
 */
export function sweepBaseline(result: Pick<SweepResult, 'points'>): string | undefined {
  for (const p of result.points) {
    const named = p.run.pairing?.differences?.[0]?.baseline;
    if (named !== undefined) return named;
  }
  return sweepArchitectures(result).find((a) => ARCHITECTURES.get(a)?.routing === 'sticky');
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const medianOrNull = (xs: (number | null)[]): number | null => {
  const present = xs.filter((x): x is number => x !== null);
  return present.length === 0 ? null : median(present);
};

/** Replicas and the store (its forked processes and replicas counted in); not the generator, nor the latency proxy that stands in for a network. */
function isServerComponent(component: string): boolean {
  return component.startsWith('replica-') || (component.startsWith('store') && component !== 'store-proxy');
}

function cpuPerRequest(r: ArchitectureResult): number | null {
  const rows = r.cpu.filter((c) => isServerComponent(c.component));
  return rows.length === 0 ? null : rows.reduce((s, c) => s + c.cpuUsPerRequest, 0);
}

function bytesPerRequest(r: ArchitectureResult): number | null {
  const rows = (r.io ?? []).filter((c) => c.component.startsWith('replica-'));
  const completed = r.requests.ok + r.requests.failed;
  if (rows.length === 0 || completed === 0) return null;
  return Math.round(rows.reduce((s, c) => s + c.readBytes + c.writtenBytes, 0) / completed);
}

/** `413 on 38% of requests`, `did not run: …`: why a run counts as failed at its point, or undefined. */
export function failureOf(r: ArchitectureResult): string | undefined {
  if (r.error !== undefined && r.requests.sent === 0) return `did not run: ${r.error}`;
  const completed = r.requests.ok + r.requests.failed;
  const share = completed === 0 ? 1 : r.requests.failed / completed;
  if (r.unmeasured === undefined && share <= FAILING_ERROR_SHARE) return undefined;
  const statuses = Object.entries(r.requests.errorStatuses ?? {}).sort((a, b) => b[1] - a[1]);
  const kinds = Object.entries(r.requests.errors).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  const what = statuses.length > 0 && statuses[0][1] >= (kinds[0]?.[1] ?? 0) / 2 ? statuses[0][0] : (kinds[0]?.[0] ?? 'errors');
  return `${what} on ${Math.round(share * 100)}% of requests`;
}

/** One architecture's runs at one point (its repetitions) as the figures the sweep compares. */
export function pointFigures(runs: readonly ArchitectureResult[]): PointFigures {
  const failures = runs.map(failureOf);
  const failure = failures.find((f) => f !== undefined);
  return {
    p50Us: median(runs.map((r) => r.latencyUs.p50)),
    p99Us: median(runs.map((r) => r.latencyUs.p99)),
    cpuUsPerRequest: medianOrNull(runs.map(cpuPerRequest)),
    bytesPerRequest: medianOrNull(runs.map(bytesPerRequest)),
    errorRate: median(runs.map((r) => (r.requests.ok + r.requests.failed === 0 ? 0 : r.requests.failed / (r.requests.ok + r.requests.failed)))),
    throughputRps: median(runs.map((r) => r.throughputRps)),
    disturbed: runs.every((r) => r.measurementQuality?.disturbed === true),
    ...(failure === undefined ? {} : { failure }),
    ...(runs[0]?.memory === undefined ? {} : { memory: runs[0].memory }),
  };
}

/**
 * Measured together, the median over the seconds both completed requests in of this run's p50
 * minus the baseline's that second (repetitions paired in order): a second in which the machine
 * stalled both moves neither, where the difference of the window p50s would carry it. Undefined
 * when no second pairs.
 */
function pairedMedianUs(runs: readonly ArchitectureResult[], baselines: readonly ArchitectureResult[]): number | undefined {
  const diffs: number[] = [];
  runs.forEach((run, i) => {
    const base = baselines[i];
    if (base === undefined) return;
    const bySecond = new Map(base.timeline.map((s) => [s.second, s]));
    for (const s of run.timeline) {
      const b = bySecond.get(s.second);
      if (s.second * 1000 >= run.measuredMs || b === undefined || s.completed === 0 || b.completed === 0) continue;
      diffs.push(s.p50Us - b.p50Us);
    }
  });
  return diffs.length === 0 ? undefined : median(diffs);
}

/** Architectures of a sweep, in the order they ran (the columns of every table). */
export function sweepArchitectures(result: Pick<SweepResult, 'points'>): string[] {
  return [...new Set(result.points.flatMap((p) => p.run.architectures.map((a) => a.architecture)))];
}

/**
 * An architecture's figures at a point, with what it adds over `baseline` there (p50: the median
 * of the per-second differences when they were measured together, else the difference of the
 * two p50s); undefined when it did not run there (skipped, interrupted).
 */
export function figuresAt(point: SweepPoint, architecture: string, baseline?: string): PointFigures | undefined {
  const runs = point.run.architectures.filter((a) => a.architecture === architecture);
  if (runs.length === 0) return undefined;
  const figures = pointFigures(runs);
  if (baseline === undefined || baseline === architecture) return figures;
  const base = figuresAt(point, baseline);
  if (base === undefined || base.failure !== undefined) return figures;
  const p50Us = point.run.pairing?.mode === 'concurrent' ? (pairedMedianUs(runs, point.run.architectures.filter((a) => a.architecture === baseline)) ?? figures.p50Us - base.p50Us) : figures.p50Us - base.p50Us;
  const cpuUsPerRequest = figures.cpuUsPerRequest === null || base.cpuUsPerRequest === null ? null : figures.cpuUsPerRequest - base.cpuUsPerRequest;
  return { ...figures, added: { p50Us, cpuUsPerRequest } };
}

/** What a fit's x is: the swept field's own value, or the session state when that is what the field changes. */
export interface SweepAxis {
  /** One x per point of the sweep, in base units (bytes, ms, req/s, a count); null where not a number. */
  xs: (number | null)[];
  /** The x per unit of slope: 1024 (a KiB), 1 (a ms), 1000 (req/s). */
  step: number;
  /** What one step is, completing "µs per …": `KiB of session`, `ms of store.latency`. */
  stepWords: string;
}

/** A session's state when its cart is full (adds × payload), bytes: what the stores load and save. */
export function sessionStateBytes(point: SweepPoint): number {
  return point.run.scenario.session.adds * point.run.scenario.session.payloadBytes;
}

/**
 * The axis along field `f`: the session state (adds × payload) when the field changes it (a
 * sweep of `session.payload` or `session.adds`), for "µs per KiB of session"; otherwise the
 * field's own values. Undefined for a field whose values are not numbers.
 */
export function axisAlong(result: Pick<SweepResult, 'points' | 'scenario'>, f: number): SweepAxis | undefined {
  const field = result.scenario.sweep.fields[f];
  if (field.unit === 'none') return undefined;
  const groups = groupsAlong(result, f);
  const stateVaries = groups.some((g) => new Set(g.map((p) => sessionStateBytes(p))).size > 1);
  if (stateVaries) return { xs: result.points.map(sessionStateBytes), step: 1024, stepWords: 'KiB of session' };
  const xs = result.points.map((p) => field.numbers[p.at[f]]);
  return { xs, ...stepOf(field, xs) };
}

function stepOf(field: SweepField, xs: (number | null)[]): { step: number; stepWords: string } {
  switch (field.unit) {
    case 'bytes':
      return { step: 1024, stepWords: `KiB of ${field.path}` };
    case 'ms':
      return { step: 1, stepWords: `ms of ${field.path}` };
    case 'rps':
      return { step: 1000, stepWords: `1,000/s of ${field.path}` };
    default: {
      const max = Math.max(1, ...xs.filter((x): x is number => x !== null));
      const step = max >= 1000 ? 10 ** (Math.floor(Math.log10(max)) - 1) : 1;
      return { step, stepWords: `${step.toLocaleString('en-US')} of ${field.path}` };
    }
  }
}

/** The points along field `f`, grouped by the other fields' values (one group without a grid), in value order. */
export function groupsAlong(result: Pick<SweepResult, 'points'>, f: number): SweepPoint[][] {
  const groups = new Map<string, SweepPoint[]>();
  for (const p of result.points) {
    const key = p.at.filter((_, i) => i !== f).join(',');
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  return [...groups.values()].map((g) => [...g].sort((a, b) => a.at[f] - b.at[f]));
}

/** The holder's growth over a run (bytes) and what it is the growth of; undefined when not read. */
function holderGrowth(m: SessionMemory): { bytes: number; measure: string } | undefined {
  if (m.holder === 'replicas' && m.replicas.length > 0) return { bytes: m.replicas.reduce((s, r) => s + r.afterBytes - r.beforeBytes, 0), measure: 'RSS of the replicas' };
  if (m.holder === 'store' && m.store !== undefined) return { bytes: m.store.afterBytes - m.store.beforeBytes, measure: m.store.measure };
  return undefined;
}

/** Every fit of a sweep: each figure, each architecture, along each numeric field; and memory per session. */
export function sweepGrowth(result: Pick<SweepResult, 'points' | 'scenario'>): SweepGrowth {
  const architectures = sweepArchitectures(result);
  const baseline = sweepBaseline(result);
  const fields = result.scenario.sweep.fields;
  const fits: GrowthFit[] = [];
  fields.forEach((field, f) => {
    const axis = axisAlong(result, f);
    if (axis === undefined) return;
    const xOf = new Map(result.points.map((p, i) => [p, axis.xs[i]]));
    for (const group of groupsAlong(result, f)) {
      const held = fields.length > 1 ? fields.map((g, i) => (i === f ? '' : `${g.path}=${g.values[group[0].at[i]]}`)).filter(Boolean).join(', ') : undefined;
      for (const architecture of architectures) {
        const figures = group.map((p) => ({ p, fig: figuresAt(p, architecture, baseline) }));
        const failedAt = figures.filter((x) => x.fig?.failure !== undefined).map((x) => field.values[x.p.at[f]]);
        const disturbedAt = figures.filter((x) => x.fig !== undefined && x.fig.failure === undefined && x.fig.disturbed).map((x) => field.values[x.p.at[f]]);
        for (const { metric, floor, added } of GROWTH_METRICS) {
          if (added && (baseline === undefined || architecture === baseline)) continue;
          const pts = figures.flatMap(({ p, fig }) => {
            const x = xOf.get(p);
            const y = fig === undefined || fig.failure !== undefined ? null : metricOf(fig, metric);
            return x === null || x === undefined || y === null ? [] : [{ x, y }];
          });
          fits.push({ metric, architecture, along: field.path, ...(held === undefined ? {} : { held }), ...classify(pts, axis.step, floor), stepWords: axis.stepWords, failedAt, disturbedAt });
        }
      }
    }
  });
  return { fits, memory: memoryFits(result, architectures) };
}

/** The verdict and slope of one series (see GrowthFit.verdict). */
export function classify(
  pts: readonly { x: number; y: number }[],
  step: number,
  floor: number,
): Pick<GrowthFit, 'verdict' | 'slopePerStep' | 'r2' | 'points' | 'fromValue' | 'toValue'> {
  const sorted = [...pts].sort((a, b) => a.x - b.x);
  const ends = { fromValue: sorted[0]?.y ?? null, toValue: sorted.at(-1)?.y ?? null };
  const fit = fitLine(sorted);
  if (fit === undefined) return { verdict: 'too-few', slopePerStep: null, r2: null, points: pts.length, ...ends };
  const range = sorted.at(-1)!.x - sorted[0].x;
  const meanY = sorted.reduce((s, p) => s + p.y, 0) / sorted.length;
  const change = Math.abs(fit.slope) * range;
  const verdict = change < Math.max(FLAT_SHARE * Math.abs(meanY), floor) ? 'flat' : fit.points === 2 || fit.r2 >= LINEAR_R2 ? 'linear' : 'not-linear';
  return { verdict, slopePerStep: fit.slope * step, r2: fit.r2, points: fit.points, ...ends };
}

function memoryFits(result: Pick<SweepResult, 'points'>, architectures: string[]): MemoryFit[] {
  const out: MemoryFit[] = [];
  for (const architecture of architectures) {
    const memories = result.points.map((p) => figuresAt(p, architecture)?.memory);
    const holder = memories.find((m) => m !== undefined)?.holder;
    if (holder === undefined || holder === 'client') continue;
    const growths = memories.map((m) => (m === undefined ? undefined : holderGrowth(m)));
    const measure = growths.find((g) => g !== undefined)?.measure;
    if (measure === undefined) continue;
    const pts = memories.flatMap((m, i) => (m === undefined || growths[i] === undefined || m.sessionsHeld === 0 ? [] : [{ x: m.sessionsHeld, y: growths[i]!.bytes }]));
    const held = pts.map((p) => p.x);
    const spread = held.length >= 2 && Math.max(...held) >= 1.5 * Math.min(...held);
    const fit = spread ? fitLine(pts) : undefined;
    out.push({
      architecture,
      holder,
      measure,
      bytesPerSession: fit === undefined ? null : Math.round(fit.slope),
      r2: fit?.r2 ?? null,
      perPoint: memories.map((m) => m?.bytesPerSession ?? null),
      sessionsHeld: memories.map((m) => m?.sessionsHeld ?? null),
    });
  }
  return out;
}
