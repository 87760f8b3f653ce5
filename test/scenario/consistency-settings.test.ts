import { describe, expect, it } from 'vitest';
import { architectureVariants } from '../../src/run/store-variants.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { problemsOf } from '../helpers/scenario-problems.js';


describe('consistency settings and network faults in scenario files', () => {
  it('resolves the store settings, and a compared one into variants labelled per value', () => {
    const s = parseScenario(
      `architectures: [sticky, redis]
store: { replicas: 1, readFrom: [primary, replica], replicationLatency: 20ms, maxmemory: 4MiB, maxmemoryPolicy: allkeys-lru, rolling: true, ttl: 2s }
`,
      'x.yaml',
    );
    expect(s.store).toMatchObject({ replicas: 1, readFrom: 'primary', replicationLatencyMs: 20, maxMemoryPolicy: 'allkeys-lru', rolling: true, sessionTtlS: 2 });
    expect(s.storeVariants).toEqual({ setting: 'readFrom', values: ['primary', 'replica'] });
    // Redis runs once per value; sticky, which reads no replica, once.
    expect(architectureVariants(s, 'redis').map((v) => [v.suffix, v.scenario.store.readFrom])).toEqual([
      ['+readFrom=primary', 'primary'],
      ['+readFrom=replica', 'replica'],
    ]);
    expect(architectureVariants(s, 'sticky').map((v) => v.suffix)).toEqual(['']);
    // `rolling` applies wherever sessions expire: every architecture compares it.
    const r = parseScenario(`architectures: [sticky, cookie]\nstore: { rolling: [true, false] }\n`, 'x.yaml');
    expect(architectureVariants(r, 'cookie').map((v) => v.scenario.store.rolling)).toEqual([true, false]);
  });

  it('refuses settings that need others, or a store that cannot honour them, naming the field', () => {
    expect(problemsOf(`architectures: [redis]\nstore: { readFrom: replica, replicationLatency: 20ms, maxmemoryPolicy: allkeys-lru }\n`).sort()).toEqual([
      'store.maxmemoryPolicy: needs `maxmemory`: the policy says what Redis does at its memory limit, e.g. `{ maxmemory: 2MiB, maxmemoryPolicy: allkeys-lru }` (line 2)',
      'store.readFrom: needs `replicas`: a Redis replica to read from, e.g. `{ replicas: 1, readFrom: replica }` (line 2)',
      'store.replicationLatency: needs `replicas`: the lag is added on the link from the primary to its replicas (line 2)',
    ]);
    expect(problemsOf(`architectures: [redis]\nstore: { replicas: 1, sentinels: 3, readFrom: replica }\n`)).toEqual([
      'store.readFrom: reading from replicas found through `sentinels` is not supported yet: use `replicas` without `sentinels` (line 2)',
    ]);
    expect(problemsOf(`architectures: [memcached]\nstore: { maxmemory: 4MiB, maxmemoryPolicy: volatile-ttl }\n`)[0]).toMatch(
      /^store\.maxmemoryPolicy: cannot apply to `memcached`: Memcached evicts the least recently used items/,
    );
    expect(problemsOf(`architectures: [postgres]\nstore: { maxmemory: 4MiB, maxmemoryPolicy: noeviction }\n`)).toContain(
      'store.maxmemoryPolicy: cannot apply to `postgres`: PostgreSQL keeps sessions on disk and never evicts them (line 2)',
    );
    expect(problemsOf(`architectures: [sqlite]\nstore: { readFrom: replica }\n`)[0]).toMatch(/^store\.readFrom: applies only to Redis/);
    expect(problemsOf(`architectures: [redis]\nstore: { replicas: 1, readFrom: [primary, replica], rolling: [true, false] }\n`)).toEqual([
      'store.rolling: compares values, and so does `readFrom`: compare one store setting per run (give one of them a single value) (line 2)',
    ]);
  });

  it('checks network faults: their own fields, and every variant of a compared setting', () => {
    expect(problemsOf(`architectures: [redis]
faults:
  - at: 1s
    store-partition: true
  - at: 2s
    store-bandwidth: 10B/s
    for: 1s
  - at: 3s
    store-slow-close: 2s
    for: 1s
  - at: 4s
    store-reset: true
`)).toEqual([
      'faults[0].for: is required (a duration such as `30s`) (line 3)',
      'faults[1].store-bandwidth: must be at least `1KiB/s` (below it one round trip takes seconds), got `10B/s` (line 6)',
    ]);
    const s = parseScenario(`architectures: [redis]\nfaults:\n  - at: 2s\n    store-bandwidth: 64KiB/s\n    for: 1s\n`, 'x.yaml');
    expect(s.faults[0]).toEqual({ atMs: 2000, kind: 'store-bandwidth', bytesPerSecond: 65536, forMs: 1000 });
    // The proxy fronts the primary alone: reads from a replica would go around a partition.
    expect(problemsOf(`architectures: [redis]\nstore: { replicas: 1, readFrom: [primary, replica] }\nfaults:\n  - at: 1s\n    store-partition: true\n    for: 1s\n`)).toEqual([
      'faults[0].store-partition: cannot apply to `redis`: the latency proxy fronts the primary alone, and with `readFrom: replica` reads go to the replicas around it: not supported yet (line 5)',
    ]);
    expect(problemsOf(`architectures: [sqlite]\nfaults:\n  - at: 1s\n    store-reset: true\n`)[0]).toMatch(/^faults\[0\]\.store-reset: cannot apply to `sqlite`: SQLite is embedded/);
  });
});
