/**
 * A sweep end to end as a user runs it: `run --sweep` on a small scenario (a signed cookie and
 * sticky sessions, two session sizes, a second each), then `report` of the sweep, of one point,
 * and `compare` of two sweeps. Checks behaviour, not figures: the figures are docs/sweeps.md's.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { watchdogPid } from '../../src/process/reaper.js';
import type { SweepResult } from '../../src/sweep/sweep-result.js';
import { cli } from '../helpers/cli.js';
import { leftoverChildren } from '../helpers/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'statebench-sweep-cli-'));
afterAll(async () => {
  expect(await leftoverChildren(watchdogPid())).toEqual([]);
  rmSync(dir, { recursive: true, force: true });
});

const SCENARIO = `name: tiny-sweep
architectures: [sticky, cookie]
pairing: concurrent
replicas: 1
duration: 1s
warmup: 500ms
load: {model: open, rate: 200/s, grace: 300ms}
session: {adds: 4}
`;

describe('a sweep from the command line', () => {
  const file = join(dir, 'tiny.yaml');
  const out = join(dir, 'sweep.json');
  writeFileSync(file, SCENARIO);

  test('runs every architecture at every value, says how long first, marks the cookie past 4 KiB as failing with 413, and keeps every point', async () => {
    // 4 adds of 2KiB: an 8 KiB session, twice what a cookie holds.
    const run = await cli(['run', file, '--sweep', 'session.payload=64B,2KiB', '--out', out, '--markdown', out.replace(/\.json$/, '.md'), '--html', out.replace(/\.json$/, '.html')]);
    expect(run.stderr).toMatch(/^sweep: 2 points, 2 architecture runs, about \d+s \(an estimate/m);
    expect(run.stderr).toContain('● point 1/2: session.payload=64B · about');
    expect(run.stderr).toContain('● point 2/2: session.payload=2KiB · about');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('statebench sweep · tiny-sweep');
    expect(run.stdout).toMatch(/│ 64B\s+│ [\d.]+ (µs|ms) │\s+[\d.]+ (µs|ms) │/);
    expect(run.stdout).toMatch(/│ 2KiB\s+│ [\d.]+ (µs|ms) │ ✗ 413 on \d+% of requests │/);
    expect(run.stdout).toContain('cookie: measured at one value, nothing to fit; fails at 2KiB');

    const result = JSON.parse(readFileSync(out, 'utf8')) as SweepResult;
    expect(result.kind).toBe('sweep');
    expect(result.points.map((p) => p.label)).toEqual(['session.payload=64B', 'session.payload=2KiB']);
    expect(result.points.map((p) => p.run.scenario.session.payloadBytes)).toEqual([64, 2048]);
    const cookie = result.points[1].run.architectures.find((a) => a.architecture === 'cookie')!;
    // Refused adds are counted as errors, by their status.
    expect(cookie.requests.errorStatuses?.['413']).toBeGreaterThan(0);
    expect(cookie.requests.errors['http-4xx']).toBe(cookie.requests.errorStatuses!['413']);
    expect(result.points[0].run.architectures.every((a) => a.requests.failed === 0)).toBe(true);
    // Every point's full measurement, histograms included.
    for (const p of result.points) for (const a of p.run.architectures) expect(a.histograms.latency.length).toBeGreaterThan(0);
    expect(result.growth?.fits.find((f) => f.architecture === 'cookie' && f.metric === 'p50')?.failedAt).toEqual(['2KiB']);

    const md = readFileSync(out.replace(/\.json$/, '.md'), 'utf8');
    expect(md).toContain('| session.payload | sticky | cookie |');
    expect(md).toContain('✗ 413 on');
    const html = readFileSync(out.replace(/\.json$/, '.html'), 'utf8');
    expect(html).toContain('data-chart="sweep-p50"');
  });

  test('report renders the sweep again, or any point as a run', async () => {
    const again = await cli(['report', out]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('statebench sweep · tiny-sweep');
    const point = await cli(['report', out, '--point', '2KiB']);
    expect(point.code).toBe(0);
    expect(point.stdout).not.toContain('statebench sweep');
    expect(point.stdout).toContain('cookie');
    expect((await cli(['report', out, '--point', '2'])).stdout).toBe(point.stdout);
    const missing = await cli(['report', out, '--point', '9KiB']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--point: no point `9KiB`');
    expect(missing.stderr).toContain('1 64B, 2 2KiB');
  });

  test('compare of two sweeps compares point by point; a sweep and a run are not compared', async () => {
    const cmp = await cli(['compare', out, out]);
    expect(cmp.code).toBe(0);
    expect(cmp.stdout).toContain('━━ session.payload=64B ━━');
    expect(cmp.stdout).toContain('━━ session.payload=2KiB ━━');
    expect(cmp.stdout).toMatch(/sweep comparison, point by point\n {2}✓ session\.payload=64B {2}.+\n {2}✓ session\.payload=2KiB/);
    const result = JSON.parse(readFileSync(out, 'utf8')) as SweepResult;
    const one = join(dir, 'one-point.json');
    writeFileSync(one, JSON.stringify(result.points[0].run));
    const mixed = await cli(['compare', one, out]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('is not a sweep, the other is');
    // A point the current sweep lost fails the comparison, as lost coverage does.
    const shorter = join(dir, 'shorter.json');
    writeFileSync(shorter, JSON.stringify({ ...result, points: result.points.slice(0, 1) }));
    const lost = await cli(['compare', out, shorter]);
    expect(lost.code).toBe(99);
    expect(lost.stdout).toContain('✗ session.payload=2KiB  only in the baseline sweep');
  });

  test('an invalid --sweep is refused before anything starts, naming the option', async () => {
    const bad = await cli(['run', file, '--sweep', 'session.payload=64B,lots', '--out', join(dir, 'never.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--sweep › session.payload value 2: `lots`: expected a size such as `64B`');
    const shape = await cli(['run', file, '--sweep', 'session.payload']);
    expect(shape.code).toBe(2);
    expect(shape.stderr).toContain('--sweep: expected a field and its values such as `session.payload=64B,512B,2KiB`, got `session.payload`');
    const unknown = await cli(['run', file, '--sweep', 'load.sesions=1,2']);
    expect(unknown.stderr).toContain('--sweep › load.sesions: unknown field `load.sesions` (did you mean `load.sessions`?)');
  });
});
