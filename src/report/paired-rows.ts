import type { PairedDifference, RunResult } from '../result/types.js';
import { formatDelta } from './format.js';

/** One sentence per paired difference: `redis p50 − sticky p50: +212 µs (95% CI +180 µs … +240 µs, 6 s paired)`. */
export function pairedDifferenceLines(result: RunResult): string[] {
  const pairing = result.pairing;
  if (pairing?.mode !== 'concurrent' || (pairing.differences ?? []).length === 0) return [];
  const share = pairing.share === undefined ? '' : `, each with 1/${Math.round(1 / pairing.share)} of the load`;
  const lines = [`Measured together (concurrent${share}): each difference from the baseline, second by second`];
  for (const d of pairing.differences ?? []) lines.push(`  ${describe(d)}`);
  return lines;
}

function describe(d: PairedDifference): string {
  const what = `${d.architecture} ${d.metric} − ${d.baseline} ${d.metric}`;
  if (d.meanUs === null) return `${what}: no second with enough requests on both`;
  const ci = d.lowUs === null || d.highUs === null ? 'too few seconds for an interval' : `95% CI ${formatDelta(d.lowUs, 'us')} … ${formatDelta(d.highUs, 'us')}`;
  const verdict = d.includesZero ? '; includes zero: not told from noise' : '';
  return `${what}: ${formatDelta(d.meanUs, 'us')} (${ci}, ${d.seconds} s paired)${verdict}`;
}
