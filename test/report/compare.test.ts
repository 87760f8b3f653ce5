import { describe, expect, test } from 'vitest';
import { EXIT, InvalidInputError } from '../../src/errors.js';
import type { RunResult } from '../../src/result/types.js';
import {
  DEFAULT_MAX_REGRESS,
  compareResults,
  parseMaxRegress,
  renderComparison,
  renderComparisonMarkdown,
  type Comparison,
  type MetricComparison,
} from '../../src/report/compare.js';
import { loadFixture } from './load-fixture.js';

function metric(cmp: Comparison, architecture: string, name: string): MetricComparison {
  const arch = cmp.architectures.find((a) => a.architecture === architecture);
  const m = arch?.metrics.find((x) => x.metric === name);
  if (!m) throw new Error(`no ${architecture} ${name} in comparison`);
  return m;
}

function setP99(result: RunResult, architecture: string, p99: number): RunResult {
  for (const a of result.architectures) if (a.architecture === architecture) a.latencyUs = { ...a.latencyUs, p99 };
  return result;
}

function thrown(fn: () => unknown): InvalidInputError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidInputError);
    return err as InvalidInputError;
  }
  throw new Error('expected an InvalidInputError');
}

describe('noise rule with a repeated baseline', () => {
  test('a change beyond the tolerance and outside the spread is a regression', () => {
    const cmp = compareResults(loadFixture('baseline-repeated'), loadFixture('current-regressed'));
    const p99 = metric(cmp, 'redis', 'p99');
    expect(p99.baseline).toEqual({ median: 3600, min: 3400, max: 3900, n: 3 });
    expect(p99.current?.median).toBe(5460);
    expect(p99.change).toBe(1860);
    expect(p99.changeFraction).toBeCloseTo(0.5167, 3);
    expect(p99).toMatchObject({ exceedsTolerance: true, beyondNoise: true, regressed: true, verdict: 'regressed' });
    // Lower is worse for throughput: below the slowest baseline run widened by 5%.
    expect(metric(cmp, 'sqlite', 'throughput')).toMatchObject({ regressed: true, verdict: 'regressed' });
    expect(cmp.architectures.map((a) => [a.architecture, a.regressed])).toEqual([
      ['sticky', false],
      ['redis', true],
      ['sqlite', true],
    ]);
    expect(cmp.regressed).toBe(true);
  });

  test('a change beyond the tolerance but within the spread widened by it is noise', () => {
    const cmp = compareResults(loadFixture('baseline-repeated'), loadFixture('current-noise'));
    // +14% over the median, but 4,100 µs < 3,900 µs × 1.10 = 4,290 µs.
    expect(metric(cmp, 'redis', 'p99')).toMatchObject({
      exceedsTolerance: true,
      beyondNoise: false,
      regressed: false,
      verdict: 'noise',
    });
    expect(cmp.regressed).toBe(false);
  });

  test('an improvement is never a regression', () => {
    const current = setP99(loadFixture('current-regressed'), 'redis', 2000);
    current.architectures.find((a) => a.architecture === 'sqlite')!.throughputRps = 2400;
    const cmp = compareResults(loadFixture('baseline-repeated'), current);
    expect(metric(cmp, 'redis', 'p99')).toMatchObject({ regressed: false, verdict: 'improved' });
    expect(metric(cmp, 'sqlite', 'throughput')).toMatchObject({ regressed: false, verdict: 'improved' });
    expect(cmp.regressed).toBe(false);
  });

  test('several current repetitions are compared through their median', () => {
    const baseline = loadFixture('baseline-repeated');
    const cmp = compareResults(baseline, loadFixture('baseline-repeated'));
    expect(cmp.regressed).toBe(false);
    expect(cmp.architectures[0].currentRuns).toBe(3);
    expect(metric(cmp, 'redis', 'p99')).toMatchObject({ change: 0, verdict: 'ok' });
  });
});

describe('single-run baseline: no spread known, the tolerance decides', () => {
  test('beyond the tolerance is a regression, within it is not', () => {
    const baseline = loadFixture('kill-one-replica');
    const worse = setP99(loadFixture('kill-one-replica'), 'redis', Math.round(3473 * 1.15));
    const cmp = compareResults(baseline, worse);
    expect(cmp.architectures.every((a) => !a.spreadKnown)).toBe(true);
    expect(metric(cmp, 'redis', 'p99')).toMatchObject({ beyondNoise: null, regressed: true, verdict: 'regressed' });

    const slightly = setP99(loadFixture('kill-one-replica'), 'redis', Math.round(3473 * 1.05));
    expect(metric(compareResults(baseline, slightly), 'redis', 'p99')).toMatchObject({ regressed: false, verdict: 'ok' });
  });

  test('an architecture that lost no session must keep losing none; sticky may wobble', () => {
    const current = loadFixture('kill-one-replica');
    for (const a of current.architectures) {
      if (a.architecture === 'redis') a.sessions = { ...a.sessions, lost: 1 };
      if (a.architecture === 'sticky') a.sessions = { ...a.sessions, lost: Math.round(a.sessions.lost * 1.1) };
    }
    const cmp = compareResults(loadFixture('kill-one-replica'), current);
    expect(metric(cmp, 'redis', 'sessions-lost')).toMatchObject({ changeFraction: null, regressed: true });
    expect(metric(cmp, 'sticky', 'sessions-lost')).toMatchObject({ regressed: false, verdict: 'ok' });
  });

  test('error rate moves by percentage points, not percent', () => {
    const current = loadFixture('kill-one-replica');
    const redis = current.architectures.find((a) => a.architecture === 'redis')!;
    // 0.08% → ~0.8%: ten times more, but under one percentage point.
    redis.requests = { ...redis.requests, failed: redis.requests.failed * 10 };
    const cmp = compareResults(loadFixture('kill-one-replica'), current);
    expect(metric(cmp, 'redis', 'error-rate')).toMatchObject({ regressed: false });
    redis.requests = { ...redis.requests, failed: 1500 };
    expect(metric(compareResults(loadFixture('kill-one-replica'), current), 'redis', 'error-rate').regressed).toBe(true);
  });

  test('metrics that do not apply are not compared', () => {
    const cmp = compareResults(loadFixture('kill-one-replica'), loadFixture('kill-one-replica'));
    expect(metric(cmp, 'cookie', 'store-p99')).toMatchObject({ verdict: 'not-compared', regressed: false, baseline: null });
  });
});

describe('tolerances', () => {
  test('defaults are documented and cover the headline metrics', () => {
    expect(DEFAULT_MAX_REGRESS.p99).toEqual({ kind: 'relative', fraction: 0.1 });
    expect(DEFAULT_MAX_REGRESS.throughput).toEqual({ kind: 'relative', fraction: 0.05 });
    expect(DEFAULT_MAX_REGRESS['error-rate']).toEqual({ kind: 'absolute', amount: 0.01 });
  });

  test('maxRegress overrides a default; a bare number is a fraction', () => {
    const cmp = compareResults(loadFixture('baseline-repeated'), loadFixture('current-regressed'), {
      maxRegress: { p99: { kind: 'off' }, throughput: 0.2 },
    });
    expect(metric(cmp, 'redis', 'p99')).toMatchObject({ verdict: 'off', regressed: false });
    expect(metric(cmp, 'sqlite', 'throughput')).toMatchObject({ regressed: false });
    expect(cmp.regressed).toBe(false);
  });

  test('parseMaxRegress reads percentages, percentage points, durations, amounts and off', () => {
    expect(parseMaxRegress('p99=10%, throughput=5%,error-rate=0.5pp,p50=2ms,sessions-lost=0,max=off,dropped=3')).toEqual({
      p99: { kind: 'relative', fraction: 0.1 },
      throughput: { kind: 'relative', fraction: 0.05 },
      'error-rate': { kind: 'absolute', amount: 0.005 },
      p50: { kind: 'absolute', amount: 2000 },
      'sessions-lost': { kind: 'absolute', amount: 0 },
      max: { kind: 'off' },
      dropped: { kind: 'absolute', amount: 3 },
    });
  });

  test('parseMaxRegress reports every bad entry at once', () => {
    const err = thrown(() => parseMaxRegress('p95=10%,p99=abc,error-rate=5,throughput'));
    expect(err.exitCode).toBe(EXIT.invalidInput);
    expect(err.problems.map((p) => p.path)).toEqual(['p95', 'p99', 'error-rate', 'throughput']);
    expect(err.message).toContain('unknown metric `p95`');
  });

  test('an unknown metric passed to compareResults is an input error', () => {
    const err = thrown(() =>
      compareResults(loadFixture('baseline-repeated'), loadFixture('current-noise'), { maxRegress: { latency: 0.1 } }),
    );
    expect(err.message).toContain('unknown metric `latency`');
  });
});

describe('bad input', () => {
  test('results of different scenarios', () => {
    const err = thrown(() =>
      compareResults(loadFixture('kill-one-replica'), loadFixture('current-noise'), {
        baselineSource: 'base.json',
        currentSource: 'cur.json',
      }),
    );
    expect(err.exitCode).toBe(EXIT.invalidInput);
    expect(err.message).toBe(
      'cannot compare results of different scenarios: base.json ran `kill-one-replica`, cur.json ran `ci-smoke`',
    );
  });

  test('an unknown schema version, naming the file', () => {
    const future = { ...loadFixture('current-noise'), schemaVersion: 2 } as unknown as RunResult;
    const err = thrown(() => compareResults(loadFixture('baseline-repeated'), future, { currentSource: 'future.json' }));
    expect(err.message).toContain('future.json');
    expect(err.message).toContain('schemaVersion 2');
  });

  test('no architecture in common', () => {
    const current = loadFixture('current-noise');
    current.architectures = current.architectures.map((a) => ({ ...a, architecture: 'postgres' }));
    expect(thrown(() => compareResults(loadFixture('baseline-repeated'), current)).message).toContain('nothing to compare');
  });
});

test('architectures on one side only are listed, not counted as regressions', () => {
  const current = loadFixture('current-noise');
  current.architectures = current.architectures.filter((a) => a.architecture !== 'sqlite');
  const cmp = compareResults(loadFixture('baseline-repeated'), current);
  expect(cmp.onlyInBaseline).toEqual(['sqlite']);
  expect(cmp.architectures.map((a) => a.architecture)).toEqual(['sticky', 'redis']);
  expect(renderComparison(cmp, { color: false })).toContain('Not in the current run (not compared): sqlite');
});

test('thresholds failed by the current run are carried apart from regressions', () => {
  const cmp = compareResults(loadFixture('kill-one-replica'), loadFixture('kill-one-replica'));
  expect(cmp.regressed).toBe(false);
  expect(cmp.failedThresholds.map((t) => t.source)).toEqual(['sqlite.error-rate']);
});

describe('rendering', () => {
  const cmp = (): Comparison =>
    compareResults(loadFixture('baseline-repeated'), loadFixture('current-regressed'), {
      baselineSource: 'baseline-repeated.json',
      currentSource: 'current-regressed.json',
    });

  test('terminal', async () => {
    const text = renderComparison(cmp(), { color: false });
    expect(text.trimEnd().split('\n').at(-1)).toBe('2 regressions: redis p99, sqlite throughput.');
    expect(Math.max(...text.split('\n').map((l) => [...l].length))).toBeLessThanOrEqual(80);
    await expect(text).toMatchFileSnapshot('./__snapshots__/compare-regressed.terminal.txt');
  });

  test('terminal, noise', async () => {
    const text = renderComparison(
      compareResults(loadFixture('baseline-repeated'), loadFixture('current-noise'), {
        baselineSource: 'baseline-repeated.json',
        currentSource: 'current-noise.json',
      }),
      { color: false },
    );
    expect(text).toMatch(/│ p99 +│ +3\.60 ms │ 4\.10 ms │ +\+500 µs │ +\+14% │ in noise +│/);
    expect(text).toContain('No regression beyond tolerance (1 change beyond tolerance but within run-to-run noise).');
  });

  test('markdown', async () => {
    const md = renderComparisonMarkdown(cmp());
    expect(md).toContain('❌ **2 regressions: redis p99, sqlite throughput.**');
    await expect(md).toMatchFileSnapshot('./__snapshots__/compare-regressed.md');
  });

  test('colour only when asked for', () => {
    // eslint-disable-next-line no-control-regex
    const ansi = /\u001b\[/;
    expect(renderComparison(cmp(), { color: false })).not.toMatch(ansi);
    expect(renderComparison(cmp(), { color: true })).toMatch(ansi);
  });
});
