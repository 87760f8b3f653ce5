import { describe, expect, test } from 'vitest';
import { compareResults } from '../../src/compare/compare-results.js';
import { coverageLost } from '../../src/compare/coverage.js';
import { steadySeconds, syntheticResult, syntheticRun } from './synthetic-run.js';

const sticky = () => syntheticRun({ architecture: 'sticky', seconds: steadySeconds(6, 400) });
const redis = () => syntheticRun({ architecture: 'redis', seconds: steadySeconds(6, 500), storeP50: 150 });

describe('coverage lost', () => {
  test('an architecture missing from the current run fails the comparison', () => {
    const cmp = compareResults(syntheticResult([sticky(), redis()]), syntheticResult([sticky()]));
    expect(cmp.coverageLost).toEqual([{ architecture: 'redis', reason: 'missing' }]);
    expect(cmp.regressions).toEqual([]);
    expect(cmp.failed).toBe(true);
    expect(cmp.architectures.map((a) => a.architecture)).toEqual(['sticky']);
  });

  test('so does one the current run skipped, with the reason it gave', () => {
    const current = syntheticResult([sticky()], { skipped: [{ architecture: 'redis', reason: 'redis-server not found on PATH' }] });
    expect(coverageLost(syntheticResult([sticky(), redis()]), current)).toEqual([
      { architecture: 'redis', reason: 'skipped', detail: 'redis-server not found on PATH' },
    ]);
  });

  test('and one that ran but failed before completing a request', () => {
    const broken = { ...redis(), complete: false, error: 'replica-1 did not answer /healthz within 5 s' };
    broken.requests = { ...broken.requests, ok: 0, failed: 0, sent: 0 };
    expect(coverageLost(syntheticResult([sticky(), redis()]), syntheticResult([sticky(), broken]))).toEqual([
      { architecture: 'redis', reason: 'failed', detail: 'replica-1 did not answer /healthz within 5 s' },
    ]);
  });

  test('a new architecture in the current run is listed, not judged; a baseline skip is not coverage', () => {
    const baseline = syntheticResult([sticky()], { skipped: [{ architecture: 'redis', reason: 'no redis' }] });
    const cmp = compareResults(baseline, syntheticResult([sticky(), redis()]));
    expect(cmp.coverageLost).toEqual([]);
    expect(cmp.onlyInCurrent).toEqual(['redis']);
    expect(cmp.failed).toBe(false);
  });
});
