import type { UslFit } from './capacity-result.js';

/**
 * Gunther's Universal Scalability Law: the throughput of N replicas is
 * C(N) = λN / (1 + σ(N − 1) + κN(N − 1)), where σ is contention (the share of work that
 * serialises, e.g. on a shared store) and κ coherency (the cost of replicas keeping in step,
 * growing with every pair of them).
 */
export function uslRps(fit: Pick<UslFit, 'lambdaRps' | 'sigma' | 'kappa'>, replicas: number): number {
  const n = replicas;
  return (fit.lambdaRps * n) / (1 + fit.sigma * (n - 1) + fit.kappa * n * (n - 1));
}

/** Where the fitted curve peaks: N* = √((1 − σ) / κ), undefined when κ is 0 (it never does). */
export function uslPeakReplicas(fit: Pick<UslFit, 'sigma' | 'kappa'>): number | undefined {
  return fit.kappa > 0 && fit.sigma < 1 ? Math.sqrt((1 - fit.sigma) / fit.kappa) : undefined;
}

/** A measured point: the sustainable rate at a replica count. */
export interface RatePoint {
  replicas: number;
  rps: number;
}

/**
 * Least-squares fit of the USL to measured points, in relative error (a point at 4 replicas
 * weighs as much as one at 1), with σ in [0, 1] and κ ≥ 0. For given σ and κ the best λ has a
 * closed form; σ and κ are found by a grid, then a shrinking pattern search around the best
 * cell. With two points κ is held at 0 (two points fix two parameters). Pure and deterministic.
 * Throws with fewer than two points or a non-positive rate.
 */
export function fitUsl(points: readonly RatePoint[]): UslFit {
  if (points.length < 2) throw new RangeError('the USL needs at least two measured points');
  if (points.some((p) => !(p.rps > 0) || !(p.replicas >= 1))) throw new RangeError('every point needs replicas ≥ 1 and a rate above 0');
  const withKappa = new Set(points.map((p) => p.replicas)).size >= 3;

  /** λ minimising Σ((λg − y)/y)² for g = N / (1 + σ(N−1) + κN(N−1)). */
  const lambdaFor = (sigma: number, kappa: number): number => {
    let num = 0;
    let den = 0;
    for (const p of points) {
      const g = p.replicas / (1 + sigma * (p.replicas - 1) + kappa * p.replicas * (p.replicas - 1));
      num += g / p.rps;
      den += (g * g) / (p.rps * p.rps);
    }
    return num / den;
  };
  const cost = (sigma: number, kappa: number): number => {
    const lambdaRps = lambdaFor(sigma, kappa);
    let sum = 0;
    for (const p of points) {
      const e = uslRps({ lambdaRps, sigma, kappa }, p.replicas) / p.rps - 1;
      sum += e * e;
    }
    return sum;
  };

  // The grid: σ linear in [0, 1], κ 0 or logarithmic over 1e-6..1.
  const kappas = withKappa ? [0, ...Array.from({ length: 61 }, (_, i) => 10 ** (-6 + i / 10))] : [0];
  let best = { sigma: 0, kappa: 0, cost: cost(0, 0) };
  for (let i = 0; i <= 100; i++) {
    const sigma = i / 100;
    for (const kappa of kappas) {
      const c = cost(sigma, kappa);
      if (c < best.cost) best = { sigma, kappa, cost: c };
    }
  }
  // Pattern search: try a step each way on each axis, halve the steps when nothing improves.
  let sigmaStep = 0.01;
  let kappaStep = withKappa ? Math.max(best.kappa, 1e-6) : 0;
  for (let round = 0; round < 200 && (sigmaStep > 1e-9 || kappaStep > 1e-12); round++) {
    let improved = false;
    const tries: [number, number][] = [
      [best.sigma + sigmaStep, best.kappa],
      [best.sigma - sigmaStep, best.kappa],
      ...(withKappa ? ([[best.sigma, best.kappa + kappaStep], [best.sigma, best.kappa - kappaStep]] as [number, number][]) : []),
    ];
    for (const [s, k] of tries) {
      const sigma = Math.min(1, Math.max(0, s));
      const kappa = Math.max(0, k);
      const c = cost(sigma, kappa);
      if (c < best.cost - 1e-15) {
        best = { sigma, kappa, cost: c };
        improved = true;
      }
    }
    if (!improved) {
      sigmaStep /= 2;
      kappaStep /= 2;
    }
  }

  const lambdaRps = lambdaFor(best.sigma, best.kappa);
  const fit = { lambdaRps, sigma: best.sigma, kappa: best.kappa };
  const fitted = points.map((p) => {
    const fittedRps = uslRps(fit, p.replicas);
    return { replicas: p.replicas, measuredRps: p.rps, fittedRps, relativeError: fittedRps / p.rps - 1 };
  });
  return { ...fit, points: fitted, maxRelativeError: Math.max(...fitted.map((p) => Math.abs(p.relativeError))) };
}
