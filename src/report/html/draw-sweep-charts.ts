import type uPlot from 'uplot';
import type { SweepChartData } from './sweep-chart-data.js';

/**
 * Draws each sweep chart into `[data-chart="sweep-<metric>"]`: the figure against the swept
 * value, one line per architecture with its points marked, gaps where it failed. Runs in the
 * browser from its own source text (as drawCharts does), so it must stay self-contained: no
 * imports, no module-level helpers.
 */
export function drawSweepCharts(U: typeof uPlot, data: SweepChartData, doc: Document): uPlot[] {
  const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  const GRID = { stroke: '#e6e6e6', width: 1 };
  const TICKS = { stroke: '#cfcfcf', width: 1, size: 4 };
  const fmt = (unit: string, v: number | null | undefined): string => {
    if (v === null || v === undefined || !Number.isFinite(v)) return '–';
    const sign = v < 0 ? '-' : '';
    v = Math.abs(v);
    if (unit === 'B') return sign + (v >= 1024 * 1024 ? `${(v / 1024 / 1024).toFixed(1)} MiB` : v >= 1024 ? `${(v / 1024).toFixed(1)} KiB` : `${Math.round(v)} B`);
    return sign + (v >= 1000 ? `${(v / 1000).toPrecision(3)} ms` : `${Math.round(v)} µs`);
  };
  const label = (x: number): string => {
    const i = data.xs.indexOf(x);
    return i < 0 ? '' : data.xLabels[i];
  };
  const plots: uPlot[] = [];
  for (const chart of data.charts) {
    for (const el of Array.from(doc.querySelectorAll<HTMLElement>(`[data-chart="sweep-${chart.metric}"]`))) {
      try {
        const all = chart.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
        const max = Math.max(1, ...all);
        // A figure added over the baseline can be below it.
        const min = Math.min(0, ...all);
        const lo = data.xs[0] ?? 0;
        const hi = data.xs[data.xs.length - 1] ?? 1;
        const opts: uPlot.Options = {
          width: Math.max(320, Math.floor(el.clientWidth)),
          height: 300,
          legend: { live: false },
          hooks: {
            // A failed value: an ✗ in the architecture's colour above the axis, stacked when several fail there.
            draw: [
              (u: uPlot) => {
                const ctx = u.ctx;
                const seen: Record<string, number> = {};
                ctx.save();
                ctx.font = `bold ${Math.round(13 * devicePixelRatio)}px ${FONT}`;
                ctx.textAlign = 'center';
                for (const m of chart.failedMarks) {
                  const n = (seen[m.x] = (seen[m.x] ?? 0) + 1);
                  ctx.fillStyle = m.color;
                  ctx.fillText('✗', u.valToPos(m.x, 'x', true), u.bbox.top + u.bbox.height - (n * 14 - 4) * devicePixelRatio);
                }
                ctx.restore();
              },
            ],
          },
          scales: {
            x: data.log ? { time: false, distr: 3, log: 2, range: [lo, hi] } : { time: false, range: [lo - (hi - lo) * 0.03, hi + (hi - lo) * 0.03 || 1] },
            y: { range: [min * 1.1, max * 1.1] },
          },
          axes: [
            {
              stroke: '#555', grid: GRID, ticks: TICKS, font: `11px ${FONT}`, label: data.xTitle, labelSize: 18, labelFont: `11px ${FONT}`,
              splits: () => data.xs, filter: (_u: uPlot, v: number[]) => v, values: (_u: uPlot, v: number[]) => v.map(label),
            },
            { stroke: '#555', grid: GRID, ticks: TICKS, font: `11px ${FONT}`, size: 70, values: (_u: uPlot, v: number[]) => v.map((x) => fmt(chart.unit, x)) },
          ],
          series: [
            { label: data.xTitle, value: (_u, v) => (v === null ? '–' : label(v)) },
            ...chart.series.map((s): uPlot.Series => ({
              label: s.label,
              stroke: s.color,
              width: 2,
              dash: s.dash.length > 0 ? s.dash : undefined,
              // A failed value is a gap: the line does not pretend to pass through it.
              spanGaps: false,
              points: { show: true, size: 7, fill: s.color },
              value: (_u, v) => fmt(chart.unit, v),
            })),
          ],
        };
        const plot = new U(opts, [data.xs, ...chart.series.map((s) => s.values)], el);
        plots.push(plot);
        if (typeof ResizeObserver !== 'undefined') {
          new ResizeObserver((entries) => {
            const width = Math.floor(entries[0].contentRect.width);
            if (width > 0 && width !== plot.width) plot.setSize({ width, height: plot.height });
          }).observe(el);
        }
      } catch (err) {
        el.textContent = `This chart could not be drawn: ${err instanceof Error ? err.message : String(err)}`;
        el.classList.add('chart-failed');
      }
    }
  }
  return plots;
}
