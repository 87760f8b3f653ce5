import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

const FIXTURE = path.resolve('test/fixtures/results/kill-one-replica.json');

describe('statebench CLI', () => {
  it('explains itself and each architecture in --help', async () => {
    const top = await cli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/run \[options\] \[scenario\]/);
    const run = await cli(['run', '--help']);
    expect(run.stdout).toContain('Exit codes: 0 ok');
    const up = await cli(['targets', 'up', '--help']);
    expect(up.stdout).toMatch(/sticky/);
    expect(up.stdout).toMatch(/cookie/);
  });

  it('validates the shipped scenarios', async () => {
    const r = await cli(['validate', 'kill-one-replica', 'ci-smoke']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/kill-one-replica\.yaml: ok \(.*; 2 faults\)/);
    // One fault, one noun: not `1 faults`.
    expect(r.stdout).toMatch(/ci-smoke\.yaml: ok \(.*; 1 fault\)\n/);
  });

  it('reports every problem of a bad scenario at once, naming file and field, with exit 2', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'statebench-cli-'));
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'name: bad\narchitectures: [sticky, mongo]\nduraton: 10s\nload:\n  users: -3\n');
    const r = await cli(['validate', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(/architectures/);
    expect(r.stderr).toMatch(/duraton/);
    expect(r.stderr).toMatch(/load\.users/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
  });

  it('refuses a scenario that does not exist with exit 2 and a suggestion', async () => {
    const r = await cli(['run', 'kill-one-replca']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/kill-one-replica/);
  });

  it('treats an unknown command or option as a usage error (exit 2)', async () => {
    expect((await cli(['frobnicate'])).code).toBe(2);
    expect((await cli(['run', '--no-such-flag'])).code).toBe(2);
    expect((await cli(['run', '--repeat', '0'])).code).toBe(2);
  });

  it('rebuilds the terminal report from a saved result', async () => {
    const r = await cli(['report', FIXTURE]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/sticky/);
    expect(r.stdout).toMatch(/p99/);
    expect(r.stdout).not.toContain('Per endpoint');
    const withEndpoints = await cli(['report', FIXTURE, '--endpoints']);
    expect(withEndpoints.code).toBe(0);
    expect(withEndpoints.stdout).toMatch(/^Per endpoint\n +endpoint +requests +errors +p50 +p95 +p99/m);
  });

  it('refuses a result file it cannot read with exit 2', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'statebench-cli-'));
    const file = path.join(dir, 'future.json');
    writeFileSync(file, JSON.stringify({ schemaVersion: 999 }));
    const r = await cli(['report', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/schema/i);
  });
});

// `statebench compare` exit codes are tested against the real CLI in test/compare/compare-cli.test.ts.
