import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { problemsOf } from '../helpers/scenario-problems.js';


describe('faults are checked against the architectures before anything starts', () => {
  it('rejects a store fault when no architecture has a store, naming the field', () => {
    const problems = problemsOf(`architectures: [sticky, cookie]
faults:
  - at: 1s
    store-kill: true
`);
    expect(problems).toEqual([
      'faults[0].store-kill: acts on the session store, but no architecture of this scenario has one (`sticky` keeps sessions in the memory of the replica that created them, `cookie` keeps sessions in the client\'s signed cookie): add one that does, such as `redis` (line 4)',
    ]);
  });

  it('allows it beside an architecture with a store: sticky is the baseline that does not care', () => {
    expect(problemsOf(`architectures: [sticky, redis]\nfaults:\n  - at: 1s\n    store-kill: true\n`)).toEqual([]);
  });

  it('rejects what SQLite cannot do, saying why, and what needs a replicated Redis', () => {
    const problems = problemsOf(`architectures: [redis, sqlite]
faults:
  - at: 1s
    store-kill: true
  - at: 2s
    store-latency: 1ms
  - at: 3s
    store-pause: true
    for: 1s
  - at: 4s
    store-failover: true
`);
    expect(problems.map((p) => p.slice(0, p.indexOf(':', p.indexOf(':') + 1)))).toEqual([
      'faults[0].store-kill: cannot apply to `sqlite`',
      'faults[1].store-latency: cannot apply to `sqlite`',
      'faults[3].store-failover: cannot apply to `redis`',
      'faults[3].store-failover: cannot apply to `sqlite`',
    ]);
    expect(problems[0]).toMatch(/no store process to kill/);
    expect(problems[1]).toMatch(/no network hop/);
    expect(problems[2]).toMatch(/add `store: \{ replicas: 1, sentinels: 3 \}`/);
  });

  it('checks store options: latency needs a network store, sentinels need replicas and redis', () => {
    expect(problemsOf(`architectures: [sqlite]\nstore: { latency: 0.5ms }\n`)[0]).toMatch(/^store\.latency: cannot apply to `sqlite`: SQLite is embedded/);
    expect(problemsOf(`architectures: [redis]\nstore: { sentinels: 3 }\n`)[0]).toMatch(/^store\.sentinels: needs `replicas` too/);
    expect(problemsOf(`architectures: [sticky]\nstore: { replicas: 1, sentinels: 3 }\n`)[0]).toMatch(/applies only to Redis, and no architecture of this scenario uses it/);
    expect(problemsOf(`architectures: [redis]\nstore: { kind: redis, replicas: 1, sentinels: 3 }\n`)).toEqual([]);
    expect(problemsOf(`architectures: [sticky, cookie]\nstore: { latency: 1ms, ttl: 10s }\n`)).toEqual([
      'store.latency: applies only to Redis, Memcached or PostgreSQL, and no architecture of this scenario uses one: add one that does, such as `redis` (line 2)',
    ]);
  });

  it('runScenario checks again (a scenario built in code, or --redis-url given) and throws before starting anything', async () => {
    const scenario = parseScenario(`architectures: [sticky, redis]\nfaults:\n  - at: 1s\n    store-pause: true\n    for: 1s\n`, 'pause.yaml');
    const run = runScenario(scenario, { redisUrl: 'redis://127.0.0.1:1', scenarioFile: 'pause.yaml' });
    await expect(run).rejects.toThrow(InvalidInputError);
    await expect(run).rejects.toThrow(/^pause\.yaml: faults\[0\]\.store-pause: cannot apply to `redis`: needs a Redis statebench starts itself/);
  });
});
