import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { watchdogPid } from '../../src/process/reaper.js';
import { cli } from '../helpers/cli.js';
import { leftoverChildren } from '../helpers/processes.js';

/**
 * Issue 12: inputs that passed and then failed after the whole run (or after its start) are
 * refused before anything starts, exit 2, naming the option. Each runs in-process and must be
 * fast and start nothing.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'statebench-refusals-'));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  expect(await leftoverChildren(watchdogPid())).toEqual([]);
});

const scenario = path.join(dir, 'tiny.yaml');
writeFileSync(scenario, 'architectures: [sticky]\nreplicas: 1\nduration: 1s\nwarmup: 0s\n');

async function refused(args: string[]): Promise<string> {
  const t0 = performance.now();
  const run = await cli(args);
  expect(run.code, run.stderr).toBe(2);
  expect(performance.now() - t0).toBeLessThan(5000);
  expect(run.stderr).not.toMatch(/unexpected error|\n\s+at /);
  return run.stderr;
}

describe('run refuses before starting anything', () => {
  it('--redis-url notaurl, and a store.redisUrl that is no URL', async () => {
    expect(await refused(['run', scenario, '--redis-url', 'notaurl'])).toMatch(/--redis-url: expected a Redis URL .*got `notaurl`, which is not a URL/);
    expect(await refused(['run', scenario, '--redis-url', 'redis://::::::not a url'])).toMatch(/--redis-url: .*not a URL/);
    expect(await refused(['targets', 'up', '--redis-url', 'notaurl'])).toMatch(/--redis-url: /);
    const bad = path.join(dir, 'bad-url.yaml');
    writeFileSync(bad, 'architectures: [redis]\nstore: {redisUrl: "redis://::::::not a url"}\n');
    expect(await refused(['run', bad])).toMatch(/store › redisUrl|store\.redisUrl/);
  });

  it("--out '' / a directory / an existing result / a name too long", async () => {
    expect(await refused(['run', scenario, '--out', ''])).toMatch(/--out: '': the path is empty/);
    expect(await refused(['run', scenario, '--out', dir])).toMatch(/--out: .*is a directory/);
    const existing = path.join(dir, 'existing.json');
    writeFileSync(existing, '{}');
    expect(await refused(['run', scenario, '--out', existing])).toMatch(/already exists: pass `--force` to replace it/);
    expect(await refused(['run', scenario, '--out', path.join(dir, `${'x'.repeat(300)}.json`)])).toMatch(/longer than 255 bytes/);
  });

  it('capacity follows the same rule: an existing result or a directory is refused before any probe', async () => {
    const existing = path.join(dir, 'capacity-existing.json');
    writeFileSync(existing, '{}');
    expect(await refused(['capacity', '--arch', 'sticky', '--out', existing])).toMatch(/--out: .*already exists: pass `--force` to replace it/);
    expect(await refused(['capacity', '--arch', 'sticky', '--out', dir])).toMatch(/--out: .*is a directory/);
  });

  it('a side report path that is a directory, or empty', async () => {
    expect(await refused(['run', scenario, '--out', path.join(dir, 'a.json'), '--junit', dir])).toMatch(/--junit: .*is a directory/);
    expect(await refused(['run', scenario, '--out', path.join(dir, 'b.json'), '--markdown', ''])).toMatch(/--markdown: '': the path is empty/);
  });

  it('a scenario a 300-letter name, a huge duration, a huge rate', async () => {
    const named = path.join(dir, 'named.yaml');
    writeFileSync(named, `name: ${'a'.repeat(300)}\narchitectures: [sticky]\n`);
    expect(await refused(['run', named])).toMatch(/name: must be at most 100 characters/);
    const long = path.join(dir, 'long.yaml');
    writeFileSync(long, 'duration: 876000h\n');
    expect(await refused(['validate', long])).toMatch(/duration: must be at most `24h`/);
  });
});

describe('report and compare side outputs', () => {
  it('into a missing directory: created; into a directory: refused before anything is written', async () => {
    const fixture = fileURLToPath(new URL('../fixtures/results/kill-one-replica.json', import.meta.url));
    const md = path.join(dir, 'new', 'dir', 'r.md');
    const run = await cli(['report', fixture, '--markdown', md]);
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(md, 'utf8')).toMatch(/^## statebench/);
    expect(await refused(['report', fixture, '--html', dir])).toMatch(/--html: .*is a directory/);
    const cmp = path.join(dir, 'cmp', 'c.md');
    expect([0, 99]).toContain((await cli(['compare', fixture, fixture, '--markdown', cmp])).code); // 99: the fixture's own failed thresholds
    expect(readFileSync(cmp, 'utf8').length).toBeGreaterThan(0);
  });
});

