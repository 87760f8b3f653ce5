import type uPlot from 'uplot';
import type { ChartData, FaultBand, FaultMarker } from './chart-data.js';

/** One chart drawn on the page; the browser test counts these. */
export interface ChartHandle {
  kind: string;
  /** Index of the run the chart belongs to; null for charts that overlay every run. */
  run: number | null;
  plot: uPlot;
}

/**
 * Draws every chart of the HTML report into the elements marked `data-chart="<kind>"` (and
 * `data-run="<index>"` for per-run charts), and keeps each as wide as its element.
 *
 * Runs in the browser, not in Node: the report embeds this function's source text
 * (`drawCharts.toString()`), so that the client code is type-checked with the rest of the
 * project instead of living in an unchecked string. Hence it must stay self-contained: no
 * value imports, no module-level helpers, only its arguments and browser globals. The number
 * format comes in as an argument for the same reason (html.ts embeds its source too).
 */
export function drawCharts(
  U: typeof uPlot,
  data: ChartData,
  doc: Document,
  /** src/syntax/figures.ts's, embedded beside this function: hover values read as the tables do. */
  formatLatencyUs: (us: number | null | undefined) => string,
): ChartHandle[] {
  type Opts = Omit<uPlot.Options, 'width' | 'height'>;
  type Data = uPlot.AlignedData;

  const handles: ChartHandle[] = [];
  const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  const AXIS_COLOR = '#555';
  const GRID = { stroke: '#e6e6e6', width: 1 };
  const TICKS = { stroke: '#cfcfcf', width: 1, size: 4 };
  const FAULT_RGB = '213, 94, 0';
  const DISTURBED_FILL = 'rgba(90, 90, 110, 0.12)';
  const DISTURBED_EDGE = 'rgba(90, 90, 110, 0.55)';
  const LABEL_STRIP_PX = 18;
  const ERROR_COLORS: Record<string, string> = {
    refused: '#D55E00',
    reset: '#CC79A7',
    timeout: '#E69F00',
    'http-4xx': '#7f7f7f',
    'http-5xx': '#882255',
    'session-lost': '#000000',
    'stale-read': '#BF812D',
    'update-lost': '#8C510A',
    dropped: '#56B4E9',
  };
  const REPLICA_COLORS = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#000000', '#8C510A'];

  // --- number formatting: the tables' own function (src/syntax/figures.ts), handed in ---
  function fmtMs(ms: number | null | undefined): string {
    return ms === null || ms === undefined ? formatLatencyUs(ms) : formatLatencyUs(ms * 1000);
  }
  /** Axis label of a log-scale latency tick: only 1-2-5 steps, or labels collide. */
  function logTick(ms: number | null): string {
    // uPlot's log-axis filter hands null for the ticks it leaves unlabelled.
    if (ms === null || !(ms > 0)) return '';
    const mantissa = Math.round(ms / 10 ** Math.floor(Math.log10(ms) + 1e-9));
    if (mantissa !== 1 && mantissa !== 2 && mantissa !== 5) return '';
    if (ms < 1) return `${Math.round(ms * 1000)}µs`;
    if (ms < 1000) return `${Number(ms.toPrecision(3))}ms`;
    return `${Number((ms / 1000).toPrecision(3))}s`;
  }
  function fmtCount(n: number | null | undefined): string {
    if (n === null || n === undefined || !Number.isFinite(n)) return '–';
    return Math.round(n).toLocaleString('en-US');
  }
  function fmtPercentileAtX(x: number): string {
    const p = 100 * (1 - 1 / x);
    return `p${Number(p.toFixed(p >= 99.9 ? 3 : p >= 99 ? 2 : 1))}`;
  }

  // --- ranges shared by the small multiples, so that runs compare at a glance ---
  function logRange(values: (number | null)[], fallback: [number, number]): [number, number] {
    const present = values.filter((v): v is number => v !== null && v > 0 && Number.isFinite(v));
    if (present.length === 0) return fallback;
    const lo = 10 ** Math.floor(Math.log10(Math.min(...present)));
    const hi = 10 ** Math.ceil(Math.log10(Math.max(...present)) + 1e-9);
    return [lo, hi > lo ? hi : lo * 10];
  }
  function linearMax(values: number[]): number {
    const max = values.reduce((m, v) => (v > m ? v : m), 0);
    return max > 0 ? max * 1.08 : 1;
  }
  const latencyRange = logRange(data.runs.flatMap((r) => [...r.p50Ms, ...r.p99Ms]), [0.1, 100]);
  const rpsMax = linearMax(data.runs.flatMap((r) => r.completed));
  const errMax = linearMax(data.runs.flatMap((r) => r.errors.flatMap((e) => e.values)));
  const replicaMax = linearMax(data.runs.flatMap((r) => r.replicas.flatMap((x) => x.values)));

  // --- the fault plugin: shaded windows under the series, lines and labels above them ---
  function faultPlugin(bands: FaultBand[], markers: FaultMarker[], failed: FaultMarker[], disturbed: number[] = []): uPlot.Plugin {
    function clip(u: uPlot, draw: (ctx: CanvasRenderingContext2D) => void): void {
      const ctx = u.ctx;
      ctx.save();
      ctx.beginPath();
      ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
      ctx.clip();
      draw(ctx);
      ctx.restore();
    }
    function vline(ctx: CanvasRenderingContext2D, u: uPlot, x: number, color: string, dash: number[]): void {
      ctx.strokeStyle = color;
      ctx.lineWidth = Math.max(1, U.pxRatio);
      ctx.setLineDash(dash.map((d) => d * U.pxRatio));
      ctx.beginPath();
      ctx.moveTo(Math.round(x) + 0.5, u.bbox.top);
      ctx.lineTo(Math.round(x) + 0.5, u.bbox.top + u.bbox.height);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    return {
      // Reserve a strip above the plot for the labels.
      opts: (_u: uPlot, opts: uPlot.Options) => ({ ...opts, padding: [LABEL_STRIP_PX, null, null, null] }),
      hooks: {
        drawClear: [
          (u: uPlot) =>
            clip(u, (ctx) => {
              // Seconds the machine disturbed: a grey veil, darker along the top edge, so a
              // spike there reads as the machine's before anyone blames the servers.
              for (const s of disturbed) {
                const x0 = u.valToPos(s, 'x', true);
                const x1 = u.valToPos(s + 1, 'x', true);
                ctx.fillStyle = DISTURBED_FILL;
                ctx.fillRect(x0, u.bbox.top, x1 - x0, u.bbox.height);
                ctx.fillStyle = DISTURBED_EDGE;
                ctx.fillRect(x0, u.bbox.top, x1 - x0, 4 * U.pxRatio);
              }
              for (const b of bands) {
                const x0 = u.valToPos(b.startS, 'x', true);
                const x1 = Math.max(x0 + U.pxRatio * 2, u.valToPos(b.endS, 'x', true));
                ctx.fillStyle = b.failed ? 'rgba(120, 120, 120, 0.08)' : `rgba(${FAULT_RGB}, ${b.recovered ? 0.1 : 0.16})`;
                ctx.fillRect(x0, u.bbox.top, x1 - x0, u.bbox.height);
              }
            }),
        ],
        draw: [
          (u: uPlot) => {
            const ctx = u.ctx;
            const fontPx = Math.round(11 * U.pxRatio);
            const pad = 3 * U.pxRatio;
            const items = [
              ...bands.map((b) => ({
                x: u.valToPos(b.startS, 'x', true),
                text: b.failed ? `✗ ${b.label}` : b.recovered ? b.label : `${b.label} (not recovered)`,
                kind: b.failed ? 'failed' : 'band',
              })),
              ...markers.map((m) => ({ x: u.valToPos(m.atS, 'x', true), text: m.label, kind: 'marker' })),
              ...failed.map((m) => ({ x: u.valToPos(m.atS, 'x', true), text: `✗ ${m.label}`, kind: 'failed' })),
            ].sort((a, b) => a.x - b.x);
            clip(u, () => {
              for (const item of items) {
                const solid = item.kind === 'band';
                vline(ctx, u, item.x, solid ? `rgba(${FAULT_RGB}, 0.7)` : item.kind === 'failed' ? '#777' : `rgb(${FAULT_RGB})`, solid ? [] : [4, 3]);
              }
            });
            // Labels sit in the strip the plugin reserved above the plot, so they never hide
            // data; faults too close for one row stack downwards, on a veil, into the plot.
            ctx.save();
            ctx.font = `${fontPx}px ${FONT}`;
            ctx.textBaseline = 'top';
            ctx.textAlign = 'left';
            const rowEnds: number[] = [];
            const right = u.bbox.left + u.bbox.width;
            for (const item of items) {
              const w = ctx.measureText(item.text).width;
              // Right of its line if it fits, else pushed against the right edge, else left of
              // the line; the first row where one of these overlaps nothing wins.
              const candidates = [item.x + pad, right - w, item.x - pad - w].filter(
                (l, k) => l >= u.bbox.left && l + w <= right && (k !== 1 || l < item.x + pad),
              );
              if (candidates.length === 0) candidates.push(u.bbox.left);
              let row = 0;
              let left = candidates[0];
              for (; ; row++) {
                const free = candidates.find((l) => rowEnds[row] === undefined || l > rowEnds[row] + 2 * pad);
                if (free !== undefined) {
                  left = free;
                  break;
                }
              }
              rowEnds[row] = left + w;
              const y = u.bbox.top - fontPx - pad + row * (fontPx + pad);
              if (row > 0) {
                ctx.fillStyle = 'rgba(255, 255, 255, 0.85)';
                ctx.fillRect(left - 2, y - 1, w + 4, fontPx + 2);
              }
              ctx.fillStyle = item.kind === 'failed' ? '#444' : '#8a3a00';
              ctx.fillText(item.text, left, y);
            }
            ctx.restore();
          },
        ],
      },
    };
  }

  // --- common pieces ---
  function timeAxis(): uPlot.Axis {
    return {
      stroke: AXIS_COLOR, grid: GRID, ticks: TICKS, font: `11px ${FONT}`,
      label: 'seconds into the measured window', labelSize: 18, labelFont: `11px ${FONT}`,
      values: (_u: uPlot, splits: number[]) => splits.map((s) => `${s}`),
    };
  }
  function latencyAxis(): uPlot.Axis {
    return {
      scale: 'ms', stroke: AXIS_COLOR, grid: GRID, ticks: TICKS, font: `11px ${FONT}`, size: 58,
      values: (_u: uPlot, splits: (number | null)[]) => splits.map(logTick),
    };
  }
  function countAxis(scale: string, side: 1 | 3, label: string): uPlot.Axis {
    return {
      scale, side, stroke: AXIS_COLOR, font: `11px ${FONT}`, size: 54, label, labelSize: 16, labelFont: `11px ${FONT}`,
      grid: side === 3 ? GRID : { show: false }, ticks: TICKS,
      values: (_u: uPlot, splits: number[]) => splits.map((s) => (Number.isInteger(s) ? fmtCount(s) : '')),
    };
  }
  const timeScale = (): uPlot.Scale => ({ time: false, range: [0, data.endS] });
  const stepped = U.paths.stepped ? U.paths.stepped({ align: 1 }) : undefined;

  // One observer for every chart: a chart follows its element's width (window resize, print).
  const byElement = new Map<Element, uPlot>();
  const observer =
    typeof ResizeObserver === 'undefined'
      ? null
      : new ResizeObserver((entries) => {
          for (const entry of entries) {
            const plot = byElement.get(entry.target);
            const width = Math.floor(entry.contentRect.width);
            if (plot && width > 0 && width !== plot.width) plot.setSize({ width, height: plot.height });
          }
        });

  function mount(el: HTMLElement, kind: string, run: number | null, opts: Opts, d: Data, height: number): void {
    const plot = new U({ ...opts, width: Math.max(240, Math.floor(el.clientWidth)), height }, d, el);
    byElement.set(el, plot);
    observer?.observe(el);
    handles.push({ kind, run, plot });
  }

  // --- the charts ---
  function latencyChart(el: HTMLElement, i: number): void {
    const r = data.runs[i];
    mount(el, 'latency', i, {
      scales: { x: timeScale(), ms: { distr: 3, log: 10, range: latencyRange } },
      axes: [timeAxis(), latencyAxis()],
      series: [
        { label: 'second', value: (_u, v) => (v === null ? '–' : `${v} s`) },
        { label: 'p50', scale: 'ms', stroke: '#0072B2', width: 1.5, value: (_u, v) => fmtMs(v) },
        { label: 'p99', scale: 'ms', stroke: '#D55E00', width: 1.5, value: (_u, v) => fmtMs(v) },
      ],
      plugins: [faultPlugin(r.bands, [], r.failedFaults, r.disturbedSeconds)],
    }, [r.seconds, r.p50Ms, r.p99Ms], 220);
  }

  function throughputChart(el: HTMLElement, i: number): void {
    const r = data.runs[i];
    const series: uPlot.Series[] = [
      { label: 'second', value: (_u, v) => (v === null ? '–' : `${v} s`) },
      { label: 'completed/s', scale: 'rps', stroke: '#0072B2', fill: 'rgba(0, 114, 178, 0.08)', width: 1.5, value: (_u, v) => fmtCount(v) },
      ...r.errors.map((e): uPlot.Series => ({
        label: `${e.kind}/s`, scale: 'err', stroke: ERROR_COLORS[e.kind] ?? '#333', width: 1.5, paths: stepped, value: (_u, v) => fmtCount(v),
      })),
    ];
    const axes = [timeAxis(), countAxis('rps', 3, 'completed/s')];
    if (r.errors.length > 0) axes.push(countAxis('err', 1, 'errors/s'));
    mount(el, 'throughput', i, {
      scales: { x: timeScale(), rps: { range: [0, rpsMax] }, err: { range: [0, errMax] } },
      axes,
      series,
      plugins: [faultPlugin(r.bands, [], r.failedFaults, r.disturbedSeconds)],
    }, [r.seconds, r.completed, ...r.errors.map((e) => e.values)], 220);
  }

  // Sessions and requests each on their own axis, shared by every run's chart.
  const sessionsMax = linearMax(data.runs.flatMap((r) => r.sessionsOpen.map((v) => v ?? 0)));
  const inFlightMax = linearMax(data.runs.flatMap((r) => r.requestsInFlight.map((v) => v ?? 0)));

  function inFlightChart(el: HTMLElement, i: number): void {
    const r = data.runs[i];
    mount(el, 'in-flight', i, {
      scales: { x: timeScale(), sessions: { range: [0, sessionsMax] }, requests: { range: [0, inFlightMax] } },
      axes: [timeAxis(), countAxis('sessions', 3, 'sessions held'), countAxis('requests', 1, 'requests in flight')],
      series: [
        { label: 'second', value: (_u, v) => (v === null ? '–' : `${v} s`) },
        { label: 'sessions held', scale: 'sessions', stroke: '#009E73', fill: 'rgba(0, 158, 115, 0.08)', width: 1.5, paths: stepped, value: (_u, v) => fmtCount(v) },
        { label: 'requests in flight', scale: 'requests', stroke: '#CC79A7', width: 1.5, paths: stepped, value: (_u, v) => fmtCount(v) },
      ],
      plugins: [faultPlugin(r.bands, [], r.failedFaults, r.disturbedSeconds)],
    }, [r.seconds, r.sessionsOpen, r.requestsInFlight], 200);
  }

  function replicasChart(el: HTMLElement, i: number): void {
    const r = data.runs[i];
    mount(el, 'replicas', i, {
      scales: { x: timeScale(), n: { range: [0, replicaMax] } },
      axes: [timeAxis(), countAxis('n', 3, 'requests/s')],
      series: [
        { label: 'second', value: (_u, v) => (v === null ? '–' : `${v} s`) },
        ...r.replicas.map((x, k): uPlot.Series => ({
          label: x.name, scale: 'n', stroke: REPLICA_COLORS[k % REPLICA_COLORS.length], width: 1.5, value: (_u, v) => fmtCount(v),
        })),
      ],
      plugins: [faultPlugin(r.bands, [], r.failedFaults, r.disturbedSeconds)],
    }, [r.seconds, ...r.replicas.map((x) => x.values)], 200);
  }

  function lostSessionsChart(el: HTMLElement): void {
    const last = Math.max(0, ...data.runs.map((r) => (r.seconds.length ? r.seconds[r.seconds.length - 1] : 0)));
    const xs = Array.from({ length: last + 1 }, (_, s) => s);
    const columns = data.runs.map((r) => {
      const at = new Map(r.seconds.map((s, k) => [s, r.sessionsLost[k]]));
      return xs.map((s) => at.get(s) ?? null);
    });
    mount(el, 'lost-sessions', null, {
      scales: { x: timeScale(), n: { range: [0, linearMax(data.runs.flatMap((r) => r.sessionsLost))] } },
      axes: [timeAxis(), countAxis('n', 3, 'sessions lost/s')],
      series: [
        { label: 'second', value: (_u, v) => (v === null ? '–' : `${v} s`) },
        ...data.runs.map((r): uPlot.Series => ({
          label: r.label, scale: 'n', stroke: r.color, dash: r.dash, width: 1.5, paths: stepped, value: (_u, v) => fmtCount(v),
        })),
      ],
      plugins: [faultPlugin([], data.markers, [])],
    }, [xs, ...columns], 240);
  }

  function spectrumChart(el: HTMLElement): void {
    const s = data.spectrum;
    const range = logRange(s.series.flatMap((x) => x.valuesMs), [0.1, 100]);
    const splits = [1, 2, 10, 100, 1000, 10000, 100000].filter((x) => x <= s.maxX);
    mount(el, 'spectrum', null, {
      scales: { x: { time: false, distr: 3, log: 10, range: [1, s.maxX] }, ms: { distr: 3, log: 10, range } },
      axes: [
        {
          stroke: AXIS_COLOR, grid: GRID, ticks: TICKS, font: `11px ${FONT}`,
          label: 'percentile (log scale of 1/(1−p))', labelSize: 18, labelFont: `11px ${FONT}`,
          splits: () => splits,
          // Our splits are the ones to label; the default log filter would blank p50.
          filter: (_u: uPlot, v: number[]) => v,
          values: (_u: uPlot, v: number[]) => v.map((x) => (x === 1 ? 'p0' : fmtPercentileAtX(x))),
        },
        latencyAxis(),
      ],
      series: [
        { label: 'percentile', value: (_u, v) => (v === null ? '–' : fmtPercentileAtX(v)) },
        ...s.series.map((x): uPlot.Series => {
          const r = data.runs[x.run];
          return {
            label: x.fromHistogram ? r.label : `${r.label} (no histogram: summary percentiles)`,
            scale: 'ms', stroke: r.color, dash: r.dash, width: 2, spanGaps: !x.fromHistogram,
            points: { show: !x.fromHistogram },
            value: (_u, v) => fmtMs(v),
          };
        }),
      ],
    }, [s.xs, ...s.series.map((x) => x.valuesMs)], 320);
  }

  function storeChart(el: HTMLElement): void {
    const st = data.store;
    const xs = data.runs.map((_, k) => k);
    // Where each bar landed (canvas px), to print its value above it: a static screenshot
    // of the report has no hover legend.
    // Keyed, not appended: uPlot rebuilds bar paths (and calls `each`) only when sizes change.
    const drawn = new Map<string, { left: number; top: number; width: number; text: string }>();
    const values = [st.latencyP50Ms, st.storeP50Ms];
    const bars = (align: -1 | 1) =>
      U.paths.bars
        ? U.paths.bars({
            size: [0.32, 72],
            align,
            gap: 1,
            each: (_u, seriesIdx, idx, left, top, width) => {
              drawn.set(`${seriesIdx}:${idx}`, { left, top, width, text: fmtMs(values[seriesIdx - 1][idx]) });
            },
          })
        : undefined;
    const all = [...st.latencyP50Ms, ...st.storeP50Ms].filter((v): v is number => v !== null);
    const share = (k: number): string => {
      const v = st.share[k];
      return v === null || v === undefined ? 'no store' : `store ${(v * 100).toFixed(v < 0.1 ? 1 : 0)}% of latency`;
    };
    mount(el, 'store', null, {
      scales: { x: { time: false, range: [-0.6, xs.length - 0.4] }, ms: { range: [0, all.length ? Math.max(...all) * 1.18 : 1] } },
      axes: [
        {
          stroke: AXIS_COLOR, grid: { show: false }, ticks: TICKS, font: `12px ${FONT}`, size: 46,
          splits: () => xs,
          values: (_u: uPlot, v: number[]) => v.map((k) => (data.runs[k] ? `${data.runs[k].label}\n${share(k)}` : '')),
        },
        {
          scale: 'ms', stroke: AXIS_COLOR, grid: GRID, ticks: TICKS, font: `11px ${FONT}`, size: 58,
          values: (_u: uPlot, v: number[]) => v.map((ms) => fmtMs(ms)),
        },
      ],
      series: [
        { label: 'architecture', value: (_u, v) => (v === null ? '–' : (data.runs[v]?.label ?? '')) },
        { label: 'total latency p50', scale: 'ms', stroke: '#0072B2', fill: 'rgba(0, 114, 178, 0.75)', paths: bars(-1), points: { show: false }, value: (_u, v) => fmtMs(v) },
        { label: 'store round trip p50', scale: 'ms', stroke: '#E69F00', fill: 'rgba(230, 159, 0, 0.8)', paths: bars(1), points: { show: false }, value: (_u, v) => fmtMs(v) },
      ],
      hooks: {
        draw: [
          (u: uPlot) => {
            const ctx = u.ctx;
            ctx.save();
            ctx.font = `${Math.round(11 * U.pxRatio)}px ${FONT}`;
            ctx.textAlign = 'center';
            ctx.textBaseline = 'bottom';
            ctx.fillStyle = '#333';
            for (const b of drawn.values()) ctx.fillText(b.text, b.left + b.width / 2, b.top - 3 * U.pxRatio);
            ctx.restore();
          },
        ],
      },
    }, [xs, st.latencyP50Ms, st.storeP50Ms], 280);
  }

  const perRun: Record<string, (el: HTMLElement, run: number) => void> = {
    latency: latencyChart,
    throughput: throughputChart,
    'in-flight': inFlightChart,
    replicas: replicasChart,
  };
  const overlays: Record<string, (el: HTMLElement) => void> = {
    spectrum: spectrumChart,
    'lost-sessions': lostSessionsChart,
    store: storeChart,
  };
  for (const el of Array.from(doc.querySelectorAll<HTMLElement>('[data-chart]'))) {
    const kind = el.dataset.chart ?? '';
    try {
      if (kind in perRun) perRun[kind](el, Number(el.dataset.run));
      else if (kind in overlays) overlays[kind](el);
      else throw new Error(`unknown chart kind "${kind}"`);
    } catch (err) {
      el.textContent = `This chart could not be drawn: ${err instanceof Error ? err.message : String(err)}`;
      el.classList.add('chart-failed');
      console.error(err);
    }
  }
  return handles;
}
