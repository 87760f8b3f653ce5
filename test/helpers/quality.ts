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
