import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { InvalidInputError, type InputProblem } from '../../src/errors.js';
import {
  listBuiltinScenarios,
  loadScenarioFile,
  parseScenario,
  resolveBuiltinScenario,
} from '../../src/scenario/load-scenario.js';
import { SCENARIO_DEFAULTS } from '../../src/scenario/defaults.js';

/** The problems parseScenario reports for `text` (fails the test if it accepts it). */
function problemsOf(text: string, file = 'bad.yaml'): InputProblem[] {
  try {
    parseScenario(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as InvalidInputError).problems;
  }
  throw new Error('expected the scenario to be rejected');
}

const problemAt = (problems: InputProblem[], path: string) => problems.filter((p) => p.path === path).map((p) => p.message);

describe('defaults', () => {
  test('a three-line file resolves with every default filled in', () => {
    const scenario = parseScenario('name: my-experiment\narchitectures: [sticky, sqlite]\nduration: 20s\n', 'my.yaml');
    expect(scenario).toEqual({
      name: 'my-experiment',
      architectures: ['sticky', 'sqlite'],
      replicas: 3,
      durationMs: 20_000,
      warmupMs: 2_000,
      load: { model: 'closed', users: 50, rampUpMs: 0, timeoutMs: 2_000, graceMs: 1_000, parallelPerSession: 1 },
      session: { adds: 8, readRatio: 0.5, payloadBytes: 64, thinkTimeMs: 0 },
      store: { persistence: false, sessionTtlS: 1800, latencyMs: 0, jitterMs: 0 },
      faults: [],
      thresholds: [],
      // Two architectures and no fault: measured together, each with half of the load.
      pairing: 'sequential',
    });
  });

  test('without `name` the file name is used, and the default architectures are compared', () => {
    const scenario = parseScenario('duration: 5s\n', 'scenarios/my test.yaml');
    expect(scenario.name).toBe('my-test');
    expect(scenario.architectures).toEqual([...SCENARIO_DEFAULTS.architectures]);
  });

  test('an open load gets a session pool sized for its peak rate', () => {
    const small = parseScenario('load: {model: open, rate: 500/s}\n', 'x.yaml');
    expect(small.load).toEqual({ model: 'open', rateRps: 500, sessions: 100, maxBacklog: 10_000, timeoutMs: 2000, graceMs: 1000, parallelPerSession: 1 });
    const big = parseScenario('load: {model: open, rate: 2000/s, rampTo: 8000/s, parallelPerSession: 2}\n', 'x.yaml');
    expect(big.load).toMatchObject({ rateRps: 2000, rampToRps: 8000, sessions: 200, parallelPerSession: 2 });
  });

  test('every field of the proposed format is accepted and converted to base units', () => {
    const scenario = parseScenario(
      `name: full
description: all fields
architectures: [sticky, redis]
replicas: 2
duration: 1m
warmup: 500ms
load:
  model: closed
  users: 10
  rampUp: 2s
  timeout: 1s
  grace: 250ms
  parallelPerSession: 4
session:
  adds: 3
  readRatio: 0.25
  payload: 1KiB
  thinkTime: 10ms
store:
  redisUrl: redis://127.0.0.1:6379
  persistence: true
  ttl: 1500ms
  latency: 0.5ms
  jitter: 100us
`,
      'full.yaml',
    );
    expect(scenario).toMatchObject({
      description: 'all fields',
      replicas: 2,
      durationMs: 60_000,
      warmupMs: 500,
      load: { model: 'closed', users: 10, rampUpMs: 2000, timeoutMs: 1000, graceMs: 250, parallelPerSession: 4 },
      session: { adds: 3, readRatio: 0.25, payloadBytes: 1024, thinkTimeMs: 10 },
      store: { redisUrl: 'redis://127.0.0.1:6379', persistence: true, sessionTtlS: 2, latencyMs: 0.5, jitterMs: 0.1 },
    });
  });
});

describe('faults', () => {
  test('every fault kind resolves into a FaultSpec, in timeline order', () => {
    // Only architectures every store fault applies to (SQLite takes no store-kill): this test is
    // about syntax; which faults fit which architecture is tested in test/faults.
    const scenario = parseScenario(
      `replicas: 3
architectures: [sticky, redis]
duration: 60s
faults:
  - at: 20s
    restart: replica-2
  - at: 10s
    kill: replica-2
  - at: 12s
    pause: random
    for: 1s
  - at: 14s
    resume: replica-1
  - at: 5s
    deploy: {interval: 2s}
  - at: 6s
    deploy: {}
  - at: 30s
    scale: +2
  - at: 31s
    kill: replica-5
  - at: 32s
    scale: "-1"
  - at: 40s
    store-kill: true
  - at: 41s
    store-restart:
  - at: 42s
    store-pause: true
    for: 2s
  - at: 45s
    store-latency: 2ms
    jitter: 0.5ms
`,
      'faults.yaml',
    );
    expect(scenario.faults).toEqual([
      { atMs: 5000, kind: 'deploy', intervalMs: 2000 },
      { atMs: 6000, kind: 'deploy', intervalMs: 1000 },
      { atMs: 10_000, kind: 'kill', target: 'replica-2' },
      { atMs: 12_000, kind: 'pause', target: 'random', forMs: 1000 },
      { atMs: 14_000, kind: 'resume', target: 'replica-1' },
      { atMs: 20_000, kind: 'restart', target: 'replica-2' },
      { atMs: 30_000, kind: 'scale', delta: 2 },
      { atMs: 31_000, kind: 'kill', target: 'replica-5' },
      { atMs: 32_000, kind: 'scale', delta: -1 },
      { atMs: 40_000, kind: 'store-kill' },
      { atMs: 41_000, kind: 'store-restart' },
      { atMs: 42_000, kind: 'store-pause', forMs: 2000 },
      { atMs: 45_000, kind: 'store-latency', latencyMs: 2, jitterMs: 0.5 },
    ]);
    const replicated = parseScenario(
      `architectures: [redis]
store: { kind: redis, replicas: 1, sentinels: 3 }
faults:
  - at: 5s
    store-failover: true
`,
      'failover.yaml',
    );
    expect(replicated.faults).toEqual([{ atMs: 5000, kind: 'store-failover' }]);
    expect(replicated.store).toMatchObject({ replicas: 1, sentinels: 3 });
  });

  test('a replica added by `scale` may be named only after the scale', () => {
    const problems = problemsOf(`duration: 30s
faults:
  - at: 5s
    kill: replica-4
  - at: 10s
    scale: +1
  - at: 15s
    kill: replica-4
  - at: 16s
    kill: replica-5
`);
    expect(problems.map((p) => p.path)).toEqual(['faults[0].kill', 'faults[3].kill']);
    expect(problems[0].message).toMatch(/^`replica-4` does not exist at 5s: with `replicas: 3` the names are `replica-1` to `replica-3`/);
    expect(problems[1].message).toMatch(/3 replicas, plus 1 added by `scale` before 16s/);
  });

  test('scaling below one replica, kind mix-ups and missing options are reported', () => {
    const problems = problemsOf(`duration: 30s
faults:
  - at: 1s
    scale: -3
  - at: 2s
    kill: replica-1
    for: 2s
  - at: 3s
    store-pause: true
  - at: 4s
    kill: replica-1
    restart: replica-1
  - at: 5s
  - at: 6s
    deploy: {intervl: 2s}
  - at: 7s
    scale: 0
`);
    expect(problemAt(problems, 'faults[0].scale')).toEqual(['would leave 0 replicas (3 before it): at least one must remain (line 4)']);
    expect(problemAt(problems, 'faults[1].for')[0]).toMatch(/^`for` does not apply to `kill` \(it goes with `pause`, `store-pause`, `store-partition`, `store-reset`, `store-bandwidth`, `store-slow-close`\)/);
    expect(problemAt(problems, 'faults[2].for')[0]).toMatch(/^is required \(a duration/);
    expect(problemAt(problems, 'faults[3]')[0]).toMatch(/one fault per entry, but this one has `kill` and `restart`/);
    expect(problemAt(problems, 'faults[4]')[0]).toMatch(/a fault needs one kind key beside `at`: kill, restart, pause/);
    expect(problemAt(problems, 'faults[5].deploy.intervl')[0]).toMatch(/unknown field `intervl` \(did you mean `interval`\?\)/);
    expect(problemAt(problems, 'faults[6].scale')[0]).toMatch(/expected replicas to add or remove, such as `\+2` or `-1`/);
  });

  test('store faults cannot apply to an existing Redis given by URL', () => {
    const problems = problemsOf('architectures: [sticky, redis]\nstore: {redisUrl: "redis://10.0.0.1:6379"}\nfaults: [{at: 1s, store-kill: true}, {at: 2s, store-latency: 1ms}]\n');
    expect(problems.map((p) => p.path)).toEqual(['faults[0].store-kill']);
  });
});

describe('load model rules', () => {
  test('an open load needs a rate and takes no users; a closed one takes no rate', () => {
    expect(problemsOf('load: {model: open, users: 5}\nsession: {thinkTime: 5ms}\n').map((p) => p.path)).toEqual([
      'load.rate',
      'load.users',
      'session.thinkTime',
    ]);
    const closed = problemsOf('load: {users: 5, rate: 100/s}\n');
    expect(closed).toEqual([
      { file: 'bad.yaml', path: 'load.rate', message: 'applies only to `model: open`: add `model: open`, or use `users` for a closed load (line 1)' },
    ]);
  });
});

describe('a file with many mistakes', () => {
  const text = `name: bad
architectures: [sticky, memcache, redis]
duraton: 30s
duration: 20s
warmup: 10
load:
  users: 0
faults:
  - at: 25s
    kill: replica-2
  - at: 1s
    kill: replica-9
thresholds:
  p99: "< 50ms"
  sticky.sesions-lost: "> 0"
  sqlite.p99: "< 5ms"
  errors: "< lots"
extra: 1
extra: 2
`;
  const problems = problemsOf(text);

  test('every problem is reported at once, in file order', () => {
    expect(problems.map((p) => p.path)).toEqual([
      'architectures[1]',
      'duraton',
      'warmup',
      'load.users',
      'faults[0].at',
      'faults[1].kill',
      'thresholds["sticky.sesions-lost"]',
      'thresholds["sqlite.p99"]',
      'thresholds.errors',
      'extra',
      '',
    ]);
    expect(problems.every((p) => p.file === 'bad.yaml')).toBe(true);
  });

  test('each says what was expected, in plain words, with its line', () => {
    const messages = Object.fromEntries(problems.map((p) => [p.path, p.message]));
    expect(messages).toEqual({
      'architectures[1]': 'expected one of `sticky`, `redis`, `redis-atomic`, `sqlite`, `sqlite-tx`, `cookie`, `memcached`, `memcached-cas`, `postgres`, `postgres-tx`, got the text `memcache` (did you mean `memcached`?) (line 2)',
      duraton: 'unknown field `duraton` (did you mean `duration`?) (line 3)',
      warmup: '`10` has no unit: write `10s` or `10ms` (line 5)',
      'load.users': 'must be at least 1, got `0` (line 7)',
      'faults[0].at': '`25s` is at or after the end of the measured window (`duration: 20s`); a fault must happen before it (line 9)',
      'faults[1].kill': '`replica-9` does not exist at 1s: with `replicas: 3` the names are `replica-1` to `replica-3` (or `random`) (line 12)',
      'thresholds["sticky.sesions-lost"]': expect.stringMatching(/^unknown metric `sesions-lost` \(did you mean `sessions-lost`\?\); expected one of `throughput`, /),
      'thresholds["sqlite.p99"]': expect.stringMatching(/^`sqlite` in `sqlite.p99` is not an architecture this scenario runs; expected one of `sticky`, `redis`, or no prefix/),
      'thresholds.errors': '`errors` is a count: expected a plain number such as `0`, got `lots` (line 17)',
      extra: expect.stringMatching(/^unknown field `extra`; expected one of `name`, `description`, `architectures`/),
      '': 'invalid YAML at line 19, column 1: Map keys must be unique',
    });
  });

  test('the error message lists them one per line, naming file and path', () => {
    try {
      parseScenario(text, 'bad.yaml');
    } catch (error) {
      const lines = (error as Error).message.split('\n');
      expect(lines).toHaveLength(problems.length);
      expect(lines[1]).toBe('bad.yaml: duraton: unknown field `duraton` (did you mean `duration`?) (line 3)');
    }
  });
});

describe('YAML and file errors', () => {
  test('a syntax error gives its line and column', () => {
    const problems = problemsOf('name: x\nload:\n  users: [1, 2\n');
    const syntax = problems.filter((p) => p.path === '');
    expect(syntax).toHaveLength(1);
    expect(syntax[0].message).toMatch(/^invalid YAML at line 4, column 1: /);
  });

  test('an empty file or a list is not a scenario', () => {
    expect(problemsOf('')[0].message).toMatch(/the file is empty/);
    expect(problemsOf('- a\n- b\n')[0].message).toMatch(/expected a mapping of scenario fields .*found a list/);
  });

  const dir = mkdtempSync(join(tmpdir(), 'statebench-scenario-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('loadScenarioFile returns the scenario and the absolute path read', async () => {
    const file = join(dir, 'ok.yaml');
    writeFileSync(file, 'duration: 5s\n');
    const { scenario, file: read } = await loadScenarioFile(file);
    expect(read).toBe(file);
    expect(scenario.name).toBe('ok');
  });

  test('a missing file is an input error naming it', async () => {
    const error = await loadScenarioFile(join(dir, 'nope.yaml')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).problems[0].message).toBe('file not found');
    expect((error as InvalidInputError).exitCode).toBe(2);
  });
});

describe('shipped scenarios', () => {
  test('both required scenarios ship', () => {
    expect(listBuiltinScenarios()).toEqual(expect.arrayContaining(['ci-smoke', 'kill-one-replica']));
  });

  test.each(listBuiltinScenarios())('%s validates and declares the JSON Schema for editors', async (name) => {
    const file = resolveBuiltinScenario(name);
    expect(file).toMatch(new RegExp(`scenarios/${name}\\.yaml$`));
    const { scenario } = await loadScenarioFile(file);
    expect(scenario.name).toBe(name);
    const { readFile } = await import('node:fs/promises');
    expect((await readFile(file, 'utf8')).split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/scenario.schema.json');
  });

  test('kill-one-replica compares sticky with every store and the cookie, and kills then restarts replica-2', async () => {
    const { scenario } = await loadScenarioFile(resolveBuiltinScenario('kill-one-replica'));
    expect(scenario.architectures).toEqual(['sticky', 'redis', 'memcached', 'postgres', 'sqlite', 'cookie']);
    expect(scenario.replicas).toBe(3);
    expect(scenario.faults).toEqual([
      { atMs: 8000, kind: 'kill', target: 'replica-2' },
      { atMs: 14_000, kind: 'restart', target: 'replica-2' },
    ]);
  });

  test('ci-smoke fits in a minute for all four architectures, with time to recover after the kill', async () => {
    const { scenario } = await loadScenarioFile(resolveBuiltinScenario('ci-smoke'));
    expect(scenario.architectures).toHaveLength(4);
    const perArchitectureMs = scenario.warmupMs + scenario.durationMs + scenario.load.graceMs;
    expect(perArchitectureMs * scenario.architectures.length).toBeLessThanOrEqual(48_000);
    // Recovery needs two clean seconds after the kill's own; compare needs 5 measured seconds.
    expect(scenario.durationMs - 2000).toBeGreaterThanOrEqual(5000);
    expect(scenario.durationMs).toBeGreaterThanOrEqual(5000);
    expect(scenario.faults).toEqual([{ atMs: 2000, kind: 'kill', target: 'replica-2' }]);
  });

  test('resolveBuiltinScenario: a path is taken as is; an unknown name suggests the closest', () => {
    expect(resolveBuiltinScenario('some/dir/x.yaml')).toMatch(/some\/dir\/x\.yaml$/);
    expect(() => resolveBuiltinScenario('kill-one-replika')).toThrow(/no built-in scenario of that name \(did you mean `kill-one-replica`\?\)/);
  });
});

test('an unquoted `> 0` threshold gets a hint to quote it, without follow-on noise', () => {
  const problems = problemsOf('thresholds:\n  sticky.sessions-lost: > 0\n  p99: < 5ms\n');
  expect(problems).toEqual([
    { file: 'bad.yaml', path: '', message: expect.stringMatching(/^invalid YAML at line 2, column \d+: .*; quote a threshold that starts with `>`, e.g. `"> 0"`$/) },
  ]);
});

describe('haproxy settings', () => {
  test('resolve to what the file set, durations in ms', () => {
    const scenario = parseScenario('architectures: [sticky]\nbalancer: haproxy\nhaproxy: { stickiness: cookie, check: { interval: 500ms, fall: 2 } }\n', 'lb.yaml');
    expect(scenario.haproxy).toEqual({ stickiness: 'cookie', health: { intervalMs: 500, fall: 2 } });
  });

  test('refuse an unknown stickiness and checks out of bounds, naming each field', () => {
    const problems = problemsOf('haproxy: { stickiness: sticky-cookie, check: { fall: 0, timeout: 2m, every: 1s } }\n');
    expect(problemAt(problems, 'haproxy.stickiness')[0]).toMatch(/stick-table.*cookie/);
    expect(problemAt(problems, 'haproxy.check.fall')[0]).toMatch(/1/);
    expect(problemAt(problems, 'haproxy.check.timeout')[0]).toMatch(/at most `1m`/);
    expect(problems.some((p) => p.path.startsWith('haproxy.check') && /every/.test(p.message))).toBe(true);
  });
});
