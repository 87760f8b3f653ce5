import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { craftCapacityResult } from '../capacity/capacity-fixture.js';
import { cli } from '../helpers/cli.js';
import { fixturePath } from '../report/load-fixture.js';

/**
 * Issue 17, point 4: one set of output flags for `run`, `report` and `compare`. A path writes a
 * file; no path (or `-`) writes stdout, which then holds that output alone; the terminal table
 * only when nothing took stdout. `run` shares the code (src/commands/outputs.ts) and is covered by
 * test/cli/ad-hoc.test.ts and run-refusals.test.ts.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'statebench-outputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const RESULT = fixturePath('kill-one-replica');
const file = (name: string): string => path.join(dir, name);

describe('report', () => {
  it('without output flags: the terminal table', async () => {
    const r = await cli(['report', RESULT]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/│ p99 /);
  });

  it('--html PATH writes the file and nothing on stdout; --markdown without a path is stdout, alone', async () => {
    const html = await cli(['report', RESULT, '--html', file('r.html')]);
    expect(html.code).toBe(0);
    expect(html.stdout).toBe('');
    expect(html.stderr).toBe(`html: ${file('r.html')}\n`);
    expect(readFileSync(file('r.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/);
    const md = await cli(['report', RESULT, '--markdown', '--junit', file('r.xml'), '--csv', file('r.csv')]);
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^## statebench: kill-one-replica\n/);
    expect(md.stdout).not.toMatch(/│/);
    expect(readFileSync(file('r.xml'), 'utf8')).toMatch(/^<\?xml version="1.0"/);
    expect(readFileSync(file('r.csv'), 'utf8')).toMatch(/^architecture,repetition,second,/);
    // No file is written beside the result any more for a bare flag.
    expect(existsSync(RESULT.replace(/\.json$/, '.md'))).toBe(false);
  });

  it('--junit - and --csv - write stdout too; --json alone is the JSON', async () => {
    expect((await cli(['report', RESULT, '--junit', '-'])).stdout).toMatch(/^<\?xml[\s\S]*<\/testsuites>\n$/);
    expect((await cli(['report', RESULT, '--csv', '-'])).stdout).toMatch(/^architecture,/);
    expect(JSON.parse((await cli(['report', RESULT, '--json'])).stdout).schemaVersion).toBe(1);
  });

  it('two outputs on stdout, or two on one file, are refused before writing anything (exit 2)', async () => {
    const both = await cli(['report', RESULT, '--json', '--markdown', '--html', file('never.html')]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--json: and --markdown would both write to stdout: give all but one a file path (`--markdown out.md`)');
    expect(existsSync(file('never.html'))).toBe(false);
    const same = await cli(['report', RESULT, '--markdown', file('x.txt'), '--csv', file('x.txt')]);
    expect(same.code).toBe(2);
    expect(same.stderr).toContain(`--csv: ${file('x.txt')} is also where --markdown writes: give it a path of its own`);
  });

  it('a capacity search refuses --csv and --junit, naming the flag', async () => {
    const capacity = file('capacity.json');
    writeFileSync(capacity, JSON.stringify(craftCapacityResult()));
    const r = await cli(['report', capacity, '--csv', file('c.csv'), '--junit', file('c.xml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--junit: a capacity search has no thresholds/);
    expect(r.stderr).toMatch(/--csv: a capacity search is many short probes/);
    const md = await cli(['report', capacity, '--markdown']);
    expect(md.stdout).toMatch(/^## statebench capacity · capacity/);
  });
});

describe('compare', () => {
  const baseline = fixturePath('noise-baseline');
  const current = fixturePath('noise-store-latency');

  it('writes every format; the exit code is the verdict whatever is written', async () => {
    const r = await cli(['compare', baseline, current, '--junit', file('c.xml'), '--html', file('c.html'), '--csv', file('c.csv'), '--markdown']);
    expect(r.code).toBe(99);
    expect(r.stdout).toMatch(/^## statebench compare: /);
    const junit = readFileSync(file('c.xml'), 'utf8');
    expect(junit).toMatch(/<testcase name="p50" classname="statebench\.compare\.[^"]+\.redis" time="0">\n {6}<failure message="p50 regressed: \+/);
    expect(junit).toMatch(/<testsuites name="statebench compare [^"]+" tests="\d+" failures="[1-9]\d*"/);
    const html = readFileSync(file('c.html'), 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('REGRESSION');
    expect(html).not.toMatch(/<script|<link|url\(/i);
    const csv = readFileSync(file('c.csv'), 'utf8').trimEnd().split('\n');
    expect(csv[0]).toMatch(/^run,architecture,repetition,second,/);
    expect(new Set(csv.slice(1).map((l) => l.split(',')[0]))).toEqual(new Set(['baseline', 'current']));
  });

  it('without output flags: the terminal comparison', async () => {
    const r = await cli(['compare', baseline, current]);
    expect(r.code).toBe(99);
    expect(r.stdout).toContain('store.latencyMs: 0 ms → 1 ms');
  });
});
