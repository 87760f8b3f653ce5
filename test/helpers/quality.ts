import { expect } from 'vitest';
import type { MeasurementQuality } from '../../src/result/types.js';

/** One line of a run's quality figures, for the test log beside the figure it qualifies. */
export function describeQuality(q: MeasurementQuality | undefined): string {
  if (q === undefined) return 'quality: not measured';
  const parts: string[] = [q.disturbed ? `DISTURBED (${q.reasons.join('; ')})` : 'quiet'];
  const l = q.generatorLatenessUs;
  if (l) parts.push(`lateness p50 ${l.p50} µs p99 ${l.p99} µs, ${(l.lateShare * 100).toFixed(1)}% > ${q.limits.lateUs} µs`);
  if (q.loopDelayUs) parts.push(`loop delay p99 ${q.loopDelayUs.p99} µs max ${q.loopDelayUs.max} µs`);
  if (q.foreignCores) parts.push(`foreign ${q.foreignCores.mean} cores (max ${q.foreignCores.max})`);
  if (q.stealShare) parts.push(`steal ${(q.stealShare.mean * 100).toFixed(1)}%`);
  return `quality: ${parts.join(' · ')}`;
}

/**
 * The figures of `q` past their limits, recomputed from the figures themselves rather than read
 * from the verdict: what backs a "disturbed".
 */
export function figuresPastLimits(q: MeasurementQuality): string[] {
  const { limits } = q;
  const past: string[] = [];
  if ((q.generatorLatenessUs?.lateShare ?? 0) > limits.lateShare) past.push('generator lateness');
  if ((q.loopDelayUs?.p99 ?? 0) > limits.loopDelayP99Us) past.push('event-loop delay');
  if ((q.foreignCores?.mean ?? 0) > limits.foreignCores) past.push('foreign CPU');
  if ((q.stealShare?.mean ?? 0) > limits.stealShare) past.push('steal');
  if (q.firstSecond?.transient === true) past.push('first-second transient');
  return past;
}

/**
 * A timing bound that holds on any machine the run calls quiet: `check` (the test's own
 * `expect`s) must pass unless the run's measurementQuality says the machine disturbed it, and
 * then the verdict must be backed by figures past their limits. Never vacuous: a quiet run that
 * misses the bound fails, as does a "disturbed" with no figure behind it. Returns which way it
 * went, and logs a miss with the figures that explain it.
 */
export function expectBoundUnlessDisturbed(q: MeasurementQuality | undefined, what: string, check: () => void): 'held' | 'excused' {
  expect(q, `${what}: the run must measure its own quality`).toBeDefined();
  if (!q!.disturbed) {
    check();
    return 'held';
  }
  expect(figuresPastLimits(q!), `${what}: a disturbed verdict needs figures past their limits`).not.toEqual([]);
  expect(q!.reasons.length).toBeGreaterThanOrEqual(1);
  try {
    check();
    return 'held';
  } catch (err) {
    console.log(`${what}: bound missed on a disturbed run (${(err as Error).message}); ${describeQuality(q)}`);
    return 'excused';
  }
}
