import { describe, expect, it } from 'vitest';
import { validateScenarioData } from '../../src/scenario/resolve-scenario.js';

const messages = (data: unknown): string[] => validateScenarioData(data, 'x').problems.map((p) => `${p.path.join('.')}: ${p.message}`);

describe('capacity: in a scenario', () => {
  it('fills its defaults: 1, 2, 4 replicas and p99 <= 50ms, error-rate <= 0.1%, dropped == 0', () => {
    const { scenario } = validateScenarioData({ capacity: { probe: '3s' } }, 'x');
    expect(scenario?.capacity).toMatchObject({ replicaCounts: [1, 2, 4], probeMs: 3000, probeWarmupMs: 2000, startRps: 100, precision: 0.1, confirmFailures: true });
    expect(scenario?.capacity?.slo.map((s) => `${s.metric} ${s.op} ${s.value}`)).toEqual(['p99 <= 50000', 'error-rate <= 0.001', 'dropped == 0']);
  });

  it('refuses an empty replica list', () => {
    expect(messages({ capacity: { replicas: [] } })).toContainEqual('capacity.replicas: needs at least one replica count, such as `[1, 2, 4]`');
  });

  it('refuses an SLO on an unknown metric, naming the known ones, and an architecture prefix', () => {
    const found = messages({ capacity: { slo: { p98: '<= 50ms', 'redis.p99': '<= 10ms' } } });
    expect(found.some((m) => /^capacity\.slo\.p98: unknown metric `p98` \(did you mean `p90`\?\); expected one of `throughput`/.test(m))).toBe(true);
    expect(found).toContainEqual('capacity.slo.redis.p99: the SLO holds for every architecture alike: write `p99` without a prefix');
    expect(messages({ capacity: { slo: {} } })).toContainEqual('capacity.slo: needs at least one condition, such as `p99: "<= 50ms"`');
  });

  it('refuses CPU budgets of 0 or less, or above the machine', () => {
    expect(messages({ hosts: { replicaCpu: -1 } })).toContainEqual('hosts.replicaCpu: must be above 0 cores');
    expect(messages({ hosts: { storeCpu: '0m' } })).toContainEqual('hosts.storeCpu: must be above 0 cores');
    expect(messages({ hosts: { storeCpu: 'lots' } })).toContainEqual('hosts.storeCpu: expected cores such as `0.25` or millicores such as `250m`, got `lots`');
    expect(messages({ hosts: { replicaCpu: 512 } }).some((m) => /above this machine's \d+ cores/.test(m))).toBe(true);
  });
});

describe('hosts.storeCpu', () => {
  it('needs an architecture whose store statebench runs as a server', () => {
    expect(messages({ architectures: ['sticky', 'sqlite'], hosts: { storeCpu: 0.5 } })).toContainEqual(
      'hosts.storeCpu: no architecture of this scenario runs a store server statebench starts (`sticky` keeps sessions in the memory of the replica that created them; `sqlite` keeps sessions in one SQLite file all replicas share): add one such as `redis`, or remove it',
    );
    expect(messages({ architectures: ['sticky', 'redis'], hosts: { storeCpu: 0.5 } })).toEqual([]);
  });
});
