import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { createHistogram, encodeHistogram, percentilesOf, recordLatencyUs } from '../../src/hdr/histogram.js';
import { checkRunResult } from '../../src/report/read-result.js';
import { renderHtml } from '../../src/report/html.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderTerminalReport } from '../../src/report/terminal-table.js';
import type { RunResult } from '../../src/result/types.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import type { Scenario } from '../../src/scenario/types.js';
import { LIMITS } from '../../src/syntax/limits.js';
import { cli } from '../helpers/cli.js';
import { loadFixture } from '../report/load-fixture.js';

/**
 * Issue 12, property-based: generated malformed scenarios and result files are refused with
 * exit 2 (an InvalidInputError naming the field), never a crash, a stack trace or a hang; and
 * whatever is accepted stays within the limits, so nothing accepted cannot run. Seeded, so a
 * failure reproduces; about 10 s in all on a busy machine.
 */

const SEED = 20261201;
/** Per case; the slowest legitimate case is a 256 KiB file (about 0.5 s on a busy machine). */
const CASE_BUDGET_MS = 2000;
const dir = mkdtempSync(path.join(tmpdir(), 'statebench-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DURATIONS = ['0', '1', '30s', '500ms', '1m30s', '24h', '25h', '876000h', `${'9'.repeat(400)}s`, '-5s', '1.5.5s', '0.0001ms', '', ' ', '10 s', '1e3s', 'NaNs', 'Infinity'];
const RATES = ['2000/s', '120/m', '0/s', '10000000/s', `${'9'.repeat(400)}/s`, '100000/s', '100001/s', '5/ms', 'fast', '-1/s'];
const SIZES = ['64B', '1KiB', '512KiB', '1GiB', `${'9'.repeat(400)}B`, '0', '-1B', '1.5MiB', '1 TiB'];

const oddValue = fc.oneof(
  fc.constantFrom(...DURATIONS, ...RATES, ...SIZES),
  fc.string({ maxLength: 30 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(null, true, false, 2 ** 53, -0, 1e308, Number.MAX_SAFE_INTEGER),
  fc.constant('x'.repeat(300)),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.integer(), { maxKeys: 4 }),
);

const TOP = ['name', 'description', 'architectures', 'replicas', 'duration', 'warmup', 'load', 'session', 'store', 'faults', 'thresholds', 'duraton', 'extra'];
const LOAD = ['model', 'users', 'rampUp', 'rate', 'rampTo', 'sessions', 'maxBacklog', 'timeout', 'grace', 'parallelPerSession'];
const SESSION = ['adds', 'readRatio', 'payload', 'thinkTime'];
const STORE = ['redisUrl', 'persistence', 'ttl', 'latency', 'jitter', 'kind', 'replicas', 'sentinels', 'maxmemory'];
const FAULT_KINDS = ['kill', 'restart', 'pause', 'resume', 'deploy', 'scale', 'store-kill', 'store-pause', 'store-latency', 'store-failover', 'nuke'];

const section = (keys: string[]) => fc.dictionary(fc.constantFrom(...keys), fc.oneof(oddValue, fc.constantFrom('open', 'closed', 'redis://::::::not a url', 'redis://127.0.0.1:1')), { maxKeys: 5 });
const fault = fc.record(
  { at: fc.constantFrom(...DURATIONS), kind: fc.constantFrom(...FAULT_KINDS), value: fc.oneof(fc.constantFrom('replica-1', 'replica-2', 'random', '+1000', '-3', true), oddValue), for: fc.option(fc.constantFrom(...DURATIONS)) },
  { requiredKeys: ['at', 'kind', 'value'] },
).map(({ at, kind, value, for: f }) => ({ at, [kind]: value, ...(f == null ? {} : { for: f }) }));

const scenarioData = fc.record(
  {
    top: fc.dictionary(fc.constantFrom(...TOP), oddValue, { maxKeys: 6 }),
    load: section(LOAD),
    session: section(SESSION),
    store: section(STORE),
    faults: fc.array(fault, { maxLength: 6 }),
    architectures: fc.array(fc.constantFrom('sticky', 'redis', 'sqlite', 'cookie', 'postgres', 'memcached', 'mongo'), { maxLength: 4 }),
  },
  { requiredKeys: [] },
).map((r) => ({ ...r.top, ...(r.load ? { load: r.load } : {}), ...(r.session ? { session: r.session } : {}), ...(r.store ? { store: r.store } : {}), ...(r.faults ? { faults: r.faults } : {}), ...(r.architectures ? { architectures: r.architectures } : {}) }));

/** A valid scenario with one field, or one fault option, set to something odd: what bounds bugs hide behind. */
const VALID = {
  name: 'fuzz',
  architectures: ['sticky', 'redis'],
  replicas: 3,
  duration: '10s',
  warmup: '1s',
  load: { model: 'open', rate: '200/s', timeout: '1s' },
  session: { adds: 4, payload: '64B' },
  store: { ttl: '60s', latency: '1ms' },
  faults: [{ at: '2s', pause: 'replica-1', for: '1s' }, { at: '5s', 'store-latency': '2ms', jitter: '1ms' }, { at: '6s', deploy: { interval: '1s' } }],
};
/** Where odd values go: every field with a unit or a bound, and a few without, with values of their kind. */
const OTHERS = [0, -1, 65, 100_001, 10_000_000, 2 ** 53, 'a'.repeat(101), 'redis://::::::not a url', 'notaurl', 'x'.repeat(20_000)];
const SLOTS: [(string | number)[], readonly unknown[]][] = [
  ...[['duration'], ['warmup'], ['load', 'timeout'], ['load', 'grace'], ['store', 'ttl'], ['store', 'latency'], ['store', 'jitter'],
    ['faults', 0, 'at'], ['faults', 0, 'for'], ['faults', 1, 'store-latency'], ['faults', 1, 'jitter'], ['faults', 2, 'deploy', 'interval']].map((p) => [p, DURATIONS] as [(string | number)[], readonly unknown[]]),
  [['load', 'rate'], RATES], [['load', 'rampTo'], RATES], [['session', 'payload'], SIZES], [['store', 'maxmemory'], SIZES],
  ...[['name'], ['replicas'], ['load', 'sessions'], ['load', 'maxBacklog'], ['session', 'adds'], ['store', 'redisUrl'], ['description']].map((p) => [p, OTHERS] as [(string | number)[], readonly unknown[]]),
];
const oneOdd = fc
  .constantFrom(...SLOTS)
  .chain(([slot, values]) => fc.record({ slot: fc.constant(slot), value: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: oddValue }) }))
  .map(({ slot, value }) => {
    const data = structuredClone(VALID) as Record<string | number, unknown>;
    let target = data;
    for (const k of slot.slice(0, -1)) target = target[k] as Record<string | number, unknown>;
    target[slot.at(-1)!] = value;
    return data;
  });

/** YAML text: the data stringified, sometimes damaged the ways people and attackers damage it. */
const scenarioText = fc.oneof(
  { weight: 6, arbitrary: oneOdd.map((d) => stringify(d)) },
  { weight: 3, arbitrary: scenarioData.map((d) => stringify(d)) },
  { weight: 1, arbitrary: fc.tuple(scenarioData, fc.constantFrom('!evil ', '!!binary ', '&a ', '*a ', '? ', '%YAML 1.1\n---\n', '<<: ')).map(([d, tag]) => stringify(d).replace(/: /, `: ${tag}`)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 40 }).map((n) => `load: ${'['.repeat(n)}${']'.repeat(n)}\n`) },
  { weight: 1, arbitrary: fc.integer({ min: 900, max: 3000 }).filter((n) => n % 10 === 0).map((n) => Array.from({ length: n }, (_, i) => `k${i}: ${i}`).join('\n')) },
);

/** Whatever is accepted can run: every figure within src/syntax/limits.ts. */
function withinLimits(s: Scenario): void {
  const durations = [s.durationMs, s.warmupMs, s.load.timeoutMs, s.load.graceMs, s.session.thinkTimeMs, ...s.faults.map((f) => f.atMs)];
  for (const ms of durations) expect(ms >= 0 && ms <= LIMITS.durationMs).toBe(true);
  expect(s.name.length).toBeLessThanOrEqual(LIMITS.nameChars);
  expect(s.replicas).toBeLessThanOrEqual(LIMITS.replicas);
  expect(s.session.payloadBytes).toBeLessThanOrEqual(LIMITS.payloadBytes);
  expect(s.session.adds * s.session.payloadBytes).toBeLessThanOrEqual(LIMITS.sessionStateBytes);
  expect(s.store.sessionTtlS).toBeLessThanOrEqual(LIMITS.sessionTtlS);
  expect(Math.max(s.store.latencyMs, s.store.jitterMs)).toBeLessThanOrEqual(LIMITS.storeLatencyMs);
  for (const f of s.faults as unknown as Record<string, unknown>[]) {
    for (const key of ['forMs', 'intervalMs']) if (typeof f[key] === 'number') expect(f[key]).toBeLessThanOrEqual(LIMITS.durationMs);
    for (const key of ['latencyMs', 'jitterMs']) if (typeof f[key] === 'number') expect(f[key]).toBeLessThanOrEqual(LIMITS.storeLatencyMs);
  }
  if (s.store.maxMemoryBytes !== undefined) expect(s.store.maxMemoryBytes).toBeLessThanOrEqual(LIMITS.storeMemoryBytes);
  if (s.load.model === 'open') {
    expect(Math.max(s.load.rateRps, s.load.rampToRps ?? 0)).toBeLessThanOrEqual(LIMITS.rateRps);
    expect(s.load.sessions).toBeLessThanOrEqual(LIMITS.sessions);
  } else {
    expect(s.load.users).toBeLessThanOrEqual(LIMITS.users);
  }
  expect(JSON.stringify(s)).not.toContain('null');
}

describe('fuzzed scenarios', () => {
  it('are accepted within the limits, or refused as invalid input, quickly', () => {
    let refused = 0;
    fc.assert(
      fc.property(scenarioText, (text) => {
        const t0 = performance.now();
        try {
          withinLimits(parseScenario(text, 'fuzz.yaml'));
        } catch (err) {
          if (!(err instanceof InvalidInputError)) throw err;
          refused++;
          expect(err.exitCode).toBe(2);
          expect(err.problems.length).toBeGreaterThan(0);
          expect(err.problems.length).toBeLessThanOrEqual(LIMITS.problemsShown + 1);
        }
        expect(performance.now() - t0).toBeLessThan(CASE_BUDGET_MS);
      }),
      { seed: SEED, numRuns: 500 },
    );
    expect(refused).toBeGreaterThan(250);
  }, 30_000);

  it('through the CLI: exit 0 or 2, one clear message, never a stack trace', async () => {
    const samples = fc.sample(scenarioText, { seed: SEED + 1, numRuns: 100 });
    for (const [i, text] of samples.entries()) {
      const file = path.join(dir, `s${i}.yaml`);
      writeFileSync(file, text);
      const run = await cli(['validate', file]);
      expect([0, 2], run.stderr).toContain(run.code);
      expect(run.stderr).not.toMatch(/unexpected error|\n\s+at |Error:/);
    }
  }, 30_000);
});

/** A valid result with real histograms, to break. */
function baseResult(): RunResult {
  const result = loadFixture('kill-one-replica');
  for (const a of result.architectures) {
    const h = createHistogram();
    for (let i = 1; i <= 300; i++) recordLatencyUs(h, 100 + ((i * 7919) % 9000));
    a.histograms = { latency: encodeHistogram(h), byEndpoint: {} };
    a.latencyUs = percentilesOf(h);
  }
  return result;
}

/** Every path in a JSON value (objects and arrays), for picking one to break. */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return out;
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  for (const [k, v] of entries) {
    // Timeline seconds are many and alike: a few stand for all.
    if (typeof k === 'number' && k > 2) break;
    out.push([...prefix, k]);
    paths(v, [...prefix, k], out);
  }
  return out;
}

describe('fuzzed result files', () => {
  const base = baseResult();
  const all = paths(base);
  const mutation = fc.record({
    at: fc.integer({ min: 0, max: all.length - 1 }),
    to: fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      fc.anything({ maxDepth: 2 }),
      fc.constantFrom(-1, 1e308, 'HISTFAAAA', 'not base64!', '', [], {}),
    ),
  });

  it('are read as valid and render, or refused as invalid input naming a field, quickly', () => {
    let refused = 0;
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
        const r = structuredClone(base) as unknown as Record<string, unknown>;
        for (const { at, to } of mutations) {
          const p = all[at];
          let parent: unknown = r;
          for (const k of p.slice(0, -1)) parent = (parent as Record<string | number, unknown> | null)?.[k];
          if (parent === null || typeof parent !== 'object') continue;
          if (to === undefined) delete (parent as Record<string | number, unknown>)[p.at(-1)!];
          else (parent as Record<string | number, unknown>)[p.at(-1)!] = to;
        }
        // Through JSON, as a file is read: undefined and functions vanish, -0 becomes 0.
        const value: unknown = JSON.parse(JSON.stringify(r));
        const t0 = performance.now();
        try {
          const ok = checkRunResult(value, 'fuzz.json');
          renderTerminalReport(ok, { color: false, width: 100 });
          renderMarkdown(ok);
          // The HTML report computes its percentile spectrum from the histograms.
          renderHtml(ok);
        } catch (err) {
          if (!(err instanceof InvalidInputError)) throw err;
          refused++;
          expect(err.exitCode).toBe(2);
          expect(err.problems.every((p) => p.file === 'fuzz.json')).toBe(true);
        }
        expect(performance.now() - t0).toBeLessThan(CASE_BUDGET_MS);
      }),
      { seed: SEED, numRuns: 300 },
    );
    expect(refused).toBeGreaterThan(100);
  }, 30_000);
});
