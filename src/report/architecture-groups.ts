import type { ArchitectureResult } from '../result/types.js';

/** Every repetition of one architecture, in run order. */
export interface ArchitectureGroup {
  architecture: string;
  runs: ArchitectureResult[];
}

/**
 * Groups a result's entries by architecture, in the order each architecture first ran, so
 * repeated runs (`run --repeat N`) become one column with a spread instead of N columns.
 */
export function groupByArchitecture(entries: readonly ArchitectureResult[]): ArchitectureGroup[] {
  const groups = new Map<string, ArchitectureResult[]>();
  for (const entry of entries) {
    const runs = groups.get(entry.architecture);
    if (runs) runs.push(entry);
    else groups.set(entry.architecture, [entry]);
  }
  return [...groups].map(([architecture, runs]) => ({
    architecture,
    runs: runs.sort((a, b) => a.repetition - b.repetition),
  }));
}

/** Median, min and max of the values that exist; null when none does. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  /** How many values the figures come from. */
  n: number;
}

/**
 * The spread of one figure across repetitions. The median, not the mean, stands for the
 * group: one starved repetition on a shared machine must not drag the headline figure.
 */
export function spreadOf(values: readonly (number | null | undefined)[]): Spread | null {
  const present = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (present.length === 0) return null;
  const sorted = [...present].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}
