import { expect, test } from 'vitest';
import { renderMarkdown } from '../../src/report/markdown.js';
import { loadFixture } from './load-fixture.js';

test('summary, fault windows, thresholds and environment as GitHub Markdown', async () => {
  const md = renderMarkdown(loadFixture('kill-one-replica'));
  expect(md.startsWith('## statebench: kill-one-replica\n')).toBe(true);
  expect(md).toContain('| latency mean | 536 µs | 1.07 ms | 1.34 ms | 504 µs |');
  expect(md).toContain('| latency p95 | 1.16 ms | 2.34 ms | 2.92 ms | 1.10 ms |');
  expect(md).toContain('| ↳ update-lost | 9 | 0 | 0 | 0 |');
  expect(md).toContain('| store round trip p50 | – | 231 µs | 162 µs | – |');
  expect(md).toContain('### Per endpoint');
  expect(md).toContain('|  | read | 18,391 | 104 (session-lost 84, refused 12, update-lost 8) | 371 µs | 1.05 ms | 1.56 ms |');
  await expect(md).toMatchFileSnapshot('./__snapshots__/kill-one-replica.md');
});

test('an interrupted run warns, lists skipped architectures and marks the unfinished column', async () => {
  const md = renderMarkdown(loadFixture('no-redis-interrupted'));
  expect(md).toContain('> **⚠️ Incomplete run**: interrupted by SIGINT during cookie.');
  expect(md).toContain('- **redis**: redis-server not found on PATH');
  expect(md).toContain('| cookie\\* |');
  await expect(md).toMatchFileSnapshot('./__snapshots__/no-redis-interrupted.md');
});

test('repeated runs show the median with the range in brackets', async () => {
  const md = renderMarkdown(loadFixture('baseline-repeated'));
  expect(md).toContain('| latency p99 | 1.76 ms (1.70–1.82 ms) |');
  await expect(md).toMatchFileSnapshot('./__snapshots__/baseline-repeated.md');
});

test('a run the machine disturbed gets a banner above the table, naming the run and why', async () => {
  const md = renderMarkdown(loadFixture('open-disturbed'));
  const banner = md.indexOf('> **⚠️ Measurement disturbed**');
  expect(banner).toBeGreaterThan(0);
  expect(banner).toBeLessThan(md.indexOf('| --- |'));
  expect(md).toContain('> - **redis**: the generator sent 15% of its requests more than 1.00 ms late');
  expect(md).not.toContain('**sticky**:');
  await expect(md).toMatchFileSnapshot('./__snapshots__/open-disturbed.md');
});

test('every table row has as many cells as its header', () => {
  const md = renderMarkdown(loadFixture('kill-one-replica'));
  const blocks = md.split('\n\n').filter((b) => b.startsWith('|'));
  expect(blocks.length).toBeGreaterThanOrEqual(3);
  for (const block of blocks) {
    const counts = block.split('\n').map((line) => line.replace(/\\\|/g, '').split('|').length);
    expect(new Set(counts).size).toBe(1);
  }
});

test('text from the result cannot break the tables', () => {
  const result = loadFixture('no-redis-interrupted');
  result.skipped[0].reason = 'weird | reason <script>';
  result.architectures[0].faultWindows[0].target = 'replica|2';
  const md = renderMarkdown(result);
  expect(md).toContain('weird \\| reason \\<script\\>');
  expect(md).toContain('kill replica\\|2');
  expect(md).not.toContain('<script>');
});

test('heading level is adjustable for nesting in a comment', () => {
  expect(renderMarkdown(loadFixture('kill-one-replica'), { headingLevel: 3 })).toMatch(/^### statebench/);
});
