import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { parseScenario, scenarioFromDefaults } from '../../src/scenario/load-scenario.js';
import { applyOverrides, overridesFromEnv, parsePath, type ScenarioOverride } from '../../src/scenario/overrides.js';

/** Every problem as `file › path: message`, the way the CLI prints them. */
function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidInputError) return err.problems.map((p) => `${p.file}${p.path ? ` › ${p.path}` : ''}: ${p.message}`);
    throw err;
  }
  throw new Error('expected InvalidInputError');
}

const set = (assignment: string, source = '--set'): ScenarioOverride => ({ source, set: assignment });

const KILL = 'architectures: [sticky, redis, sqlite]\nreplicas: 3\nduration: 20s\nload:\n  model: open\n  rate: 2000/s\n  sessions: 300\nfaults:\n  - at: 8s\n    kill: replica-2\nthresholds:\n  sqlite.p99: "< 10ms"\n  p99: "< 1s"\n';

describe('field paths', () => {
  it('reads dots, indexes and quoted keys; a free-key mapping takes the rest as one key', () => {
    expect(parsePath('load.rate')).toEqual({ path: ['load', 'rate'] });
    expect(parsePath('faults[0].at')).toEqual({ path: ['faults', 0, 'at'] });
    expect(parsePath('thresholds.sticky.p99')).toEqual({ path: ['thresholds', 'sticky.p99'] });
    expect(parsePath('thresholds["redis.error-rate"]')).toEqual({ path: ['thresholds', 'redis.error-rate'] });
    expect(parsePath('capacity.slo.p99')).toEqual({ path: ['capacity', 'slo', 'p99'] });
    expect(parsePath('load..rate')).toEqual({ message: expect.stringContaining('cannot read the field path `load..rate` at `..rate`') });
  });
});

describe('applyOverrides', () => {
  it('reads values as YAML, removes a field for an empty value, and records what each changed and what was there', () => {
    const out = applyOverrides({ replicas: 3, load: { users: 10 } }, [set('replicas=5'), set('architectures=[sticky, redis]'), set('load.users='), set('strict=true')]);
    expect(out.data).toEqual({ replicas: 5, load: {}, architectures: ['sticky', 'redis'], strict: true });
    expect(out.applied).toEqual([
      { source: '--set', path: 'replicas', value: 5, was: 3 },
      { source: '--set', path: 'architectures', value: ['sticky', 'redis'] },
      { source: '--set', path: 'load.users', removed: true, was: 10 },
      { source: '--set', path: 'strict', value: true },
    ]);
  });

  it('takes text that is not YAML as plain text, and refuses what cannot be set', () => {
    expect(applyOverrides({}, [set('description=a: b: c')]).data).toEqual({ description: 'a: b: c' });
    const bad = applyOverrides({ duration: '5s', faults: [] }, [set('noequals'), set('duration.x=1'), set('faults[3].at=1s')]);
    expect(bad.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^expected `path=value` such as `load\.rate=2000\/s`.*got `noequals`$/),
      expect.stringMatching(/^`duration` is the text `5s`, not a mapping or list/),
      '`faults` has 0 entries: `[3]` is beyond them (`[0]` adds one)',
    ]);
  });

  it('--rate makes the load open and drops the closed-only fields; --users the reverse', () => {
    const open = applyOverrides({ load: { model: 'closed', users: 100, rampUp: '2s' }, session: { thinkTime: '150ms' } }, [{ source: '--rate', flag: 'rate', value: '900/s' }]);
    expect(open.data).toEqual({ load: { model: 'open', rate: '900/s' }, session: {} });
    const closed = applyOverrides({ load: { model: 'open', rate: '2000/s', sessions: 300 } }, [{ source: '-u', flag: 'users', value: '40' }]);
    expect(closed.data).toEqual({ load: { model: 'closed', users: 40 } });
  });
});

describe('parseScenario with overrides', () => {
  it('validates an overridden value exactly as the file, naming the flag and the field, without a line of the file', () => {
    expect(problems(() => parseScenario(KILL, 'kill.yaml', { overrides: [set('load.rate=abc'), { source: '--replicas', flag: 'replicas', value: 'x' }] }))).toEqual([
      '--replicas › replicas: expected a number, got the text `x`',
      '--set › load.rate: expected a rate such as `2000/s`, `120/m` or `7200/h`, got `abc`',
    ]);
    expect(problems(() => parseScenario(KILL, 'kill.yaml', { overrides: [set('duraton=5s', 'STATEBENCH_SET')] }))).toEqual([
      'STATEBENCH_SET › duraton: unknown field `duraton` (did you mean `duration`?)',
    ]);
  });

  it('a cross-field problem the flag caused stays on the file, with the overridden value in its words', () => {
    expect(problems(() => parseScenario(KILL, 'kill.yaml', { overrides: [{ source: '--duration', flag: 'duration', value: '5s' }] }))).toEqual([
      'kill.yaml › faults[0].at: `8s` is at or after the end of the measured window (`duration: 5s`); a fault must happen before it (line 9)',
    ]);
  });

  it('--arch narrows validation to the architectures that will run, and drops thresholds on the others', () => {
    const file = 'architectures: [redis, sqlite]\nstore:\n  latency: 1ms\nthresholds:\n  sqlite.p99: "< 5ms"\n  redis.p99: "< 50ms"\n';
    expect(problems(() => parseScenario(file, 'f.yaml'))).toEqual([expect.stringMatching(/^f\.yaml › store\.latency: cannot apply to `sqlite`/)]);
    const s = parseScenario(file, 'f.yaml', { overrides: [{ source: '--arch', flag: 'arch', value: 'redis' }] });
    expect(s.architectures).toEqual(['redis']);
    expect(s.store.latencyMs).toBe(1);
    expect(s.thresholds.map((t) => t.source)).toEqual(['redis.p99']);
    expect(s.overrides).toEqual([
      { source: '--arch', path: 'architectures', value: ['redis'], was: ['redis', 'sqlite'] },
      { source: '--arch', path: 'thresholds["sqlite.p99"]', removed: true, was: '< 5ms' },
    ]);
    // A setting only the left-out architectures use is not refused as unused either.
    expect(parseScenario('architectures: [sticky, redis]\nstore: {latency: 1ms}\n', 'g.yaml', { overrides: [{ source: '--arch', flag: 'arch', value: 'sticky' }] }).architectures).toEqual(['sticky']);
  });

  it('a run without a file is the defaults plus the flags, named ad-hoc, and recorded', () => {
    const s = scenarioFromDefaults({
      overrides: [
        { source: '--arch', flag: 'arch', value: 'sticky,redis' },
        { source: '--duration', flag: 'duration', value: '5s' },
        { source: '--rate', flag: 'rate', value: '1000/s' },
      ],
    });
    expect(s).toMatchObject({ name: 'ad-hoc', architectures: ['sticky', 'redis'], durationMs: 5000, warmupMs: 2000, replicas: 3, load: { model: 'open', rateRps: 1000 }, pairing: 'sequential' });
    expect(s.overrides?.map((o) => `${o.source} ${o.path}`)).toEqual(['--arch architectures', '--duration duration', '--rate load.model', '--rate load.rate']);
  });

  it('a scenario without overrides has no record', () => {
    expect(parseScenario(KILL, 'kill.yaml').overrides).toBeUndefined();
  });
});

describe('overridesFromEnv', () => {
  it('reads STATEBENCH_SET (; or newline separated) and each flag\'s variable, and names unknown ones', () => {
    const { overrides, notices } = overridesFromEnv({
      STATEBENCH_SET: 'load.rate=500/s; store.latency=1ms\nwarmup=0s',
      STATEBENCH_USERS: '20',
      STATEBENCH_DURATON: '5s',
      STATEBENCH_STORE_URL: 'redis://x',
      PATH: '/bin',
    });
    expect(overrides).toEqual([
      { source: 'STATEBENCH_SET', set: 'load.rate=500/s' },
      { source: 'STATEBENCH_SET', set: 'store.latency=1ms' },
      { source: 'STATEBENCH_SET', set: 'warmup=0s' },
      { source: 'STATEBENCH_USERS', flag: 'users', value: '20' },
    ]);
    expect(notices).toEqual(['STATEBENCH_DURATON is not a statebench variable, ignored (did you mean `STATEBENCH_DURATION`?)']);
  });
});
