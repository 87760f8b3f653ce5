/** A straight line through points by least squares, and how well it fits. */
export interface LineFit {
  slope: number;
  intercept: number;
  /** Coefficient of determination, 0..1: the share of the variation the line explains (1 with two points). */
  r2: number;
  points: number;
}

/**
 * Ordinary least squares of y on x. Undefined with fewer than two distinct x. With every y equal
 * the line is flat and explains everything (r² 1).
 */
export function fitLine(points: readonly { x: number; y: number }[]): LineFit | undefined {
  const n = points.length;
  if (n < 2 || new Set(points.map((p) => p.x)).size < 2) return undefined;
  const meanX = points.reduce((s, p) => s + p.x, 0) / n;
  const meanY = points.reduce((s, p) => s + p.y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const p of points) {
    sxx += (p.x - meanX) ** 2;
    sxy += (p.x - meanX) * (p.y - meanY);
    syy += (p.y - meanY) ** 2;
  }
  const slope = sxy / sxx;
  const intercept = meanY - slope * meanX;
  let residual = 0;
  for (const p of points) residual += (p.y - (intercept + slope * p.x)) ** 2;
  const r2 = syy === 0 ? 1 : Math.max(0, 1 - residual / syy);
  return { slope, intercept, r2, points: n };
}
