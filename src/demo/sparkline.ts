/** Eighth-block glyphs, from empty to full: one cell of a chart holds eight levels. */
const BLOCKS = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/**
 * The last `width` values as a bar chart `height` rows tall (a sparkline when 1), top row
 * first, scaled to `max` (default: the largest value shown). Older values scroll off the left;
 * a short history is right-aligned so "now" is always the right edge. A non-zero value never
 * rounds down to an empty cell: a trickle must stay visible next to a flood.
 */
export function barChart(values: readonly number[], width: number, height = 1, max?: number): string[] {
  const shown = values.slice(Math.max(0, values.length - width));
  const top = max ?? Math.max(0, ...shown);
  const levels = height * 8;
  const bars = shown.map((v) => {
    if (!(v > 0) || !(top > 0)) return 0;
    return Math.max(1, Math.min(levels, Math.round((v / top) * levels)));
  });
  const pad = ' '.repeat(Math.max(0, width - bars.length));
  const rows: string[] = [];
  for (let row = height - 1; row >= 0; row--) {
    rows.push(pad + bars.map((b) => BLOCKS[Math.max(0, Math.min(8, b - row * 8))]).join(''));
  }
  return rows;
}
