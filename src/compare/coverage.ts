import type { ArchitectureResult, RunResult } from '../result/types.js';
import type { CoverageLoss } from './types.js';

/** Architectures in the order they first appear among a result's entries. */
export function architecturesOf(entries: readonly ArchitectureResult[]): string[] {
  return [...new Set(entries.map((e) => e.architecture))];
}

/** True when every repetition of the architecture failed before completing a single request. */
function measuredNothing(runs: readonly ArchitectureResult[]): boolean {
  return runs.length > 0 && runs.every((r) => !r.complete && r.requests.ok + r.requests.failed === 0);
}

/**
 * Baseline architectures the current run does not cover: absent from it, skipped by it (redis
 * without redis-server), or run but failed before measuring anything. A gate that quietly
 * stops measuring a quarter of what it guarded has not passed, so each one fails the comparison.
 */
export function coverageLost(baseline: RunResult, current: RunResult): CoverageLoss[] {
  const losses: CoverageLoss[] = [];
  for (const architecture of architecturesOf(baseline.architectures)) {
    const runs = current.architectures.filter((a) => a.architecture === architecture);
    const skipped = current.skipped.find((s) => s.architecture === architecture);
    if (runs.length === 0) {
      losses.push(skipped ? { architecture, reason: 'skipped', detail: skipped.reason } : { architecture, reason: 'missing' });
    } else if (measuredNothing(runs)) {
      const error = runs.find((r) => r.error)?.error;
      losses.push({ architecture, reason: 'failed', ...(error ? { detail: error } : {}) });
    }
  }
  return losses;
}
