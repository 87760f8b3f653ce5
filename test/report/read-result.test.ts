import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EXIT, InvalidInputError } from '../../src/errors.js';
import { checkRunResult, readResultFile } from '../../src/report/read-result.js';
import { createHistogram, encodeHistogram, percentilesOf } from '../../src/hdr/histogram.js';
import { fixturePath, loadFixture } from './load-fixture.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'statebench-read-result-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileWith(name: string, content: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

async function rejection(path: string): Promise<InvalidInputError> {
  const err = await readResultFile(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InvalidInputError);
  expect((err as InvalidInputError).exitCode).toBe(EXIT.invalidInput);
  return err as InvalidInputError;
}

test('every fixture is a readable result', async () => {
  for (const name of ['kill-one-replica', 'no-redis-interrupted', 'baseline-repeated', 'current-regressed', 'current-noise']) {
    const result = await readResultFile(fixturePath(name));
    expect(result.schemaVersion).toBe(1);
    // The fixtures must hold the invariants the real recorder guarantees.
    for (const a of result.architectures) {
      const errorSum = Object.values(a.requests.errors).reduce((s, n) => s + n, 0);
      expect(a.requests.failed).toBe(errorSum);
      expect(a.requests.sent).toBe(a.requests.ok + a.requests.failed + a.requests.unfinished);
      const l = a.latencyUs;
      expect([l.p50, l.p90, l.p99, l.p999, l.max]).toEqual([...[l.p50, l.p90, l.p99, l.p999, l.max]].sort((x, y) => x - y));
    }
  }
});

describe('refuses', () => {
  test('a missing file, naming it', async () => {
    const path = join(dir, 'nope.json');
    expect((await rejection(path)).message).toBe(`${path}: cannot read result file: no such file`);
  });

  test('invalid JSON', async () => {
    const path = await fileWith('broken.json', '{"schemaVersion": 1,');
    const err = await rejection(path);
    expect(err.message).toMatch(new RegExp(`^${path}: not valid JSON: `));
  });

  test('an unknown schema version, naming the file and the version', async () => {
    const path = await fileWith('future.json', JSON.stringify({ ...loadFixture('current-noise'), schemaVersion: 7 }));
    const err = await rejection(path);
    expect(err.problems).toEqual([{ file: path, path: 'schemaVersion', message: expect.stringContaining('schemaVersion 7') }]);
    expect(err.message).toContain('reads schemaVersion 1 only');
  });

  test('a JSON file that is not a result', async () => {
    const path = await fileWith('array.json', '[1, 2]');
    expect((await rejection(path)).message).toContain('not a statebench result');
  });

  test('missing required fields, all at once', async () => {
    const { architectures, thresholds, ...rest } = loadFixture('current-noise');
    void thresholds;
    const broken = { ...rest, complete: 'yes', architectures: [{ ...architectures[0], latencyUs: undefined }, 3] };
    const path = await fileWith('partial.json', JSON.stringify(broken));
    const err = await rejection(path);
    expect(err.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'complete: expected boolean, found string',
      'thresholds: missing (expected array)',
      'architectures[0].latencyUs: missing (expected object)',
      'architectures[1]: expected object, found number',
    ]);
  });
});

test('checkRunResult works on parsed values for callers that already hold one', () => {
  expect(checkRunResult(loadFixture('kill-one-replica'), 'x.json').scenario.name).toBe('kill-one-replica');
  expect(() => checkRunResult(null, 'x.json')).toThrow(InvalidInputError);
});

test('a result written before p95 was recorded gets it from its histograms when read', () => {
  const h = createHistogram();
  for (let us = 1; us <= 1000; us++) h.recordValue(us * 10);
  const figures = percentilesOf(h);
  const result = loadFixture('kill-one-replica');
  const [withHistogram, without] = result.architectures;
  const { p95: _dropped, ...old } = figures;
  withHistogram.latencyUs = { ...old };
  withHistogram.byEndpoint = { read: { ...old } };
  withHistogram.histograms = { latency: encodeHistogram(h), byEndpoint: { read: encodeHistogram(h) } };
  delete without.latencyUs.p95;
  const read = checkRunResult(result, 'old.json');
  expect(read.architectures[0].latencyUs.p95).toBe(figures.p95);
  expect(read.architectures[0].byEndpoint.read?.p95).toBe(figures.p95);
  expect(figures.p95).toBeGreaterThan(9400);
  // Without a histogram there is nothing to fill it from: it stays absent and reports say `–`.
  expect(read.architectures[1].latencyUs.p95).toBeUndefined();
});
