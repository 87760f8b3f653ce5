import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/result/types.js';
import { shippedScenarios } from '../../src/scenario/shipped-scenarios.js';
import { cli, spawnCli } from '../helpers/cli.js';
import { resolveScenarioSource } from '../../src/commands/scenario-source.js';
import { PassThrough } from 'node:stream';

/**
 * Issue 17, point 1: runs from flags, `--set`, STATEBENCH_* variables and stdin, as a k6 or
 * autocannon user would try them. Refusals run in-process and start nothing; two tiny runs
 * (one sticky replica, 1 s) go through the real CLI.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'statebench-adhoc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The smallest real run: one sticky replica, 1 s, 2 closed users. */
const TINY = ['--arch', 'sticky', '--replicas', '1', '-d', '1s', '--warmup', '0s', '-u', '2'];

describe('refused before anything starts, naming the flag and the field', () => {
  it('--set load.rate=abc is exit 2 naming load.rate', async () => {
    const r = await cli(['run', '--set', 'load.rate=abc', '--set', 'load.model=open']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--set › load.rate: expected a rate such as `2000/s`, `120/m` or `7200/h`, got `abc`');
    expect(r.stdout).toBe('');
  });

  it('a flag and a variable: each named, every problem at once', async () => {
    const r = await cli(['run', 'ci-smoke', '-d', '1m', '-c', 'ten'], { STATEBENCH_WARMUP: '-1s' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('STATEBENCH_WARMUP › warmup: a duration cannot be negative (got `-1s`)');
    expect(r.stderr).toContain('--connections › load.users: expected a number, got the text `ten`');
    expect(r.stderr).not.toContain('--duration');
  });

  it('--rate with --users asks for two load models', async () => {
    const r = await cli(['run', '-r', '100/s', '-u', '5']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--rate: and --users ask for two load models/);
  });
});

describe('precedence', () => {
  it('a named flag wins over --set on the same field, and says so; both are recorded', async () => {
    const err = new PassThrough();
    let stderr = '';
    err.on('data', (d: Buffer) => (stderr += d.toString()));
    const io = { stdout: new PassThrough(), stderr: err, env: { STATEBENCH_RATE: '50/s' }, signal: new AbortController().signal };
    const { scenario } = await resolveScenarioSource('kill-one-replica', { set: ['load.rate=abc'], rate: '1000/s' }, io, 'kill-one-replica');
    expect(scenario.load).toMatchObject({ model: 'open', rateRps: 1000, sessions: 300 });
    expect(stderr).toBe('notice: --set load.rate="abc" is replaced by --rate ("1000/s")\n');
    expect(scenario.overrides?.filter((o) => o.path === 'load.rate').map((o) => `${o.source}=${String(o.value)} was ${String(o.was)}`)).toEqual([
      'STATEBENCH_RATE=50/s was 2000/s',
      '--set=abc was 50/s',
      '--rate=1000/s was abc',
    ]);
  });
});

describe('validate - and list', () => {
  it('validate - reads the scenario from stdin; --arch narrows what is checked', async () => {
    const text = 'architectures: [redis, sqlite]\nstore: {latency: 1ms}\n';
    const wide = await cli(['validate', '-'], {}, text);
    expect(wide.code).toBe(2);
    expect(wide.stderr).toContain('<stdin> › store.latency: cannot apply to `sqlite`');
    const narrow = await cli(['validate', '-', '--arch', 'redis'], {}, text);
    expect(narrow.stderr).toBe('');
    expect(narrow.stdout).toBe('<stdin>: ok (redis; 0 faults)\n');
    expect(narrow.code).toBe(0);
  });

  it('list shows every shipped scenario with a one-line description', async () => {
    const r = await cli(['list']);
    expect(r.code).toBe(0);
    const shipped = shippedScenarios();
    expect(shipped.length).toBeGreaterThanOrEqual(9);
    const width = Math.max(...shipped.map((s) => s.name.length));
    for (const s of shipped) {
      expect(s.summary.length, s.name).toBeGreaterThan(10);
      expect(s.summary.length, s.name).toBeLessThanOrEqual(90);
      expect(r.stdout).toContain(`${s.name.padEnd(width)}  ${s.summary}\n`);
    }
    expect(r.stdout).toMatch(/^kill-one-replica +The default comparison: what happens to users when a server dies\?$/m);
  });
});

describe('real runs', () => {
  it('with no file: the defaults plus the flags; STATEBENCH_* variables show in the resolved scenario, flags win over them', async () => {
    const out = path.join(dir, 'adhoc.json');
    const r = await spawnCli(['run', ...TINY, '--out', out, '--csv', '-'], { env: { STATEBENCH_SET: 'load.timeout=1500ms; session.adds=3', STATEBENCH_REPLICAS: '2' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('notice: no scenario file: the defaults plus STATEBENCH_SET, STATEBENCH_REPLICAS, --arch, --replicas, --duration, --warmup, --users');
    // stdout holds the CSV alone: a header and one row per measured second.
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^architecture,repetition,second,completed,ok,errors,/);
    expect(lines.slice(1).every((l) => l.startsWith('sticky,1,'))).toBe(true);
    const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
    expect(result.scenario).toMatchObject({ name: 'ad-hoc', architectures: ['sticky'], replicas: 1, durationMs: 1000, warmupMs: 0, load: { model: 'closed', users: 2, timeoutMs: 1500 }, session: { adds: 3 } });
    expect(result.scenario.overrides?.map((o) => `${o.source} ${o.path}=${JSON.stringify(o.value)}${o.was === undefined ? '' : ` was ${JSON.stringify(o.was)}`}`)).toEqual([
      'STATEBENCH_SET load.timeout="1500ms"',
      'STATEBENCH_SET session.adds=3',
      'STATEBENCH_REPLICAS replicas=2',
      '--arch architectures=["sticky"]',
      '--replicas replicas=1 was 2',
      '--duration duration="1s"',
      '--warmup warmup="0s"',
      '--users load.model="closed"',
      '--users load.users=2',
    ]);
  });

  it('run - takes the scenario from stdin and --json prints the result alone', async () => {
    const r = await spawnCli(['run', '-', ...TINY, '--out', path.join(dir, 'piped.json'), '--json'], { input: 'name: piped\nsession: {adds: 2}\n' });
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as RunResult;
    expect(result.scenario.name).toBe('piped');
    expect(result.scenarioFile).toBe('-');
    expect(result.architectures.map((a) => [a.architecture, a.complete])).toEqual([['sticky', true]]);
    expect(r.stderr).toContain(`result: ${path.join(dir, 'piped.json')}`);
  });
});
