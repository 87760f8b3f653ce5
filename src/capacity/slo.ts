import { metricValue } from '../metrics/metric-names.js';
import type { ArchitectureResult } from '../result/types.js';
import { evaluateThresholds, THRESHOLD_METRICS, type ThresholdMetric } from '../scenario/thresholds.js';
import type { ThresholdSpec } from '../scenario/types.js';

/**
 * The SLO conditions one probe failed, as sentences (`p99 84.2 ms, wanted <= 50ms`); empty
 * when it met them all. A probe that did not complete fails whatever its figures.
 */
export function sloFailures(result: ArchitectureResult, slo: readonly ThresholdSpec[]): string[] {
  const failures: string[] = [];
  if (!result.complete) failures.push(`the probe did not complete${result.error === undefined ? '' : `: ${result.error}`}`);
  for (const check of evaluateThresholds(slo, [result], metricValue)) {
    if (!check.passed) failures.push(`${check.metric} ${formatValue(check.metric, check.actual)}, wanted ${check.expression}`);
  }
  return failures;
}

/** A metric's value in the unit people read it in. */
function formatValue(metric: string, value: number): string {
  if (!Number.isFinite(value)) return 'not measured';
  const unit = THRESHOLD_METRICS[metric as ThresholdMetric]?.unit;
  switch (unit) {
    case 'latency-us':
      return value >= 1000 ? `${Number((value / 1000).toPrecision(3))} ms` : `${Math.round(value)} µs`;
    case 'ratio':
      return `${Number((value * 100).toPrecision(3))}%`;
    case 'rps':
      return `${Math.round(value)}/s`;
    default:
      return String(Math.round(value * 100) / 100);
  }
}
