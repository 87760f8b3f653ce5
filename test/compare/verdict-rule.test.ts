import { repetitionBand } from '../../src/compare/side-figure.js';
import { describe, expect, test } from 'vitest';
import { NOISE_RULE } from '../../src/compare/compare-results.js';
import { judgeMetric } from '../../src/compare/judge-metric.js';
import { DEFAULT_MAX_REGRESS } from '../../src/compare/tolerances.js';
import type { Tolerance } from '../../src/compare/types.js';
import type { MetricName } from '../../src/metrics/metric-names.js';
import type { ArchitectureResult } from '../../src/result/types.js';
import { steadySeconds, syntheticRun, type SecondSpec } from './synthetic-run.js';

const judge = (metric: MetricName, baseline: ArchitectureResult[], current: ArchitectureResult[], doubt?: string) =>
  judgeMetric(metric, DEFAULT_MAX_REGRESS[metric] as Tolerance, baseline, current, doubt, NOISE_RULE);

const flat = (n: number, p50: number, p99 = p50 * 4): SecondSpec[] => Array.from({ length: n }, () => ({ p50, p99 }));

describe('the noise of a run comes from its own seconds', () => {
  test('identical seconds have no noise: the tolerance alone decides', () => {
    const baseline = [syntheticRun({ seconds: flat(10, 1000) })];
    const within = judge('p50', baseline, [syntheticRun({ seconds: flat(10, 1090) })]);
    expect(within.baseline?.withinRun).toEqual({ below: 0, above: 0 });
    expect(within).toMatchObject({ noise: 0, beyondTolerance: false, beyondNoise: true, verdict: 'within-noise' });
    expect(judge('p50', baseline, [syntheticRun({ seconds: flat(10, 1110) })])).toMatchObject({ beyondTolerance: true, verdict: 'regression' });
  });

  test('in a steady run +30% is a regression, -30% an improvement, +5% within noise', () => {
    const baseline = [syntheticRun({ seconds: steadySeconds(10, 1000) })];
    const worse = judge('p50', baseline, [syntheticRun({ seconds: steadySeconds(10, 1300) })]);
    expect(worse.change).toBe(300);
    expect(worse.noise).toBeGreaterThan(0);
    expect(worse.noise).toBeLessThan(100);
    expect(worse.verdict).toBe('regression');
    expect(judge('p50', baseline, [syntheticRun({ seconds: steadySeconds(10, 700) })]).verdict).toBe('improvement');
    expect(judge('p50', baseline, [syntheticRun({ seconds: steadySeconds(10, 1050) })])).toMatchObject({ beyondTolerance: false, verdict: 'within-noise' });
  });

  test('in a run whose seconds swing between 500 µs and 1.5 ms, +30% is within noise', () => {
    const swinging = (scale: number): SecondSpec[] => Array.from({ length: 10 }, (_, i) => ({ p50: (i % 2 ? 500 : 1500) * scale }));
    const m = judge('p50', [syntheticRun({ seconds: swinging(1) })], [syntheticRun({ seconds: swinging(1.3), p50: 1300 })]);
    expect(m.beyondTolerance).toBe(true);
    expect(m.noise).toBeGreaterThan(Math.abs(m.change ?? 0));
    expect(m.verdict).toBe('within-noise');
  });

  test('a p99 set by one slow second could have read as low as the other seconds', () => {
    const seconds = [...flat(9, 1000, 2000), { p50: 1000, p99: 100_000 }];
    // 12.6 ms: the p99 of the ten seconds put together (see per-second-figures.test.ts).
    const run = syntheticRun({ seconds, p99: 12_600 });
    const band = judge('p99', [run], [run]).baseline?.withinRun;
    // Over a third of the resamples miss the slow second (0.9^10): their p99 is the steady 2 ms.
    expect(band!.below).toBeGreaterThan(0.99 * (12_600 - 2000));
    expect(band!.below).toBeLessThan(1.01 * (12_600 - 2000));
  });

  test('a trailing second of grace-period stragglers is no second of load, and fixed in every resample', () => {
    const run = syntheticRun({ seconds: flat(6, 1000) });
    run.timeline.push({ ...run.timeline[0], second: 6, completed: 1, ok: 1, p50Us: 9000, p99Us: 9000 });
    expect(judge('p50', [run], [run]).baseline).toMatchObject({ seconds: 6, withinRun: { below: 0, above: 0 } });
  });
});

describe('repetitions widen the noise', () => {
  test('a baseline repeated at 1.00, 1.15 and 1.30 ms: 1.30 ms now is within noise, although beyond the tolerance', () => {
    const baseline = [1000, 1150, 1300].map((p50, i) => syntheticRun({ seconds: steadySeconds(10, p50), repetition: i + 1 }));
    const m = judge('p50', baseline, [syntheticRun({ seconds: steadySeconds(10, 1300) })]);
    expect(m.baseline).toMatchObject({ value: 1150, min: 1000, max: 1300, runs: 3 });
    // s = 150, so one more run lands within 2.92 × 150 × √(4/3) = 506 µs of the mean (90%).
    expect(m.baseline!.repetitions!.above).toBeCloseTo(505.8, 0);
    expect(m.baseline!.repetitions!.below).toBeCloseTo(505.8, 0);
    expect(m.beyondTolerance).toBe(true);
    expect(m.noise).toBeGreaterThanOrEqual(150);
    expect(m.verdict).toBe('within-noise');
  });
});

describe('where one more repetition could land', () => {
  test('the quiet machine’s case: three repetitions at 196, 197 and 236 µs, then 258 µs, is within noise', () => {
    
    const band = repetitionBand([196, 197, 236], 197);
    // The range reached 39 µs above the median; a fourth run can land 90 µs above it.
    expect(band.above).toBeGreaterThan(258 - 197);
    expect(band.below).toBeGreaterThanOrEqual(1);
  });

  test('repetitions left out as disturbed still widen the band: their spread is noise', () => {
    // The fresh compare-noise run: sticky p50 273 (disturbed), 237, 264 (disturbed), then 270.
    const reps = [273, 237, 264].map((p50, i) => syntheticRun({ seconds: steadySeconds(6, p50), repetition: i + 1 }));
    const current = [syntheticRun({ seconds: steadySeconds(6, 270) })];
    const quietOnly = judgeMetric('p50', DEFAULT_MAX_REGRESS.p50 as Tolerance, [reps[1]], current, undefined, NOISE_RULE);
    expect(quietOnly.verdict).toBe('regression');
    const withSpread = judgeMetric('p50', DEFAULT_MAX_REGRESS.p50 as Tolerance, [reps[1]], current, undefined, NOISE_RULE, { baseline: reps, current });
    expect(withSpread.baseline).toMatchObject({ value: 237, runs: 1 });
    expect(withSpread.verdict).toBe('within-noise');
  });

  test('never narrower than the repetitions reached', () => {
    
    const band = repetitionBand([100, 100, 100, 100, 100, 100, 100, 100, 100, 300], 100);
    expect(band.above).toBeGreaterThanOrEqual(200);
  });
});

describe('losses are events: only the baseline has noise for them', () => {
  test('a baseline that lost nothing: three lost sessions are a regression, however the current run swung', () => {
    const baseline = [syntheticRun({ seconds: steadySeconds(10, 1000) })];
    const seconds = steadySeconds(10, 1000);
    seconds[4] = { ...seconds[4], sessionsLost: 3 };
    const m = judge('sessions-lost', baseline, [syntheticRun({ seconds })]);
    expect(m).toMatchObject({ change: 3, noise: 0, verdict: 'regression' });
  });

  test('losses inside a fault window are resampled within it: a kill is part of the experiment, not noise', () => {
    const killed = (lost: number) => {
      const seconds = steadySeconds(10, 1000);
      seconds[5] = { ...seconds[5], sessionsLost: lost };
      return syntheticRun({
        architecture: 'sticky',
        seconds,
        faultWindows: [{ kind: 'kill', target: 'replica-2', startMs: 5000, recoveredAtMs: 6000, timeToRecoverMs: 1000, errors: {}, sessionsLost: lost, updatesLost: 0, p99Us: 0 }],
      });
    };
    const within = judge('sessions-lost', [killed(70)], [killed(80)]);
    expect(within.baseline?.withinRun).toEqual({ below: 0, above: 0 });
    expect(within.verdict).toBe('within-noise');
    expect(judge('sessions-lost', [killed(70)], [killed(100)]).verdict).toBe('regression');
  });
});

describe('inconclusive', () => {
  test('a disturbed run: inconclusive whatever the figures, with the reason', () => {
    const m = judge('p50', [syntheticRun({ seconds: steadySeconds(10, 1000) })], [syntheticRun({ seconds: steadySeconds(10, 5000) })], 'the current run was disturbed: foreign CPU');
    expect(m).toMatchObject({ verdict: 'inconclusive', reason: 'the current run was disturbed: foreign CPU', beyondTolerance: true, beyondNoise: true });
  });

  test('fewer than 5 measured seconds: the noise cannot be known', () => {
    const m = judge('p50', [syntheticRun({ seconds: steadySeconds(10, 1000) })], [syntheticRun({ seconds: steadySeconds(4, 5000) })]);
    expect(m.verdict).toBe('inconclusive');
    expect(m.reason).toBe('too few measured seconds to know the noise (4 in the current run, at least 5 needed)');
  });

  test('a metric without a per-second figure and no repetitions', () => {
    const run = syntheticRun({ seconds: steadySeconds(10, 1000) });
    const m = judgeMetric('unfinished', { kind: 'relative', fraction: 0.1 }, [run], [run], undefined, NOISE_RULE);
    expect(m).toMatchObject({ verdict: 'inconclusive', reason: 'no per-second figure and no repetitions: the noise is unknown' });
  });

  test('a metric that does not apply is not compared, and an `off` tolerance is shown, never judged', () => {
    const noStore = syntheticRun({ seconds: steadySeconds(10, 1000) });
    expect(judge('store-p50', [noStore], [noStore])).toMatchObject({ verdict: 'not-compared', reason: 'does not apply to the either run' });
    const m = judgeMetric('p50', { kind: 'off' }, [noStore], [syntheticRun({ seconds: steadySeconds(10, 9000) })], undefined, NOISE_RULE);
    expect(m.verdict).toBe('off');
  });
});
