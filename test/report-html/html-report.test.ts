/**
 * The HTML report in a real browser: Debian's chromium driven by playwright-core. Proves what a
 * string test cannot: that every chart draws, that the page throws nothing, and that it asks
 * the network for nothing (it must open from an archive years later).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import type { RunResult } from '../../src/result/types.js';
import { killOneReplica, repeatedAndInterrupted, singleArchitecture } from '../fixtures/html/build-html-fixtures.js';
import { loadFixture } from '../report/load-fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Charts per run (latency, throughput, in flight, replicas) and overlays (spectrum, lost sessions, store). */
const PER_RUN_CHARTS = 4;
const OVERLAY_CHARTS = 3;

interface ChartReport {
  kind: string;
  run: number | null;
  series: number;
  points: number;
  canvasWidth: number;
  canvasHeight: number;
  /** Canvas pixels that are not transparent: axes, grid and series all paint some. */
  painted: number;
  /** Pixels in the colour of a series' line or bars: proof that data, not just axes, was drawn. */
  seriesPixels: number;
}

interface PageReport {
  containers: number;
  failedContainers: number;
  charts: ChartReport[];
  documentWidth: number;
}

const describeInBrowser = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM)) {
  console.warn(`HTML report browser test skipped: ${CHROMIUM} not found; install Debian's chromium package: apt-get install -y chromium`);
}

describeInBrowser('HTML report in headless Chromium', () => {
  let browser: Browser;
  const dir = mkdtempSync(join(tmpdir(), 'statebench-html-'));
  const shots = mkdtempSync(join(tmpdir(), 'statebench-screenshots-'));

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(name: string, result: RunResult, width = 1280) {
    const file = join(dir, `${name}.html`);
    writeFileSync(file, renderHtml(result));
    const url = pathToFileURL(file).href;
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => Array.isArray((window as unknown as { statebenchCharts?: unknown[] }).statebenchCharts));
    // One frame for the resize observers to settle.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(null))));
    const report = await page.evaluate((): PageReport => {
      // `_stroke` is uPlot's resolved colour of a series, set when it is drawn.
      type Plot = { series: { _stroke?: unknown }[]; data: (number | null)[][]; root: HTMLElement; ctx: CanvasRenderingContext2D };
      const rgbOf = (color: unknown): [number, number, number] | null => {
        const m = typeof color === 'string' ? /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color) : null;
        return m ? [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)] : null;
      };
      const handles = (window as unknown as { statebenchCharts: { kind: string; run: number | null; plot: Plot }[] }).statebenchCharts;
      return {
        containers: document.querySelectorAll('[data-chart]').length,
        failedContainers: document.querySelectorAll('.chart-failed').length,
        documentWidth: document.documentElement.scrollWidth,
        charts: handles.map(({ kind, run, plot }) => {
          const canvas = plot.root.querySelector('canvas');
          let painted = 0;
          let seriesPixels = 0;
          // Any series: in overlays, later series may cover earlier ones on a shared zero line.
          const colors = plot.series.slice(1).map((x) => rgbOf(x._stroke)).filter((c) => c !== null);
          if (canvas && canvas.width > 0 && canvas.height > 0) {
            const pixels = plot.ctx.getImageData(0, 0, canvas.width, canvas.height).data;
            for (let i = 0; i < pixels.length; i += 4) {
              if (pixels[i + 3] !== 0) painted++;
              // Close to the colour, allowing for anti-aliasing and translucent fills.
              if (pixels[i + 3] > 200 && colors.some((c) => Math.abs(pixels[i] - c[0]) + Math.abs(pixels[i + 1] - c[1]) + Math.abs(pixels[i + 2] - c[2]) < 60)) {
                seriesPixels++;
              }
            }
          }
          return {
            kind,
            run,
            series: plot.series.length - 1,
            points: plot.data.slice(1).reduce((n, col) => n + col.filter((v) => v !== null && v !== undefined).length, 0),
            canvasWidth: canvas?.width ?? 0,
            canvasHeight: canvas?.height ?? 0,
            painted,
            seriesPixels,
          };
        }),
      };
    });
    return { page, url, problems, requests, report };
  }

  function expectAllChartsDrawn(report: PageReport, runs: number): void {
    expect(report.failedContainers).toBe(0);
    expect(report.charts).toHaveLength(runs * PER_RUN_CHARTS + OVERLAY_CHARTS);
    expect(report.containers).toBe(report.charts.length);
    for (const chart of report.charts) {
      const where = `${chart.kind}${chart.run === null ? '' : ` #${chart.run}`}`;
      expect(chart.canvasWidth, where).toBeGreaterThan(200);
      expect(chart.canvasHeight, where).toBeGreaterThan(100);
      expect(chart.series, where).toBeGreaterThan(0);
      expect(chart.points, where).toBeGreaterThan(0);
      expect(chart.painted, where).toBeGreaterThan(1000);
      expect(chart.seriesPixels, where).toBeGreaterThan(50);
    }
  }

  test('four architectures with a kill and a restart: every chart drawn, no error, no request', async () => {
    const { page, url, problems, requests, report } = await open('kill-one-replica', killOneReplica());
    expect(problems).toEqual([]);
    expect(requests).toEqual([url]);
    expectAllChartsDrawn(report, 4);
    // Nothing overflows sideways at a laptop width.
    expect(report.documentWidth).toBeLessThanOrEqual(1280);
    const shot = join(shots, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`HTML report screenshot: ${shot}`);
    await page.close();
  });

  test('repetitions, an interrupted run, a skipped architecture and hostile text', async () => {
    const { page, url, problems, requests, report } = await open('repeated-and-interrupted', repeatedAndInterrupted());
    expect(problems).toEqual([]);
    expect(requests).toEqual([url]);
    expectAllChartsDrawn(report, 4);
    // The description's `<script>` stayed text.
    expect(await page.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned)).toBeUndefined();
    expect(await page.locator('.description').textContent()).toContain('</script><script>window.__pwned = true</script>');
    const shot = join(shots, 'report-repeated.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`HTML report screenshot: ${shot}`);
    await page.close();
  });

  test('a run the machine disturbed: a banner, and its disturbed seconds veiled in its timeline charts only', async () => {
    const { page, problems, report } = await open('disturbed', loadFixture('open-disturbed'));
    expect(problems).toEqual([]);
    expectAllChartsDrawn(report, 2);
    expect(await page.locator('.banner.disturbed').textContent()).toContain('redis: the generator sent 15% of its requests more than 1.00 ms late');
    // The veil's darker top edge, rgba(90, 90, 110, 0.55) over its fill, on a transparent canvas.
    const veiled = await page.evaluate(() => {
      type Plot = { root: HTMLElement; ctx: CanvasRenderingContext2D };
      const handles = (window as unknown as { statebenchCharts: { kind: string; run: number | null; plot: Plot }[] }).statebenchCharts;
      return handles
        .filter((h) => h.kind === 'latency')
        .map(({ run, plot }) => {
          const canvas = plot.root.querySelector('canvas')!;
          const px = plot.ctx.getImageData(0, 0, canvas.width, canvas.height).data;
          let n = 0;
          for (let i = 0; i < px.length; i += 4) {
            if (px[i + 3] > 120 && px[i + 3] < 180 && Math.abs(px[i] - 90) < 10 && Math.abs(px[i + 1] - 90) < 10 && Math.abs(px[i + 2] - 110) < 10) n++;
          }
          return { run, n };
        });
    });
    expect(veiled.find((v) => v.run === 0)!.n).toBeLessThan(50); // sticky: quiet
    expect(veiled.find((v) => v.run === 1)!.n).toBeGreaterThan(500); // redis: seconds 2–5
    const shot = join(shots, 'report-disturbed.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`HTML report screenshot: ${shot}`);
    await page.close();
  });

  test('one architecture; charts follow the window width', async () => {
    const { page, problems, report } = await open('single', singleArchitecture(), 1400);
    expect(problems).toEqual([]);
    expectAllChartsDrawn(report, 1);
    type Handles = { statebenchCharts: { run: number | null; plot: { width: number; root: HTMLElement } }[] };
    // Each chart as wide as its slot, give or take the rounding of a fractional width.
    const fitted = () =>
      (window as unknown as Handles).statebenchCharts.every(
        (h) => Math.abs(h.plot.width - (h.plot.root.parentElement?.clientWidth ?? 0)) <= 1,
      );
    expect(await page.evaluate(fitted)).toBe(true);
    const overlayWidth = () =>
      page.evaluate(() => Math.max(...(window as unknown as Handles).statebenchCharts.filter((h) => h.run === null).map((h) => h.plot.width)));
    const wide = await overlayWidth();
    await page.setViewportSize({ width: 700, height: 900 });
    await page.waitForFunction(fitted);
    const narrow = await overlayWidth();
    expect(narrow).toBeLessThan(wide);
    expect(narrow).toBeLessThanOrEqual(700);
    expect(problems).toEqual([]);
    await page.close();
  });
});
