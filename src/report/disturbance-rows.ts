import type { RunResult } from '../result/types.js';
import { groupByArchitecture } from './architecture-groups.js';
import { runLabel } from './fault-window-rows.js';

/** One architecture run the machine disturbed, ready to render as a warning. */
export interface DisturbedRun {
  architecture: string;
  /** Set when the architecture ran more than once. */
  repetition?: number;
  /** The result's sentences (measurementQuality.reasons). */
  reasons: string[];
  /** Seconds of the timeline whose own figures passed the limits. */
  disturbedSeconds: number[];
}

/** The headline every renderer shows above the disturbed runs. */
export const DISTURBED_HEADLINE = 'Measurement disturbed';
/** What it means for the figures, in one sentence. */
export const DISTURBED_MEANING =
  'the machine held the run up, so these figures may measure the machine rather than the servers; rerun on a quieter machine before trusting them.';

/** Every architecture run whose measurementQuality says it was disturbed, in result order. */
export function findDisturbedRuns(result: RunResult): DisturbedRun[] {
  const rows: DisturbedRun[] = [];
  for (const group of groupByArchitecture(result.architectures)) {
    const repeated = group.runs.length > 1;
    for (const run of group.runs) {
      const q = run.measurementQuality;
      if (q === undefined || !q.disturbed) continue;
      rows.push({
        architecture: group.architecture,
        ...(repeated ? { repetition: run.repetition } : {}),
        reasons: q.reasons,
        disturbedSeconds: q.disturbedSeconds,
      });
    }
  }
  return rows;
}

/** `redis: reason; reason.` */
export function describeDisturbedRun(row: DisturbedRun): string {
  return `${runLabel(row)}: ${row.reasons.join('; ')}.`;
}
