/**
 * The capacity report in a real browser (Debian's chromium, as the run report's test): the
 * chart draws its measured and projected lines, the page throws nothing and asks the network
 * for nothing.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { renderCapacityHtml } from '../../src/report/html/capacity-html.js';
import { craftCapacityResult } from '../capacity/capacity-fixture.js';

const CHROMIUM = '/usr/bin/chromium';

describe.skipIf(!existsSync(CHROMIUM))('capacity HTML report in headless Chromium', () => {
  let browser: Browser;
  const dir = mkdtempSync(join(tmpdir(), 'statebench-capacity-html-'));
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'], headless: true });
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('draws rate against replicas, measured lines and dashed projections, with no error and no request', async () => {
    const file = join(dir, 'capacity.html');
    writeFileSync(file, renderCapacityHtml(craftCapacityResult()));
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    await page.waitForFunction(() => Array.isArray((window as unknown as { statebenchCharts?: unknown[] }).statebenchCharts));
    const charts = await page.evaluate(() => {
      type Plot = { series: { label?: string }[]; data: (number | null)[][]; root: HTMLElement };
      return (window as unknown as { statebenchCharts: Plot[] }).statebenchCharts.map((p) => ({
        labels: p.series.slice(1).map((s) => s.label),
        points: p.data.slice(1).map((col) => col.filter((v) => v !== null).length),
        width: p.root.querySelector('canvas')?.width ?? 0,
      }));
    });
    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
    expect(charts).toHaveLength(1);
    expect(charts[0].labels).toEqual(['sticky', 'sticky (projection)', 'redis', 'redis (projection)']);
    expect(charts[0].points).toEqual([3, 6, 3, 6]);
    expect(charts[0].width).toBeGreaterThan(600);
    expect(await page.locator('#capacity table tbody tr').count()).toBe(6);
    expect(await page.locator('#probes details').count()).toBe(6);
    const shot = join(tmpdir(), 'statebench-capacity-report.png');
    await page.screenshot({ path: shot, fullPage: false });
    console.log(`capacity report screenshot: ${shot}`);
    await page.close();
  });
});
