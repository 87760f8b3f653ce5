import { describe, expect, test } from 'vitest';
import { InvalidInputError, type InputProblem } from '../../src/errors.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { applySweepPoint } from '../../src/scenario/sweep.js';

function problemsOf(text: string, opts: { sweep?: Record<string, unknown[]> } = {}): InputProblem[] {
  try {
    parseScenario(text, 'bad.yaml', opts);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as InvalidInputError).problems;
  }
  throw new Error('expected the scenario to be refused');
}

const lines = (problems: InputProblem[]): string[] => problems.map((p) => `${p.file} › ${p.path}: ${p.message}`);

const BASE = 'name: s\narchitectures: [sticky, redis]\nload: {model: open, rate: 500/s}\n';

describe('sweep: in a scenario', () => {
  test('resolves every point: its label, its numbers in base units, and what it changes in the scenario', () => {
    const scenario = parseScenario(`${BASE}sweep:\n  session.payload: [64B, 2KiB]\n  store.latency: [0ms, 0.5ms]\n`, 's.yaml');
    expect(scenario.sweep!.fields).toEqual([
      { path: 'session.payload', values: ['64B', '2KiB'], unit: 'bytes', numbers: [64, 2048] },
      { path: 'store.latency', values: ['0ms', '0.5ms'], unit: 'ms', numbers: [0, 0.5] },
    ]);
    // A grid: the first field varies slowest.
    expect(scenario.sweep!.points.map((p) => p.label)).toEqual([
      'session.payload=64B, store.latency=0ms',
      'session.payload=64B, store.latency=0.5ms',
      'session.payload=2KiB, store.latency=0ms',
      'session.payload=2KiB, store.latency=0.5ms',
    ]);
    const last = applySweepPoint(scenario, scenario.sweep!.points[3]);
    expect(last.session.payloadBytes).toBe(2048);
    expect(last.store.latencyMs).toBe(0.5);
    expect(last.sweep).toBeUndefined();
    // The base is the file's own values (the defaults here).
    expect(scenario.session.payloadBytes).toBe(64);
  });

  test('a derived field follows: an open load\'s default session pool grows with a swept rate', () => {
    const scenario = parseScenario(`${BASE}sweep:\n  load.rate: [500/s, 4000/s]\n`, 's.yaml');
    const [slow, fast] = scenario.sweep!.points.map((p) => applySweepPoint(scenario, p));
    expect(slow.load).toMatchObject({ rateRps: 500, sessions: 100 });
    expect(fast.load).toMatchObject({ rateRps: 4000, sessions: 200 });
    expect(scenario.sweep!.fields[0]).toMatchObject({ unit: 'rps', numbers: [500, 4000] });
  });

  test('counts and switches sweep too; a value that is not a number has no numbers', () => {
    const counts = parseScenario(`${BASE}sweep:\n  load.sessions: [100, 1000, 10000]\n`, 's.yaml');
    expect(counts.sweep!.fields[0]).toMatchObject({ unit: 'count', numbers: [100, 1000, 10000] });
    const switches = parseScenario(`${BASE}sweep:\n  store.persistence: [false, true]\n`, 's.yaml');
    expect(switches.sweep!.fields[0]).toMatchObject({ values: ['false', 'true'], unit: 'none', numbers: [null, null] });
  });

  test('invalid sweeps are refused before anything starts, each problem naming the field and the value', () => {
    expect(lines(problemsOf(`${BASE}sweep:\n  session.paylod: [64B]\n`))).toEqual([
      'bad.yaml › sweep["session.paylod"]: unknown field `session.paylod` (did you mean `session.payload`?) (line 5)',
    ]);
    expect(lines(problemsOf(`${BASE}sweep:\n  session.payload: []\n`))).toEqual([
      'bad.yaml › sweep["session.payload"]: an empty list sweeps nothing: give the values to run at, such as `[64B, 512B, 2KiB]` (line 5)',
    ]);
    expect(lines(problemsOf(`${BASE}sweep:\n  load.sessions: [100, lots, 2.5]\n`))).toEqual([
      'bad.yaml › sweep["load.sessions"][1]: `lots`: expected a number, got the text `lots` (line 5)',
      'bad.yaml › sweep["load.sessions"][2]: `2.5`: expected a whole number, got `2.5` (line 5)',
    ]);
    expect(lines(problemsOf(`${BASE}sweep:\n  session.payload: [64B, 2MiB]\n`))).toEqual([
      'bad.yaml › sweep["session.payload"][1]: `2MiB`: must be at most `512KiB` (replicas refuse request bodies over 1MiB), got `2MiB` (line 5)',
    ]);
    expect(lines(problemsOf(`${BASE}sweep:\n  architectures: [[sticky], [redis]]\n  load: [1, 2]\n  session.payload: 64B\n`))).toEqual([
      'bad.yaml › sweep.architectures: `architectures` cannot be swept: every architecture runs at every value (they are the columns): list them in `architectures` (line 5)',
      'bad.yaml › sweep.load: `load` is a mapping: sweep one of its fields, such as `load.model` (line 6)',
      'bad.yaml › sweep["session.payload"]: expected a list of values such as `[64B, 512B, 2KiB]`, got the text `64B` (line 7)',
    ]);
    expect(lines(problemsOf(`${BASE}sweep:\n  session.payload: [64B, 64B]\n`))).toEqual([
      'bad.yaml › sweep["session.payload"][1]: `64B` is listed twice (also at 0): each value runs once (line 5)',
    ]);
    expect(lines(problemsOf(`${BASE}sweep: [64B]\n`))).toEqual([
      'bad.yaml › sweep: expected a mapping of fields to lists of values, such as `session.payload: [64B, 512B, 2KiB]`; got a list (line 4)',
    ]);
  });

  test('a grid beyond the bounds is refused: too many points, or longer than a day', () => {
    const nine = Array.from({ length: 9 }, (_, i) => `${i + 1}`).join(', ');
    expect(lines(problemsOf(`${BASE}sweep:\n  replicas: [${nine}]\n  load.sessions: [${nine}]\n`))).toEqual([
      'bad.yaml › sweep: 9 × 9 values make 81 points: at most 64 (each runs every architecture on a fresh topology); split it into several sweeps (line 5)',
    ]);
    expect(lines(problemsOf(`${BASE}duration: 12h\nsweep:\n  replicas: [1, 2]\n`))).toEqual([
      'bad.yaml › sweep: 2 points of 2 architectures would run for 48h12s: at most 24h (the longest statebench runs); fewer values, or a shorter `duration` (line 6)',
    ]);
  });

  test('in a grid, a value wrong in itself is said once, not once per combination', () => {
    expect(lines(problemsOf(`${BASE}sweep:\n  session.payload: [64B, lots]\n  replicas: [1, 2, 3]\n`))).toEqual([
      'bad.yaml › sweep["session.payload"][1]: `lots`: expected a size such as `64B`, `2kB` or `1KiB` (units: B, kB, KiB, MB, MiB, GB, GiB), got `lots` (line 5)',
    ]);
  });

  test('a combination a point cannot run is said against it: adds × payload beyond the cart limit', () => {
    expect(lines(problemsOf(`${BASE}sweep:\n  session.payload: [64B, 512KiB]\n  session.adds: [8, 1000]\n`))).toEqual([
      'bad.yaml › sweep["session.payload"][1]: `512KiB` (with `session.adds` `1000`): 1000 adds of 512KiB make a 500MiB cart per session; at most 64MiB (every request loads and saves it): fewer `adds` or a smaller `payload` (line 5)',
    ]);
  });

  test('`run --sweep` replaces the file\'s sweep, and its problems name the option', () => {
    const scenario = parseScenario(`${BASE}sweep:\n  session.payload: [64B]\n`, 's.yaml', { sweep: { 'store.latency': ['0ms', '2ms'] } });
    expect(scenario.sweep!.fields.map((f) => f.path)).toEqual(['store.latency']);
    expect(lines(problemsOf(BASE, { sweep: { 'store.latency': ['0ms', 'far'] } }))).toEqual([
      '--sweep › store.latency value 2: `far`: expected a duration such as `30s`, `500ms`, `1m30s` or `2h` (units: h, m, s, ms, us), got `far`',
    ]);
  });
});
