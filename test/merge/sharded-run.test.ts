import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeHistogram, mergeHistograms, percentilesOf } from '../../src/hdr/histogram.js';
import type { RunResult } from '../../src/result/types.js';
import { startTopology } from '../../src/topology/topology.js';
import type { Topology } from '../../src/topology/types.js';
import { cli } from '../helpers/cli.js';
import { expectBoundUnlessDisturbed } from '../helpers/quality.js';

/**
 * Issue 16, on one machine: replicas started as `targets up` starts them, used as an external
 * topology by two shards generating half the load each, begun together (`--start-at`) and merged.
 * Shards run in-process here (the docs show the same with two processes).
 */

const dir = mkdtempSync(path.join(tmpdir(), 'statebench-shards-'));
let topology: Topology;
const file = (name: string) => path.join(dir, name);
const read = (name: string) => JSON.parse(readFileSync(file(name), 'utf8')) as RunResult;
const RATE = 300;

beforeAll(async () => {
  topology = await startTopology({ architecture: 'sticky', replicas: 2 });
  const replicas = topology.replicas.map((r) => `        - ${r.url}`).join('\n');
  writeFileSync(
    file('sharded.yaml'),
    `name: sharded\narchitectures: [sticky]\nduration: 2s\nwarmup: 500ms\nload: { model: open, rate: ${RATE}/s }\ntopology:\n  external:\n    sticky:\n      replicas:\n${replicas}\n`,
  );
  const startAt = new Date(Date.now() + 3000).toISOString();
  const shard = (i: number) => cli(['run', file('sharded.yaml'), '--shard', `${i}/2`, '--start-at', startAt, '--out', file(`shard-${i}.json`), '-q']);
  const runs = await Promise.all([shard(1), shard(2)]);
  for (const r of runs) expect(r.code, r.stderr).toBe(0);
  const merged = await cli(['merge', file('shard-1.json'), file('shard-2.json'), '--out', file('merged.json')]);
  expect(merged.code, merged.stderr).toBe(0);
  expect(merged.stdout).toContain('merged from 2 shards');
  const single = await cli(['run', file('sharded.yaml'), '--out', file('single.json'), '-q']);
  expect(single.code, single.stderr).toBe(0);
}, 60_000);

afterAll(async () => {
  await topology?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('two shards merged', () => {
  it('slice the load disjointly, and say which slice they were', () => {
    const [s1, s2] = [read('shard-1.json'), read('shard-2.json')];
    expect(s1.shard).toMatchObject({ index: 1, count: 2, firstUserId: 0, firesFaults: true, load: { model: 'open', rateRps: RATE / 2 } });
    const sessions = s1.shard!.load.model === 'open' ? s1.shard!.load.sessions : 0;
    expect(s2.shard).toMatchObject({ index: 2, count: 2, firstUserId: sessions, firesFaults: false, load: { rateRps: RATE / 2 } });
    expect(s1.scenario).toEqual(s2.scenario);
  });

  it('sum the counts of the shards', () => {
    const shards = [read('shard-1.json'), read('shard-2.json')].map((r) => r.architectures[0]);
    const merged = read('merged.json').architectures[0];
    for (const key of ['sent', 'ok', 'failed', 'dropped', 'unfinished'] as const) expect(merged.requests[key]).toBe(shards[0].requests[key] + shards[1].requests[key]);
    expect(merged.sessions.started).toBe(shards[0].sessions.started + shards[1].sessions.started);
    expect(merged.sessions.lost).toBe(shards[0].sessions.lost + shards[1].sessions.lost);
    for (const name of Object.keys(merged.perReplica)) expect(merged.perReplica[name]).toBe((shards[0].perReplica[name] ?? 0) + (shards[1].perReplica[name] ?? 0));
    expect(merged.timeline.reduce((a, s) => a + s.completed, 0)).toBe(shards[0].timeline.reduce((a, s) => a + s.completed, 0) + shards[1].timeline.reduce((a, s) => a + s.completed, 0));
  });

  it('have the percentiles of the added histograms, overall and second by second', () => {
    const [s1, s2] = [read('shard-1.json'), read('shard-2.json')].map((r) => r.architectures[0]);
    const merged = read('merged.json');
    const m = merged.architectures[0];
    expect(m.latencyUs).toEqual(percentilesOf(mergeHistograms([decodeHistogram(s1.histograms.latency), decodeHistogram(s2.histograms.latency)])));
    for (const endpoint of Object.keys(m.byEndpoint) as (keyof typeof m.byEndpoint)[]) {
      const parts = [s1, s2].flatMap((s) => (s.histograms.byEndpoint[endpoint] === undefined ? [] : [decodeHistogram(s.histograms.byEndpoint[endpoint]!)]));
      expect(m.byEndpoint[endpoint]).toEqual(percentilesOf(mergeHistograms(parts)));
    }
    // Begun together: each shard's second k is the merged second k (a shard whose process came
    // up after the start time began at once, a few seconds off, on a machine this busy).
    expectBoundUnlessDisturbed(m.measurementQuality, 'shards aligned by --start-at', () => expect(merged.merged!.alignmentMs).toBeLessThan(250));
    const starts = [s1, s2].map((s) => Date.parse(s.windowStartedAt!));
    const offsets = starts.map((t) => Math.round((t - Math.min(...starts)) / 1000));
    for (const second of m.timeline) {
      const parts = [s1, s2].flatMap((s, i) =>
        s.timeline.filter((x) => x.second + offsets[i] === second.second && x.histograms !== undefined).map((x) => decodeHistogram(x.histograms!.latency)),
      );
      if (parts.length === 0) continue;
      const p = percentilesOf(mergeHistograms(parts));
      expect([second.p50Us, second.p99Us]).toEqual([p.p50, p.p99]);
    }
  });

  it('carry the throughput of one unsharded run at the same total load', () => {
    const merged = read('merged.json').architectures[0];
    const single = read('single.json').architectures[0];
    console.log(`merged ${merged.throughputRps.toFixed(1)} req/s, unsharded ${single.throughputRps.toFixed(1)} req/s at ${RATE}/s`);
    for (const run of [merged, single]) {
      expectBoundUnlessDisturbed(run.measurementQuality, 'throughput at the asked rate', () => expect(Math.abs(run.throughputRps - RATE) / RATE).toBeLessThan(0.1));
    }
    expectBoundUnlessDisturbed(single.measurementQuality, 'merged against unsharded', () => expect(Math.abs(merged.throughputRps - single.throughputRps) / single.throughputRps).toBeLessThan(0.1));
  });

  it('are read by report and compare like any result', async () => {
    const report = await cli(['report', file('merged.json')]);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toMatch(/merged from 2 shards, windows aligned within \d+ ms/);
    const compare = await cli(['compare', file('single.json'), file('merged.json'), '--max-regress', 'p99=1000%,throughput=50%']);
    expect([0, 99], compare.stderr).toContain(compare.code);
  });
});

describe('merge refuses, with exit 2 and the reason', () => {
  it('a missing slice, the same slice twice, a result that is no shard', async () => {
    const missing = await cli(['merge', file('shard-1.json'), '--out', file('x.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('shard 2/2 missing: a merge needs every slice of the load');
    const twice = await cli(['merge', file('shard-1.json'), file('shard-1.json'), '--out', file('x.json')]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain(`is shard 1/2, and so is ${file('shard-1.json')}: the same slice twice`);
    const single = await cli(['merge', file('shard-1.json'), file('single.json'), '--out', file('x.json')]);
    expect(single.code).toBe(2);
    expect(single.stderr).toContain(`${file('single.json')} › shard: is not a shard result: it was run without \`--shard i/n\``);
  });

  it('shards of different scenarios, or of another schema version', async () => {
    const other = read('shard-2.json');
    other.scenario.durationMs = 9000;
    writeFileSync(file('other.json'), JSON.stringify(other));
    const different = await cli(['merge', file('shard-1.json'), file('other.json'), '--out', file('x.json')]);
    expect(different.code).toBe(2);
    expect(different.stderr).toContain(`${file('other.json')} › scenario.durationMs: differs from ${file('shard-1.json')}: shards of different scenarios`);
    const newer = { ...read('shard-2.json'), schemaVersion: 2 };
    writeFileSync(file('newer.json'), JSON.stringify(newer));
    const version = await cli(['merge', file('shard-1.json'), file('newer.json'), '--out', file('x.json')]);
    expect(version.code).toBe(2);
    expect(version.stderr).toMatch(/newer\.json › schemaVersion: /);
  });
});

describe('run refuses bad shard flags before starting anything', () => {
  it('--shard 3/2, --shard 0/2, --start-at in the past, and a shard of a topology it would start', async () => {
    const three = await cli(['run', file('sharded.yaml'), '--shard', '3/2']);
    expect(three.code).toBe(2);
    expect(three.stderr).toContain('--shard: expected i from 1 to n (2): slices are numbered from 1, got `3/2`');
    expect((await cli(['run', file('sharded.yaml'), '--shard', '1of2'])).stderr).toContain('--shard: expected `i/n`');
    const past = await cli(['run', file('sharded.yaml'), '--start-at', '2020-01-01T00:00:00Z']);
    expect(past.code).toBe(2);
    expect(past.stderr).toMatch(/--start-at: expected a time in the future: it was \d+ s ago/);
    writeFileSync(file('own.yaml'), 'architectures: [sticky]\nreplicas: 1\nduration: 1s\n');
    const own = await cli(['run', file('own.yaml'), '--shard', '1/2']);
    expect(own.code).toBe(2);
    expect(own.stderr).toContain('would run on replicas each shard starts for itself');
  });
});
