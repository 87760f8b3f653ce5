/**
 * Sweep reports rendered from a synthetic sweep with known figures: the tables (values ×
 * architectures, failed values marked), the slope sentences, memory per session, Markdown, and
 * the HTML page in a real browser (Debian's chromium, as the other HTML reports' tests).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { renderSweepHtml } from '../../src/report/html/sweep-html.js';
import { renderSweepMarkdown } from '../../src/report/sweep-markdown.js';
import { renderSweepTerminal } from '../../src/report/sweep-terminal.js';
import { SIZE_KIB as kib, SIZE_SWEEP as SIZE, syntheticSweep } from './synthetic-sweep.js';

const sweep = syntheticSweep(SIZE, (i, arch) => {
  if (arch === 'redis') return { p50: 300 + 7 * kib[i], cpuUs: 80 + 2.5 * kib[i], bytes: Math.round(600 + 2048 * kib[i]) };
  if (arch === 'sticky') return { p50: [250, 262, 244, 255][i], cpuUs: 60, bytes: 600 };
  return i < 2 ? { p50: 270 + 10 * i, cpuUs: 70, bytes: 1500 } : { p50: 280, failed413: [0, 0, 420, 430][i] };
});

describe('the terminal and Markdown reports of a sweep', () => {
  test('a table per figure, the failed values marked, the slopes in words', () => {
    const text = renderSweepTerminal(sweep, { color: false, width: 100 });
    expect(text).toContain('statebench sweep · size');
    expect(text).toContain('session.payload: 64B, 512B, 2KiB, 8KiB · 4 of 4 points × 3 architectures');
    expect(text).toContain(
      [
        'p50 latency',
        '┌─────────────────┬────────┬────────┬──────────────────────────┐',
        '│ session.payload │ sticky │  redis │                   cookie │',
        '├─────────────────┼────────┼────────┼──────────────────────────┤',
        '│ 64B             │ 250 µs │ 304 µs │                   270 µs │',
        '├─────────────────┼────────┼────────┼──────────────────────────┤',
        '│ 512B            │ 262 µs │ 328 µs │                   280 µs │',
        '├─────────────────┼────────┼────────┼──────────────────────────┤',
        '│ 2KiB            │ 244 µs │ 412 µs │ ✗ 413 on 42% of requests │',
        '├─────────────────┼────────┼────────┼──────────────────────────┤',
        '│ 8KiB            │ 255 µs │ 748 µs │ ✗ 413 on 43% of requests │',
        '└─────────────────┴────────┴────────┴──────────────────────────┘',
      ].join('\n'),
    );
    expect(text).toContain('Growth of p50 latency\n  sticky: flat (250 µs → 255 µs)\n  redis: +7.00 µs per KiB of session (R² 1.00 over 4 values; 304 µs → 748 µs)\n');
    // 10 µs over the two values it passed at: below what counts as growth.
    expect(text).toContain('  cookie: flat (270 µs → 280 µs); fails at 2KiB, 8KiB');
    expect(text).toContain('  redis: +2.50 µs per KiB of session (R² 1.00 over 4 values; 81 µs → 240 µs)');
    expect(text).toContain('  redis: +2KiB per KiB of session (R² 1.00 over 4 values; 1.59KiB → 128.59KiB)');
    expect(text).toContain('│ 8KiB            │   0.0% │  0.0% │ ✗ 43.0% │');
    // What keeping state elsewhere adds over sticky at each value (here, without paired seconds: the p50s' difference).
    expect(text).toContain('│ 8KiB            │ +493 µs │ ✗ 413 on 43% of requests │');
    expect(text).toContain('Growth of p50 latency added over sticky\n  redis: +6.98 µs per KiB of session (R² 0.99 over 4 values; 54 µs → 493 µs)');
  });

  test('Markdown: the same tables and sentences', () => {
    const md = renderSweepMarkdown(sweep);
    expect(md).toContain('**p50 latency**\n\n| session.payload | sticky | redis | cookie |\n| --- | ---: | ---: | ---: |\n| 64B | 250 µs | 304 µs | 270 µs |');
    expect(md).toContain('| 8KiB | 255 µs | 748 µs | ✗ 413 on 43% of requests |');
    expect(md).toContain('- redis: +7.00 µs per KiB of session (R² 1.00 over 4 values; 304 µs → 748 µs)');
  });
});

const CHROMIUM = '/usr/bin/chromium';

describe.skipIf(!existsSync(CHROMIUM))('the HTML report of a sweep in headless Chromium', () => {
  let browser: Browser;
  const dir = mkdtempSync(join(tmpdir(), 'statebench-sweep-html-'));
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'], headless: true });
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a chart per figure against the swept value, a gap and an ✗ where the cookie failed, no error and no request', async () => {
    const file = join(dir, 'sweep.html');
    writeFileSync(file, renderSweepHtml(sweep));
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
        xs: p.data[0],
        points: p.data.slice(1).map((col) => col.filter((v) => v !== null).length),
      }));
    });
    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
    // p50, p99, CPU and bytes per request, then p50 and CPU added over sticky (sticky itself not drawn there).
    expect(charts).toHaveLength(6);
    for (const c of charts) expect(c.xs).toEqual([64, 512, 2048, 8192]);
    expect(charts.map((c) => c.labels)).toEqual([...Array(4).fill(['sticky', 'redis', 'cookie']), ['redis', 'cookie'], ['redis', 'cookie']]);
    expect(charts.map((c) => c.points)).toEqual([...Array(4).fill([4, 4, 2]), [4, 2], [4, 2]]);
    expect(await page.locator('#charts li', { hasText: 'cookie at 8KiB: 413 on 43% of requests' }).count()).toBe(6);
    expect(await page.locator('#tables table').count()).toBe(7);
    await page.close();
  });
});
