import type { CapacityPoint, Projection, StoreCeiling } from './capacity-result.js';
import { fitUsl, uslPeakReplicas, uslRps } from './usl.js';

/** The replica counts a projection is printed for. */
export const PROJECTED_REPLICAS = [8, 16, 32] as const;
/** The search for where the store caps the fitted curve stops here. */
const MAX_REPLICAS = 1024;

export interface ProjectionContext {
  /** The store's CPU budget in cores (`hosts.storeCpu`), when it has one. */
  storeBudgetCores?: number;
  /** The store serves every request on one thread: it can never use more than one core. */
  storeSingleThreaded: boolean;
}

/**
 * Projects an architecture's measured points beyond the machine: the Universal Scalability Law
 * fitted to the sustained rates, and the store's ceiling, its cores ÷ its CPU per request
 * (median over the probes that met the SLO). Undefined with fewer than two sustained points.
 */
export function projectCapacity(points: readonly CapacityPoint[], context: ProjectionContext): Projection | undefined {
  const sustained = points.filter((p) => p.sustainableRps !== null && p.sustainableRps > 0);
  const measured = sustained.map((p) => ({ replicas: p.replicas, rps: p.sustainableRps! }));
  if (new Set(measured.map((p) => p.replicas)).size < 2) return undefined;
  const usl = fitUsl(measured);
  const storeCeiling = ceilingOf(points, context);
  const capped = (rps: number): number => (storeCeiling === undefined ? rps : Math.min(rps, storeCeiling.rps));
  const projected = PROJECTED_REPLICAS.map((replicas) => {
    const fitted = uslRps(usl, replicas);
    return { replicas, uslRps: fitted, cappedRps: capped(fitted) };
  });
  let storeCapsAtReplicas: number | undefined;
  if (storeCeiling !== undefined) {
    for (let n = 1; n <= MAX_REPLICAS && storeCapsAtReplicas === undefined; n++) if (uslRps(usl, n) >= storeCeiling.rps) storeCapsAtReplicas = n;
  }
  const peakReplicas = uslPeakReplicas(usl);
  return {
    fromPoints: measured.length,
    lowerBounds: sustained.filter(isLowerBound).length,
    usl,
    ...(storeCeiling === undefined ? {} : { storeCeiling }),
    projected,
    ...(storeCapsAtReplicas === undefined ? {} : { storeCapsAtReplicas }),
    ...(peakReplicas === undefined ? {} : { peak: { replicas: peakReplicas, rps: uslRps(usl, peakReplicas) } }),
  };
}

function ceilingOf(points: readonly CapacityPoint[], context: ProjectionContext): StoreCeiling | undefined {
  const perRequest = points
    .flatMap((p) => p.probes)
    .filter((p) => p.passed)
    .flatMap((p) => p.result.cpu.filter((c) => c.component === 'store' && c.cpuUsPerRequest > 0).map((c) => c.cpuUsPerRequest))
    .sort((a, b) => a - b);
  if (perRequest.length === 0) return undefined;
  const cpuUsPerRequest = perRequest[Math.floor((perRequest.length - 1) / 2)];
  const budget = context.storeBudgetCores;
  const threadBound = context.storeSingleThreaded && (budget === undefined || budget > 1);
  if (budget === undefined && !threadBound) return undefined;
  const cores = threadBound ? 1 : budget!;
  return { rps: (cores * 1_000_000) / cpuUsPerRequest, cores, basis: threadBound ? 'single-thread' : 'budget', cpuUsPerRequest };
}

/**
 * The point's rate is only a lower bound: the generator fell behind at the knee, or the search
 * reached its ceiling without a failure.
 */
export function isLowerBound(point: CapacityPoint): boolean {
  return point.knee?.limit === 'generator' || (point.sustainableRps !== null && point.failedRps === null);
}
