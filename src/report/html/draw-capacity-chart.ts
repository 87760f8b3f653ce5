import type uPlot from 'uplot';
import type { CapacityChartData } from './capacity-chart-data.js';

/**
 * Draws the capacity chart into `[data-chart="capacity"]`: sustainable rate against replicas
 * (log₂ axis), one colour per architecture, measured points marked on a solid line, the
 * projection dashed. Runs in the browser from its own source text (as drawCharts does), so it
 * must stay self-contained: no imports, no module-level helpers.
 */
export function drawCapacityChart(U: typeof uPlot, data: CapacityChartData, doc: Document): uPlot[] {
  const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  const GRID = { stroke: '#e6e6e6', width: 1 };
  const TICKS = { stroke: '#cfcfcf', width: 1, size: 4 };
  const fmt = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : `${Math.round(v).toLocaleString('en-US')}/s`);
  const plots: uPlot[] = [];
  for (const el of Array.from(doc.querySelectorAll<HTMLElement>('[data-chart="capacity"]'))) {
    try {
      const max = Math.max(1, ...data.series.flatMap((s) => s.rps.filter((v): v is number => v !== null)));
      const opts: uPlot.Options = {
        width: Math.max(320, Math.floor(el.clientWidth)),
        height: 360,
        // The page is read as a figure (often a screenshot): names in the legend, values on hover only.
        legend: { live: false },
        scales: { x: { time: false, distr: 3, log: 2, range: [data.replicas[0] ?? 1, data.replicas[data.replicas.length - 1] ?? 2] }, y: { range: [0, max * 1.1] } },
        axes: [
          {
            stroke: '#555', grid: GRID, ticks: TICKS, font: `11px ${FONT}`, label: 'replicas', labelSize: 18, labelFont: `11px ${FONT}`,
            splits: () => data.replicas, filter: (_u: uPlot, v: number[]) => v, values: (_u: uPlot, v: number[]) => v.map((n) => String(n)),
          },
          { stroke: '#555', grid: GRID, ticks: TICKS, font: `11px ${FONT}`, size: 70, values: (_u: uPlot, v: number[]) => v.map((x) => fmt(x)) },
        ],
        series: [
          { label: 'replicas', value: (_u, v) => (v === null ? '–' : String(v)) },
          ...data.series.map((s): uPlot.Series => ({
            label: s.label,
            stroke: s.color,
            width: s.kind === 'measured' ? 2 : 1.5,
            dash: s.kind === 'projection' ? [6, 5] : undefined,
            spanGaps: true,
            points: { show: s.kind === 'measured', size: 8, fill: s.color },
            value: (_u, v) => fmt(v),
          })),
        ],
      };
      const plot = new U(opts, [data.replicas, ...data.series.map((s) => s.rps)], el);
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
  return plots;
}
