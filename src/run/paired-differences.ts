import type { ArchitectureResult, PairedDifference } from '../result/types.js';

/** Two-sided 95% Student t quantiles by degrees of freedom (1–30); beyond, the normal's 1.96. */
const T_975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

/** Seconds with fewer completed requests than this give no per-second p50 worth pairing. */
const MIN_COMPLETED_PER_SECOND = 20;

/**
 * The difference of each architecture from the baseline, second by second, for architectures
 * measured at the same time (concurrent pairing): machine noise that lands in a second lands
 * on both, and cancels in the difference. For p50 and p99: the mean per-second difference and
 * its 95% confidence interval (Student t over the paired seconds; seconds are not independent
 * on a drifting machine, so the interval is a guide rather than a guarantee), and whether it
 * includes zero. Seconds where either side completed fewer than 20 requests are left out.
 */
export function pairedDifferences(runs: readonly ArchitectureResult[], baseline: string): PairedDifference[] {
  const base = runs.find((r) => r.architecture === baseline);
  if (base === undefined) return [];
  const out: PairedDifference[] = [];
  for (const other of runs) {
    if (other === base) continue;
    for (const metric of ['p50', 'p99'] as const) {
      const key = metric === 'p50' ? 'p50Us' : 'p99Us';
      const diffs: number[] = [];
      for (const s of other.timeline) {
        const b = base.timeline.find((t) => t.second === s.second);
        if (b === undefined || s.completed < MIN_COMPLETED_PER_SECOND || b.completed < MIN_COMPLETED_PER_SECOND) continue;
        diffs.push(s[key] - b[key]);
      }
      out.push({ architecture: other.architecture, baseline, metric, ...interval(diffs) });
    }
  }
  return out;
}

/** Mean and 95% t-interval of `xs`; null bounds under two samples. */
export function interval(xs: readonly number[]): Pick<PairedDifference, 'seconds' | 'meanUs' | 'lowUs' | 'highUs' | 'includesZero'> {
  const n = xs.length;
  if (n === 0) return { seconds: 0, meanUs: null, lowUs: null, highUs: null, includesZero: true };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { seconds: n, meanUs: Math.round(mean), lowUs: null, highUs: null, includesZero: true };
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  const half = (T_975[n - 2] ?? 1.96) * (sd / Math.sqrt(n));
  const low = Math.round(mean - half);
  const high = Math.round(mean + half);
  return { seconds: n, meanUs: Math.round(mean), lowUs: low, highUs: high, includesZero: low <= 0 && high >= 0 };
}
