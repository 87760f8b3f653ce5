import { describe, expect, test } from 'vitest';
import { diffRuns, diffValues } from '../../src/compare/diff-runs.js';
import { steadySeconds, syntheticResult, syntheticRun } from './synthetic-run.js';

const runs = () => [syntheticRun({ architecture: 'sticky', seconds: steadySeconds(6, 400) }), syntheticRun({ architecture: 'redis', seconds: steadySeconds(6, 500) })];

describe('what differs between two runs', () => {
  test('nothing, for the same scenario on the same machine at another commit', () => {
    const a = syntheticResult(runs());
    const b = syntheticResult(runs(), { environment: { ...a.environment, gitCommit: 'def' } });
    expect(diffRuns(a, b)).toEqual({ scenario: [], environment: [] });
  });

  test('a variant of the experiment: store latency, replicas, load, a fault added, an architecture dropped', () => {
    const a = syntheticResult(runs());
    const b = syntheticResult(runs(), {
      scenario: {
        architectures: ['sticky'],
        replicas: 5,
        store: { ...a.scenario.store, latencyMs: 1 },
        load: { ...(a.scenario.load as object), rateRps: 1500 } as typeof a.scenario.load,
        faults: [{ atMs: 2000, kind: 'kill', target: 'replica-2' }],
      },
    });
    expect(diffRuns(a, b).scenario).toEqual([
      { path: 'architectures', baseline: ['sticky', 'redis'], current: ['sticky'] },
      { path: 'replicas', baseline: 2, current: 5 },
      { path: 'load.rateRps', baseline: 1000, current: 1500 },
      { path: 'store.latencyMs', baseline: 0, current: 1 },
      { path: 'faults[0]', baseline: undefined, current: { atMs: 2000, kind: 'kill', target: 'replica-2' } },
    ]);
  });

  test('another machine: CPU count and model, Node, Redis and statebench versions', () => {
    const a = syntheticResult(runs());
    const b = syntheticResult(runs(), {
      environment: { ...a.environment, cpus: 64, cpuModel: 'Intel Xeon', node: 'v22.11.0', redisVersion: undefined, statebenchVersion: '0.2.0' },
    });
    expect(diffRuns(a, b).environment.map((d) => d.path)).toEqual(['statebenchVersion', 'node', 'cpuModel', 'cpus', 'redisVersion']);
    expect(diffRuns(a, b).environment.find((d) => d.path === 'redisVersion')).toEqual({ path: 'redisVersion', baseline: '7.0.15', current: undefined });
  });

  test('lists of objects differ element by element, a field missing and undefined are the same', () => {
    expect(diffValues({ faults: [{ atMs: 1, kind: 'kill' }, { atMs: 2, kind: 'restart' }] }, { faults: [{ atMs: 1, kind: 'kill' }, { atMs: 3, kind: 'restart' }] })).toEqual([
      { path: 'faults[1].atMs', baseline: 2, current: 3 },
    ]);
    expect(diffValues({ a: 1, b: undefined }, { a: 1 })).toEqual([]);
  });
});
