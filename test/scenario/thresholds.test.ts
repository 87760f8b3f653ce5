import { describe, expect, test } from 'vitest';
import { evaluateThresholds, parseThreshold, THRESHOLD_METRIC_NAMES } from '../../src/scenario/thresholds.js';
import { METRIC_NAMES } from '../../src/metrics/metric-names.js';
import type { ThresholdSpec } from '../../src/scenario/types.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';

const ALL = ['sticky', 'redis', 'sqlite', 'cookie'];

function spec(key: string, condition: string): ThresholdSpec {
  const parsed = parseThreshold(key, condition, ALL);
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.spec;
}

describe('parseThreshold', () => {
  test.each([
    ['p99', '< 50ms', { metric: 'p99', op: '<', value: 50_000 }],
    ['store-p50', '<= 0.5ms', { metric: 'store-p50', op: '<=', value: 500 }],
    ['max', '< 1m', { metric: 'max', op: '<', value: 60_000_000 }],
    ['error-rate', '<= 1%', { metric: 'error-rate', op: '<=', value: 0.01 }],
    ['error-rate', '< 0.05', { metric: 'error-rate', op: '<', value: 0.05 }],
    ['throughput', '>= 1500/s', { metric: 'throughput', op: '>=', value: 1500 }],
    ['throughput', '> 60000/m', { metric: 'throughput', op: '>', value: 1000 }],
    ['errors', '== 0', { metric: 'errors', op: '==', value: 0 }],
    ['dropped', '<10', { metric: 'dropped', op: '<', value: 10 }],
  ])('%s: %s', (key, condition, expected) => {
    expect(spec(key, condition)).toEqual({ source: key, architecture: undefined, expression: condition, ...expected });
  });

  test('an architecture prefix applies the threshold to that architecture only', () => {
    expect(spec('sticky.sessions-lost', '> 0')).toEqual({
      source: 'sticky.sessions-lost',
      architecture: 'sticky',
      metric: 'sessions-lost',
      op: '>',
      value: 0,
      expression: '> 0',
    });
  });

  test('an unknown metric or prefix is an error, never a silent pass', () => {
    expect(parseThreshold('througput', '> 1/s', ALL)).toEqual({ ok: false, errors: [expect.stringMatching(/^unknown metric `througput` \(did you mean `throughput`\?\)/)] });
    expect(parseThreshold('memcached.p99', '< 1ms', ALL)).toEqual({
      ok: false,
      errors: [expect.stringMatching(/^`memcached` in `memcached.p99` is not an architecture this scenario runs/)],
    });
    expect(parseThreshold('redis.p99', '< 1ms', ['sticky'])).toMatchObject({ ok: false });
  });

  test.each([
    ['p99', '50ms', /expected a comparison such as `< 50ms`/],
    ['p99', '=< 50ms', /expected a comparison/],
    ['p99', '< 50', /`p99` is a latency: `50` has no unit/],
    ['throughput', '> 1500', /`throughput` is a rate: `1500` has no unit: write `1500\/s`/],
    ['error-rate', '< 150%', /is a ratio: expected a percentage/],
    ['errors', '< 1%', /is a count: expected a plain number/],
  ])('%s: %j is rejected', (key, condition, message) => {
    const parsed = parseThreshold(key, condition, ALL);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors.join('; ')).toMatch(message);
  });

  test('the metric names match src/metrics/metric-names.ts', () => {
    expect([...THRESHOLD_METRIC_NAMES].sort()).toEqual([...METRIC_NAMES].sort());
  });

  test('a scenario file may give several conditions for one metric', () => {
    const scenario = parseScenario('thresholds:\n  p99: ["< 50ms", "> 10us"]\n  redis.error-rate: "<= 1%"\n', 'x.yaml');
    expect(scenario.thresholds.map((t) => [t.source, t.op, t.value])).toEqual([
      ['p99', '<', 50_000],
      ['p99', '>', 10],
      ['redis.error-rate', '<=', 0.01],
    ]);
  });
});

describe('evaluateThresholds', () => {
  const results = [
    { architecture: 'sticky', figures: { p99: 40_000, 'sessions-lost': 12 } },
    { architecture: 'redis', figures: { p99: 60_000, 'sessions-lost': 0 } },
  ];
  const value = (r: (typeof results)[number], metric: string) => (r.figures as Record<string, number>)[metric] ?? Number.NaN;

  test('an unprefixed threshold is checked against every architecture', () => {
    expect(evaluateThresholds([spec('p99', '< 50ms')], results, value)).toEqual([
      { source: 'p99', architecture: 'sticky', metric: 'p99', expression: '< 50ms', actual: 40_000, passed: true },
      { source: 'p99', architecture: 'redis', metric: 'p99', expression: '< 50ms', actual: 60_000, passed: false },
    ]);
  });

  test('a prefixed one only against its architecture', () => {
    const checked = evaluateThresholds([spec('sticky.sessions-lost', '> 0'), spec('redis.sessions-lost', '== 0')], results, value);
    expect(checked.map((c) => [c.architecture, c.actual, c.passed])).toEqual([
      ['sticky', 12, true],
      ['redis', 0, true],
    ]);
  });

  test('a threshold that cannot be checked fails: no value, or no result for its architecture', () => {
    const checked = evaluateThresholds([spec('store-p99', '< 1ms'), spec('sqlite.p99', '< 1s')], results, value);
    expect(checked.map((c) => [c.architecture, c.actual, c.passed])).toEqual([
      ['sticky', Number.NaN, false],
      ['redis', Number.NaN, false],
      ['sqlite', Number.NaN, false],
    ]);
  });
});
