/** Edit distance (insertions, deletions, substitutions, adjacent swaps count 1). */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The known word closest to what the user typed, for "did you mean" hints; undefined when
 * nothing is close enough to be a plausible typo (a wrong suggestion misleads more than none).
 */
export function closestMatch(typed: string, known: readonly string[]): string | undefined {
  const lower = typed.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const tolerance = Math.max(1, Math.floor(typed.length / 3));
  return bestDistance <= tolerance ? best : undefined;
}

/** ` (did you mean \`x\`?)` or an empty string. */
export function didYouMean(typed: string, known: readonly string[]): string {
  const match = closestMatch(typed, known);
  return match === undefined ? '' : ` (did you mean \`${match}\`?)`;
}
