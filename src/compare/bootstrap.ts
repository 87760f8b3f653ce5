/**
 * A percentile bootstrap: resample the items with replacement, compute the statistic on each
 * resample, and read the interval off the sorted results. Seeded, so the same result files
 * always give the same verdict (a gate that flips between two runs of `compare` on the same
 * files would be worse than no gate).
 */

/** Lower and upper ends of the interval, in the statistic's unit. */
export interface BootstrapInterval {
  lo: number;
  hi: number;
}

/** mulberry32: a small, fast, well-distributed 32-bit PRNG; quality is ample for resampling. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface BootstrapOptions {
  /** 0.95 reads the 2.5th and 97.5th percentiles of the resampled statistic. */
  confidence: number;
  resamples: number;
  seed: number;
}

/**
 * The `confidence` interval of `statistic` by percentile bootstrap, resampling within each
 * stratum: every resample draws as many items from each group as the group holds, so the mix
 * of groups stays the run's own (one fault window's seconds are never drawn three times, or
 * not at all). Null when the statistic is undefined on the items themselves; resamples on
 * which it is undefined are left out.
 */
export function stratifiedBootstrap<T>(
  strata: readonly (readonly T[])[],
  statistic: (sample: readonly T[]) => number | null,
  opts: BootstrapOptions,
): BootstrapInterval | null {
  const groups = strata.filter((g) => g.length > 0);
  const all = groups.flat();
  if (all.length === 0 || statistic(all) === null) return null;
  const random = seededRandom(opts.seed);
  const values: number[] = [];
  const sample: T[] = new Array<T>(all.length);
  for (let r = 0; r < opts.resamples; r++) {
    let k = 0;
    for (const g of groups) for (let i = 0; i < g.length; i++) sample[k++] = g[Math.floor(random() * g.length)];
    const v = statistic(sample);
    if (v !== null && Number.isFinite(v)) values.push(v);
  }
  if (values.length === 0) return null;
  values.sort((a, b) => a - b);
  const tail = (1 - opts.confidence) / 2;
  return { lo: quantileSorted(values, tail), hi: quantileSorted(values, 1 - tail) };
}

/** {@link stratifiedBootstrap} with one stratum. */
export function percentileBootstrap<T>(
  items: readonly T[],
  statistic: (sample: readonly T[]) => number | null,
  opts: BootstrapOptions,
): BootstrapInterval | null {
  return stratifiedBootstrap([items], statistic, opts);
}

/** Linear interpolation between closest ranks (the common "type 7" quantile). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 1) return sorted[0];
  const pos = Math.min(Math.max(q, 0), 1) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Median of the values; null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  return quantileSorted([...values].sort((a, b) => a - b), 0.5);
}
