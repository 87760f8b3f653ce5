import { describe, expect, test } from 'vitest';
import type { RunResult } from '../../src/result/types.js';
import { renderTerminalReport } from '../../src/report/terminal-table.js';
import { loadFixture } from './load-fixture.js';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/;

function widest(text: string): number {
  return Math.max(...text.split('\n').map((l) => [...l].length));
}

/** kill-one-replica with every architecture run three times, figures nudged per repetition. */
function repeatedFourArchitectures(): RunResult {
  const result = loadFixture('kill-one-replica');
  result.architectures = result.architectures.flatMap((a) =>
    [1, 2, 3].map((repetition) => ({
      ...a,
      repetition,
      throughputRps: a.throughputRps * (0.97 + repetition * 0.02),
      latencyUs: { ...a.latencyUs, p50: a.latencyUs.p50 + repetition * 13, p99: a.latencyUs.p99 + repetition * 97 },
      sessions: { ...a.sessions, lost: a.sessions.lost + (a.sessions.lost > 0 ? repetition * 7 : 0) },
    })),
  );
  return result;
}

describe('renderTerminalReport', () => {
  test('four architectures with fault windows and thresholds', async () => {
    const text = renderTerminalReport(loadFixture('kill-one-replica'), { color: false });
    await expect(text).toMatchFileSnapshot('./__snapshots__/kill-one-replica.terminal.txt');
  });

  test('an interrupted run with a skipped architecture and open load', async () => {
    const text = renderTerminalReport(loadFixture('no-redis-interrupted'), { color: false });
    expect(text).toContain('redis: redis-server not found on PATH');
    expect(text).toContain('⚠ Incomplete run: interrupted by SIGINT during cookie.');
    expect(text).toContain('cookie*');
    await expect(text).toMatchFileSnapshot('./__snapshots__/no-redis-interrupted.terminal.txt');
  });

  test('repetitions: one column per architecture, median with the min–max range', async () => {
    const text = renderTerminalReport(loadFixture('baseline-repeated'), { color: false });
    expect(text).toContain('sticky ×3');
    expect(text).toMatch(/│ p99 +│ +1\.76 ms │/);
    expect(text).toContain('1.70–1.82 ms');
    await expect(text).toMatchFileSnapshot('./__snapshots__/baseline-repeated.terminal.txt');
  });

  test('a run the machine disturbed: a warning under the table, naming the run and why', async () => {
    const text = renderTerminalReport(loadFixture('open-disturbed'), { color: false });
    const lines = text.split('\n');
    const warning = lines.findIndex((l) => l.startsWith('⚠ Measurement disturbed'));
    expect(warning).toBeGreaterThan(lines.findIndex((l) => l.startsWith('└'))); // under the table
    expect(text).toContain('  redis: the generator sent 15% of its requests more than 1.00 ms late');
    expect(text).not.toMatch(/^ {2}sticky:/m); // the quiet run is not named
    expect(widest(text)).toBeLessThanOrEqual(80);
    await expect(text).toMatchFileSnapshot('./__snapshots__/open-disturbed.terminal.txt');
  });

  test('no warning when every run was quiet, or the result predates measurementQuality', () => {
    const quiet = loadFixture('open-disturbed');
    quiet.architectures = quiet.architectures.filter((a) => a.architecture === 'sticky');
    expect(renderTerminalReport(quiet, { color: false })).not.toContain('disturbed');
    expect(renderTerminalReport(loadFixture('kill-one-replica'), { color: false })).not.toContain('disturbed');
  });

  test('the whole report fits 80 columns for 4 architectures', () => {
    for (const result of [loadFixture('kill-one-replica'), repeatedFourArchitectures()]) {
      const text = renderTerminalReport(result, { color: false });
      expect(text.match(/┌/g)).toHaveLength(1); // one table, not split
      expect(widest(text)).toBeLessThanOrEqual(80);
    }
  });

  test('a narrow terminal splits the table by architecture instead of overflowing', () => {
    const text = renderTerminalReport(loadFixture('kill-one-replica'), { color: false, width: 50 });
    expect(widest(text)).toBeLessThanOrEqual(50);
    expect(text.match(/┌/g)!.length).toBeGreaterThan(1);
    for (const arch of ['sticky', 'redis', 'sqlite', 'cookie']) expect(text).toContain(arch);
  });

  test('deltas from sticky appear only when sticky ran', () => {
    const withSticky = renderTerminalReport(loadFixture('kill-one-replica'), { color: false });
    expect(withSticky).toMatch(/p50 vs sticky +│ +baseline │ +\+415 µs │/);
    expect(withSticky).toMatch(/req\/s vs sticky +│ +baseline │ +-12% │/);

    const noSticky = loadFixture('kill-one-replica');
    noSticky.architectures = noSticky.architectures.filter((a) => a.architecture !== 'sticky');
    expect(renderTerminalReport(noSticky, { color: false })).not.toContain('vs sticky');
  });

  test('colour only when asked for', () => {
    const result = loadFixture('kill-one-replica');
    expect(renderTerminalReport(result, { color: false })).not.toMatch(ANSI);
    expect(renderTerminalReport(result, { color: true })).toMatch(ANSI);
  });

  test('histograms are not needed to render', () => {
    const result = loadFixture('kill-one-replica');
    for (const a of result.architectures) a.histograms = { latency: '', byEndpoint: {} };
    expect(() => renderTerminalReport(result, { color: false })).not.toThrow();
  });

  test('a result with no architecture still renders', () => {
    const result = loadFixture('no-redis-interrupted');
    result.architectures = [];
    expect(renderTerminalReport(result, { color: false })).toContain('No architecture produced results.');
  });

  test('--endpoints adds the per-endpoint table: requests, errors by kind, p50, p95 and p99', async () => {
    const text = renderTerminalReport(loadFixture('kill-one-replica'), { color: false, endpoints: true });
    expect(widest(text)).toBeLessThanOrEqual(80);
    expect(text).toMatch(/^sticky +login +7,663 +6 +453 µs +1\.28 ms +1\.90 ms/m);
    expect(text).toMatch(/^ +read +18,391 +104 +371 µs +1\.05 ms +1\.56 ms/m);
    await expect(text).toMatchFileSnapshot('./__snapshots__/kill-one-replica.endpoints.terminal.txt');
    expect(renderTerminalReport(loadFixture('kill-one-replica'), { color: false })).not.toContain('Per endpoint');
  });

  test('every error kind is named in its own row, never folded into "other"', () => {
    const result = loadFixture('kill-one-replica');
    const sqlite = result.architectures[2];
    sqlite.requests.errors = { ...sqlite.requests.errors, reset: 4, timeout: 3, 'http-4xx': 2 };
    sqlite.requests.failed += 9;
    const text = renderTerminalReport(result, { color: false });
    for (const kind of ['refused', 'reset', 'timeout', 'http-4xx', 'http-5xx', 'session-lost', 'update-lost']) expect(text).toMatch(new RegExp(`│   ${kind} +│`));
    expect(text).not.toContain('other');
  });

  test('sticky and cookie measure a store time of 0: the store rows say – there, not 0 µs', () => {
    const result = loadFixture('kill-one-replica');
    expect(result.architectures[0].store.roundTripUs?.p50).toBe(0);
    const text = renderTerminalReport(result, { color: false });
    expect(text).toMatch(/│ store p50 +│ +– │ +231 µs │ +162 µs │ +– │/);
    expect(text).toMatch(/│ store share +│ +– │ +38\.4% │ +29\.1% │ +– │/);
  });

  test('mean and p95 sit among the percentiles', () => {
    const text = renderTerminalReport(loadFixture('kill-one-replica'), { color: false });
    expect(text).toMatch(/│ mean +│ +536 µs │ +1\.07 ms │ +1\.34 ms │ +504 µs │/);
    expect(text).toMatch(/│ p95 +│ +1\.16 ms │ +2\.34 ms │ +2\.92 ms │ +1\.10 ms │/);
  });
});
