import { describe, expect, test } from 'vitest';
import { compareResults } from '../../src/compare/compare-results.js';
import type { Comparison } from '../../src/compare/types.js';
import type { ArchitectureResult } from '../../src/result/types.js';
import { renderComparisonMarkdown } from '../../src/report/comparison-markdown.js';
import { renderComparison } from '../../src/report/comparison-terminal.js';
import { loadFixture } from './load-fixture.js';

const compared = (baseline: string, current: string): Comparison =>
  compareResults(loadFixture(baseline), loadFixture(current), { baselineSource: `${baseline}.json`, currentSource: `${current}.json` });

/** The verdict sentence at the end, unwrapped. */
const lastParagraph = (text: string): string => text.trimEnd().split('\n\n').at(-1)!.replace(/\n/g, ' ');

const widest = (text: string): number => Math.max(...text.split('\n').map((l) => [...l].length));

describe('comparison renderers read the verdict structure', () => {
  test('terminal: a variant with store.latency 1ms, its difference at the top, regressions named last', async () => {
    const text = renderComparison(compared('noise-baseline', 'noise-store-latency'), { color: false });
    const lines = text.split('\n');
    const at = lines.indexOf('What differs');
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(8);
    expect(lines[at + 1]).toBe('  scenario     store.latencyMs: 0 ms → 1 ms');
    expect(lastParagraph(text)).toMatch(/^\d+ regressions beyond tolerance and noise: .*redis p50/);
    expect(widest(text)).toBeLessThanOrEqual(80);
    await expect(text).toMatchFileSnapshot('./__snapshots__/compare-store-latency.terminal.txt');
  });

  test('terminal and markdown: mean and p95 judged like every percentile', async () => {
    const cmp = compared('baseline-repeated', 'current-regressed');
    const text = renderComparison(cmp, { color: false });
    expect(text).toMatch(/│ mean +│ +1\.08 ms │/);
    expect(text).toMatch(/│ p95 +│ +2\.41 ms │ +2\.99 ms │/);
    expect(text).toContain('mean 10% · p50 10% · p90 10% · p95 10%');
    expect(widest(text)).toBeLessThanOrEqual(80);
    await expect(text).toMatchFileSnapshot('./__snapshots__/compare-regressed.terminal.txt');
    const md = renderComparisonMarkdown(cmp);
    expect(md).toMatch(/\| p95 \|/);
    await expect(md).toMatchFileSnapshot('./__snapshots__/compare-regressed.md');
  });

  test('terminal: coverage lost', async () => {
    const text = renderComparison(compared('noise-baseline', 'noise-redis-skipped'), { color: false });
    expect(lastParagraph(text)).toMatch(/^Coverage lost: redis/);
    expect(widest(text)).toBeLessThanOrEqual(80);
    await expect(text).toMatchFileSnapshot('./__snapshots__/compare-coverage-lost.terminal.txt');
  });

  test('terminal: a disturbed run, every metric inconclusive with its reason', async () => {
    const text = renderComparison(compared('noise-baseline', 'noise-disturbed'), { color: false });
    expect(text).toContain('Inconclusive\n  sticky (');
    expect(text).not.toContain('REGRESSION');
    expect(widest(text)).toBeLessThanOrEqual(80);
    await expect(text).toMatchFileSnapshot('./__snapshots__/compare-disturbed.terminal.txt');
  });

  test('terminal: another machine and an edited scenario', async () => {
    const text = renderComparison(compared('noise-baseline', 'noise-other-machine'), { color: false });
    expect(text).toContain('  environment  cpus: 2 → 4');
    expect(text).toContain('  environment  node: v20.18.0 → v22.11.0');
    expect(widest(text)).toBeLessThanOrEqual(80);
    await expect(text).toMatchFileSnapshot('./__snapshots__/compare-other-machine.terminal.txt');
  });

  test('terminal: a single-run baseline says what it cannot know', () => {
    const text = renderComparison(compared('kill-one-replica', 'kill-one-replica'), { color: false });
    expect(text).toContain('The baseline has a single run of sticky, redis, sqlite, cookie');
    expect(widest(text)).toBeLessThanOrEqual(80);
  });

  test('markdown: regression and difference', async () => {
    const md = renderComparisonMarkdown(compared('noise-baseline', 'noise-store-latency'));
    expect(md).toMatch(/^## statebench compare: compare-noise\n\n❌ \*\*\d+ regressions beyond tolerance and noise: /);
    expect(md).toContain('- scenario: store.latencyMs: 0 ms → 1 ms');
    await expect(md).toMatchFileSnapshot('./__snapshots__/compare-store-latency.md');
  });

  test('markdown: coverage lost and inconclusive', async () => {
    expect(renderComparisonMarkdown(compared('noise-baseline', 'noise-redis-skipped'))).toContain('**❌ Coverage lost** (fails the comparison)');
    const md = renderComparisonMarkdown(compared('noise-baseline', 'noise-disturbed'));
    expect(md).toContain('**❔ Inconclusive**');
    await expect(md).toMatchFileSnapshot('./__snapshots__/compare-disturbed.md');
  });

  test('a disturbed baseline repetition left out is said so', () => {
    const baseline = loadFixture('noise-baseline');
    baseline.architectures.find((a) => a.architecture === 'redis' && a.repetition === 3)!.measurementQuality = { disturbed: true, reasons: ['foreign CPU 1.6 cores'] } as ArchitectureResult['measurementQuality'];
    const cmp = compareResults(baseline, loadFixture('noise-same'));
    expect(renderComparison(cmp, { color: false })).toContain('Disturbed runs left out (the other repetitions were judged)\n  redis baseline run 3: foreign CPU 1.6 cores');
    expect(renderComparisonMarkdown(cmp)).toContain('- redis baseline run 3: foreign CPU 1.6 cores');
  });

  test('colour only when asked for', () => {
    // eslint-disable-next-line no-control-regex
    const ansi = /\u001b\[/;
    const cmp = compared('noise-baseline', 'noise-store-latency');
    expect(renderComparison(cmp, { color: false })).not.toMatch(ansi);
    expect(renderComparison(cmp, { color: true })).toMatch(ansi);
  });
});
