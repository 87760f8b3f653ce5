import { describe, expect, it } from 'vitest';
import { fitUsl, uslPeakReplicas, uslRps } from '../../src/capacity/usl.js';

const TRUE = { lambdaRps: 500, sigma: 0.05, kappa: 0.002 };
const at = (ns: number[], f: (n: number) => number) => ns.map((n) => ({ replicas: n, rps: f(n) }));

describe('the Universal Scalability Law fit', () => {
  it('recovers λ, σ and κ from exact points of a known curve', () => {
    const fit = fitUsl(at([1, 2, 4, 8, 16], (n) => uslRps(TRUE, n)));
    expect(fit.lambdaRps).toBeCloseTo(500, 0);
    expect(fit.sigma).toBeCloseTo(0.05, 3);
    expect(fit.kappa).toBeCloseTo(0.002, 4);
    expect(fit.maxRelativeError).toBeLessThan(1e-4);
  });

  it('reproduces three measured points (the usual 1, 2, 4) within 10%, here almost exactly', () => {
    const measured = [{ replicas: 1, rps: 480 }, { replicas: 2, rps: 910 }, { replicas: 4, rps: 1550 }];
    const fit = fitUsl(measured);
    expect(fit.points.map((p) => p.measuredRps)).toEqual([480, 910, 1550]);
    expect(fit.maxRelativeError).toBeLessThan(0.1);
    expect(fit.maxRelativeError).toBeLessThan(0.01);
  });

  it('fits noisy points within their noise', () => {
    const noise = [1.04, 0.97, 1.03, 0.96, 1.02];
    const fit = fitUsl(at([1, 2, 4, 8, 16], (n) => uslRps(TRUE, n)).map((p, i) => ({ ...p, rps: p.rps * noise[i] })));
    expect(fit.maxRelativeError).toBeLessThan(0.08);
    expect(uslRps(fit, 32) / uslRps(TRUE, 32)).toBeGreaterThan(0.8);
    expect(uslRps(fit, 32) / uslRps(TRUE, 32)).toBeLessThan(1.2);
  });

  it('keeps σ in [0, 1] and κ ≥ 0: perfectly linear points give σ = κ = 0', () => {
    const fit = fitUsl(at([1, 2, 4], (n) => 300 * n));
    expect(fit.sigma).toBe(0);
    expect(fit.kappa).toBe(0);
    expect(fit.lambdaRps).toBeCloseTo(300, 6);
    // Superlinear points cannot make σ negative.
    const superlinear = fitUsl(at([1, 2, 4], (n) => 300 * n ** 1.2));
    expect(superlinear.sigma).toBeGreaterThanOrEqual(0);
    expect(superlinear.kappa).toBeGreaterThanOrEqual(0);
  });

  it('holds κ at 0 with two points, and needs at least two', () => {
    const fit = fitUsl([{ replicas: 1, rps: 400 }, { replicas: 2, rps: 700 }]);
    expect(fit.kappa).toBe(0);
    expect(fit.maxRelativeError).toBeLessThan(1e-6);
    expect(fit.sigma).toBeCloseTo(400 * 2 / 700 - 1, 6);
    expect(() => fitUsl([{ replicas: 1, rps: 400 }])).toThrow(/at least two/);
    expect(() => fitUsl([{ replicas: 1, rps: 0 }, { replicas: 2, rps: 10 }])).toThrow(/above 0/);
  });

  it('peaks at √((1 − σ)/κ)', () => {
    expect(uslPeakReplicas(TRUE)).toBeCloseTo(Math.sqrt(0.95 / 0.002), 9);
    expect(uslPeakReplicas({ sigma: 0.1, kappa: 0 })).toBeUndefined();
  });
});
