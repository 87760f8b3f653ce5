import type { CapacityResult } from '../../capacity/capacity-result.js';
import { uslRps } from '../../capacity/usl.js';
import { PALETTE } from './chart-data.js';

/**
 * What the capacity chart draws, computed in Node and embedded as JSON: sustainable rate
 * against replicas, per architecture a measured line (points marked) and its projection
 * (dashed: the USL fit, capped by the store's ceiling).
 */
export interface CapacityChartData {
  /** Replica counts on the x axis: every measured one and every projected one. */
  replicas: number[];
  series: CapacitySeries[];
}

export interface CapacitySeries {
  label: string;
  color: string;
  kind: 'measured' | 'projection';
  /** req/s per entry of `replicas`; null where the series has no value. */
  rps: (number | null)[];
}

/** The projection is drawn up to here (beyond, it is guesswork on guesswork). */
const PROJECT_TO = 32;

export function buildCapacityChartData(result: CapacityResult): CapacityChartData {
  const measuredCounts = result.architectures.flatMap((a) => a.points.map((p) => p.replicas));
  const projected = result.architectures.some((a) => a.projection !== undefined);
  const counts = new Set<number>(measuredCounts);
  if (projected) for (let n = 1; n <= PROJECT_TO; n *= 2) counts.add(n);
  const replicas = [...counts].sort((a, b) => a - b);
  const series: CapacitySeries[] = [];
  result.architectures.forEach((a, i) => {
    const color = PALETTE[i % PALETTE.length];
    const byCount = new Map(a.points.map((p) => [p.replicas, p.sustainableRps]));
    series.push({ label: a.architecture, color, kind: 'measured', rps: replicas.map((n) => byCount.get(n) ?? null) });
    const p = a.projection;
    if (p !== undefined) {
      const ceiling = p.storeCeiling?.rps ?? Number.POSITIVE_INFINITY;
      series.push({ label: `${a.architecture} (projection)`, color, kind: 'projection', rps: replicas.map((n) => Math.min(uslRps(p.usl, n), ceiling)) });
    }
  });
  return { replicas, series };
}
