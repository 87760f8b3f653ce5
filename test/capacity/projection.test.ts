import { describe, expect, it } from 'vitest';
import type { CapacityPoint, Probe } from '../../src/capacity/capacity-result.js';
import { projectCapacity } from '../../src/capacity/projection.js';
import { setEfficiency } from '../../src/capacity/run-capacity.js';
import { uslRps } from '../../src/capacity/usl.js';
import { craftArchitecture } from '../demo/crafted-result.js';

function probe(rateRps: number, passed: boolean, storeUsPerRequest: number): Probe {
  const result = { ...craftArchitecture({ architecture: 'redis', lost: 0, p99Us: 10_000, throughputRps: rateRps }), cpu: [{ component: 'store', cores: 0.1, cpuMs: 400, cpuUsPerRequest: storeUsPerRequest }] };
  return { rateRps, passed, failures: passed ? [] : ['p99 80 ms, wanted <= 50ms'], generatorBound: false, loadAverage: 1, result };
}
function point(replicas: number, rps: number, storeUs = 100): CapacityPoint {
  return { replicas, sustainableRps: rps, failedRps: rps * 1.1, efficiency: null, probes: [probe(rps, true, storeUs), probe(rps * 1.1, false, storeUs * 3)] };
}

describe('the projection', () => {
  it('fits the measured points, caps the fit at the store ceiling (budget ÷ CPU per request), and says where it caps', () => {
    const truth = { lambdaRps: 400, sigma: 0.03, kappa: 0.001 };
    const points = [1, 2, 4].map((n) => point(n, uslRps(truth, n), 200));
    const p = projectCapacity(points, { storeBudgetCores: 0.5, storeSingleThreaded: true })!;
    expect(p.fromPoints).toBe(3);
    expect(p.usl.maxRelativeError).toBeLessThan(0.1);
    // 0.5 core ÷ 200 µs per request (the passing probes'; failing ones are left out) = 2,500/s.
    expect(p.storeCeiling).toEqual({ rps: 2500, cores: 0.5, basis: 'budget', cpuUsPerRequest: 200 });
    expect(p.projected.map((x) => x.replicas)).toEqual([8, 16, 32]);
    for (const x of p.projected) expect(x.cappedRps).toBe(Math.min(x.uslRps, 2500));
    const n = p.storeCapsAtReplicas!;
    expect(uslRps(p.usl, n)).toBeGreaterThanOrEqual(2500);
    expect(uslRps(p.usl, n - 1)).toBeLessThan(2500);
    expect(p.peak!.replicas).toBeCloseTo(Math.sqrt((1 - p.usl.sigma) / p.usl.kappa), 6);
  });

  it("without a store budget a single-threaded store's ceiling is one core; a multi-threaded one has none", () => {
    const points = [point(1, 300, 50), point(2, 580, 50)];
    expect(projectCapacity(points, { storeSingleThreaded: true })!.storeCeiling).toEqual({ rps: 20_000, cores: 1, basis: 'single-thread', cpuUsPerRequest: 50 });
    expect(projectCapacity(points, { storeSingleThreaded: false })!.storeCeiling).toBeUndefined();
  });

  it('needs two sustained replica counts', () => {
    expect(projectCapacity([point(1, 300)], { storeSingleThreaded: false })).toBeUndefined();
    expect(projectCapacity([point(1, 300), { ...point(2, 1), sustainableRps: null }], { storeSingleThreaded: false })).toBeUndefined();
  });

  it('scaling efficiency is rate(N) / (N × rate(1))', () => {
    const points = [point(1, 300), point(2, 540), point(4, 900), { ...point(8, 1), sustainableRps: null }];
    setEfficiency(points);
    expect(points.map((p) => p.efficiency)).toEqual([1, 0.9, 0.75, null]);
  });
});
