import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { createHistogram, encodeHistogram, percentilesOf, recordLatencyUs } from '../../src/hdr/histogram.js';
import type { RunResult } from '../../src/result/types.js';
import { cli } from '../helpers/cli.js';
import { loadFixture } from './load-fixture.js';

/**
 * Issue 12: malformed result files made `report`/`compare` exit 1 with "unexpected error: Cannot
 * read properties of undefined"; corrupted histograms were rendered; `report --json | head -c
 * 10` crashed with EPIPE and a stack trace.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'statebench-bad-results-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A result whose architectures carry real histograms that agree with their percentiles. */
function withHistograms(): RunResult {
  const result = loadFixture('kill-one-replica');
  for (const a of result.architectures) {
    const h = createHistogram();
    for (let i = 1; i <= 5000; i++) recordLatencyUs(h, 200 + ((i * 7919) % 20_000));
    a.histograms = { latency: encodeHistogram(h), byEndpoint: {} };
    a.latencyUs = percentilesOf(h);
  }
  return result;
}

let n = 0;
function write(result: unknown): string {
  const file = path.join(dir, `r${++n}.json`);
  writeFileSync(file, typeof result === 'string' ? result : JSON.stringify(result));
  return file;
}

const MALFORMED: [string, (r: RunResult) => void, RegExp][] = [
  ['requests missing', (r) => delete (r.architectures[0] as Partial<RunResult['architectures'][0]>).requests, /architectures\[0\]\.requests: missing \(expected object\)/],
  ['error counts missing', (r) => delete (r.architectures[0].requests as Partial<RunResult['architectures'][0]['requests']>).errors, /architectures\[0\]\.requests\.errors: missing/],
  ['latency null', (r) => ((r.architectures[1] as unknown as Record<string, unknown>).latencyUs = null), /architectures\[1\]\.latencyUs: expected object, found null/],
  ['store missing', (r) => delete (r.architectures[0] as Partial<RunResult['architectures'][0]>).store, /architectures\[0\]\.store: missing/],
  ['a timeline second without errors', (r) => delete (r.architectures[0].timeline[0] as Partial<RunResult['architectures'][0]['timeline'][0]>).errors, /architectures\[0\]\.timeline\[0\]\.errors: missing/],
  ['scenario store missing', (r) => delete (r.scenario as Partial<RunResult['scenario']>).store, /scenario\.store: missing/],
  ['a fault window of null', (r) => ((r.architectures[0].faultWindows as unknown[])[0] = null), /architectures\[0\]\.faultWindows\[0\]: expected object, found null/],
  ['a negative count', (r) => (r.architectures[0].requests.ok = -5), /architectures\[0\]\.requests\.ok: expected a number of at least 0, found -5/],
  ['histograms missing', (r) => delete (r.architectures[0] as Partial<RunResult['architectures'][0]>).histograms, /architectures\[0\]\.histograms: missing/],
];

const CORRUPTED: [string, (encoded: string) => string, RegExp][] = [
  ['not base64', () => 'this is not base64!', /histograms\.latency: not a valid HdrHistogram \(not base64\)/],
  ['truncated', (e) => e.slice(0, 30), /histograms\.latency: not a valid HdrHistogram/],
  ['a flipped byte inside the compressed data', (e) => `${e.slice(0, 40)}${e[40] === 'A' ? 'B' : 'A'}${e.slice(41)}`, /histograms\.latency: (not a valid HdrHistogram|says )/],
  ['another histogram than the figures beside it', () => {
    const h = createHistogram();
    recordLatencyUs(h, 10);
    return encodeHistogram(h);
  }, /histograms\.latency: says count 1 where latencyUs\.count says 5000: the file is corrupted or was edited/],
  ['a forged header asking for a huge range', (e) => {
    // Same cookie, a deflated header claiming 5 significant digits up to 2^62.
    void e;
    const header = Buffer.alloc(40);
    header.writeInt32BE(0x1c849303, 0);
    header.writeInt32BE(0, 4);
    header.writeInt32BE(5, 12);
    header.writeBigInt64BE(1n, 16);
    header.writeBigInt64BE(2n ** 62n, 24);
    const deflated = deflateSync(header);
    const out = Buffer.alloc(8 + deflated.length);
    out.writeInt32BE(0x1c849314, 0);
    out.writeInt32BE(deflated.length, 4);
    deflated.copy(out, 8);
    return out.toString('base64');
  }, /histograms\.latency: not a valid HdrHistogram \(range 1\.\.4611686018427388000\)/],
];

describe('a malformed result file is exit 2 naming the field, for report and compare', () => {
  const good = write(withHistograms());

  it('the good one reads', async () => {
    expect((await cli(['report', good])).code).toBe(0);
  });

  it.each(MALFORMED)('%s', async (_name, breakIt, field) => {
    const r = withHistograms();
    breakIt(r);
    const file = write(r);
    for (const args of [['report', file], ['compare', good, file]]) {
      const run = await cli(args);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(field);
      expect(run.stderr).not.toMatch(/unexpected error|Cannot read properties|\n\s+at /);
    }
  });

  it.each(CORRUPTED)('a corrupted histogram: %s', async (_name, corrupt, message) => {
    const r = withHistograms();
    r.architectures[0].histograms.latency = corrupt(r.architectures[0].histograms.latency);
    const file = write(r);
    const run = await cli(['report', file, '--html', path.join(dir, `h${n}.html`)]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('a file too large, a FIFO-like non-file, an empty one', async () => {
    expect((await cli(['report', '/dev/zero'])).stderr).toMatch(/not a regular file/);
    const empty = write('');
    expect((await cli(['report', empty])).stderr).toMatch(/not valid JSON/);
  });
});

describe('a closed pipe ends output quietly', () => {
  it('`report --json | head -c 10`: no EPIPE stack trace, exit 0', async () => {
    const file = write(withHistograms());
    const main = path.resolve('dist/src/main.js');
    // A shell pipeline, as users write it.
    const child = spawn('bash', ['-o', 'pipefail', '-c', `node ${JSON.stringify(main)} report --json ${JSON.stringify(file)} | head -c 10 >/dev/null`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
