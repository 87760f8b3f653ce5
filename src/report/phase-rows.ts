import type { RunResult } from '../result/types.js';
import { groupByArchitecture } from './architecture-groups.js';
import { changesSteadily, kindOfLabel } from '../faults/index.js';
import { latencyLevel } from '../faults/store-latency.js';

/** How load spread over the replicas after the last `scale` of one run. */
export interface ScaleSpreadRow {
  architecture: string;
  repetition?: number;
  /** The phase summarized starts here (after the last scale's second). */
  fromMs: number;
  /** Replica name → share of completed requests, 0..1, in name order. */
  share: Record<string, number>;
  /**
   * From the scale to the first second after which every replica keeps getting at least
   * {@link BALANCED_FRACTION} of an even share; null if load never settled that evenly.
   */
  balancedAfterMs: number | null;
}

/** A replica counts as pulling its weight at 80% of an even share of the second's requests. */
export const BALANCED_FRACTION = 0.8;

/** The steady state at one added store latency, for one run. */
export interface LatencyLevelRow {
  architecture: string;
  repetition?: number;
  /** `+0ms`, `+0.5ms`, `+2ms±0.5ms`: what the proxy added during this phase. */
  level: string;
  fromMs: number;
  toMs: number;
  throughputRps: number;
  errors: number;
  p50Us: number;
  p99Us: number;
  storeP50Us: number;
}

/** One row per run that scaled: the phase after its last `scale`. */
export function buildScaleSpreadRows(result: RunResult): ScaleSpreadRow[] {
  const rows: ScaleSpreadRow[] = [];
  for (const group of groupByArchitecture(result.architectures)) {
    const repeated = group.runs.length > 1;
    for (const run of group.runs) {
      const phases = run.phases ?? [];
      let last = -1;
      phases.forEach((p, i) => {
        if (p.after.some((label) => changesSteadily(kindOfLabel(label), 'replicas'))) last = i;
      });
      if (last < 0) continue;
      const scaleAtMs = run.faults.filter((f) => changesSteadily(f.kind, 'replicas')).at(-1)?.atMs ?? phases[last].startMs;
      const names = Object.keys(phases[last].replicaShare);
      const seconds = run.timeline.filter((t) => t.second * 1000 >= phases[last].startMs && t.second * 1000 < phases[last].endMs);
      const even = (t: (typeof seconds)[number]): boolean => {
        const total = names.reduce((sum, n) => sum + (t.byReplica[n] ?? 0), 0);
        return total > 0 && names.every((n) => (t.byReplica[n] ?? 0) >= (BALANCED_FRACTION * total) / names.length);
      };
      let settled = seconds.length;
      while (settled > 0 && even(seconds[settled - 1])) settled--;
      rows.push({
        architecture: group.architecture,
        ...(repeated ? { repetition: run.repetition } : {}),
        fromMs: phases[last].startMs,
        share: phases[last].replicaShare,
        // Second resolution, counted from the second the scale fired in.
        balancedAfterMs: settled === seconds.length ? null : (seconds[settled].second - Math.floor(scaleAtMs / 1000)) * 1000,
      });
    }
  }
  return rows;
}

/** For runs with `store-latency` steps: one row per phase, labelled with the latency in effect. */
export function buildLatencyLevelRows(result: RunResult): LatencyLevelRow[] {
  const rows: LatencyLevelRow[] = [];
  const initial = latencyLevel(result.scenario.store.latencyMs, result.scenario.store.jitterMs);
  for (const group of groupByArchitecture(result.architectures)) {
    const repeated = group.runs.length > 1;
    for (const run of group.runs) {
      if (!run.faults.some((f) => changesSteadily(f.kind, 'store-latency'))) continue;
      let level = initial;
      for (const p of run.phases ?? []) {
        for (const label of p.after) {
          const kind = kindOfLabel(label);
          if (changesSteadily(kind, 'store-latency')) level = label.slice(kind!.length + 1);
        }
        rows.push({
          architecture: group.architecture,
          ...(repeated ? { repetition: run.repetition } : {}),
          level,
          fromMs: p.startMs,
          toMs: p.endMs,
          throughputRps: p.throughputRps,
          errors: p.errors,
          p50Us: p.p50Us,
          p99Us: p.p99Us,
          storeP50Us: p.storeP50Us,
        });
      }
    }
  }
  return rows;
}
