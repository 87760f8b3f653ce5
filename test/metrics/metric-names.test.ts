import { describe, expect, it } from 'vitest';
import { METRICS, METRIC_NAMES, isMetricName, metricValue } from '../../src/metrics/metric-names.js';
import { Recorder } from '../../src/metrics/recorder.js';
import { summarize } from '../../src/metrics/summarize.js';

function result(storeUs: number) {
  const rec = new Recorder();
  rec.beginMeasuring(0);
  for (let i = 0; i < 100; i++) {
    rec.sent(i * 10);
    if (i === 99) continue;
    rec.request('read', i < 9 ? 'timeout' : 'ok', 1000, 900, storeUs, 'replica-1', i * 10 + 1);
  }
  rec.dropped(500);
  rec.sessionLost(600, 2);
  rec.endMeasuring(1000);
  rec.finish(1000);
  return summarize(rec, { architecture: 'sticky', repetition: 1, replicas: 1, faults: [] });
}

describe('metric names', () => {
  it('names every metric once, with a unit and a direction', () => {
    expect(Object.keys(METRICS)).toEqual([...METRIC_NAMES]);
    for (const name of METRIC_NAMES) expect(METRICS[name].name).toBe(name);
    expect(METRIC_NAMES.filter((n) => !METRICS[n].higherIsWorse)).toEqual(['throughput']);
    expect(isMetricName('p99')).toBe(true);
    expect(isMetricName('p98')).toBe(false);
    expect(isMetricName('toString')).toBe(false);
  });

  it('extracts each metric in its base unit', () => {
    const r = result(120);
    const values = Object.fromEntries(METRIC_NAMES.map((n) => [n, metricValue(r, n)]));
    expect(values).toEqual({
      throughput: 99, mean: 1000, p50: 1000, p90: 1000, p95: 1000, p99: 1000, p999: 1000, max: 1000,
      errors: 9, 'error-rate': 9 / 99, 'sessions-lost': 1, 'updates-lost': 2,
      'store-p50': 120, 'store-p99': 120, dropped: 1, unfinished: 1,
    });
  });

  it('gives NaN where a metric does not apply, and throws on unknown names', () => {
    const r = result(-1);
    expect(metricValue(r, 'store-p99')).toBeNaN();
    expect(METRICS['store-p99'].extract(r)).toBeNull();
    expect(() => metricValue(r, 'p98')).toThrow(/unknown metric/);
  });
});
