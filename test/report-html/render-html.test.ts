import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import { escapeHtml, jsonForScript, scriptText } from '../../src/report/html/escape-html.js';
import type { ChartData } from '../../src/report/html/chart-data.js';
import type { RunResult } from '../../src/result/types.js';
import { killOneReplica, repeatedAndInterrupted, singleArchitecture } from '../fixtures/html/build-html-fixtures.js';
import { loadFixture } from '../report/load-fixture.js';

/** The embedded chart data, parsed back as the page's bootstrap does. */
function chartData(html: string): ChartData {
  const m = /<script id="statebench-data" type="application\/json">([\s\S]*?)<\/script>/.exec(html);
  if (!m) throw new Error('no chart data in the page');
  return JSON.parse(m[1]) as ChartData;
}

const kill = killOneReplica();
const awkward = repeatedAndInterrupted();
const single = singleArchitecture();

describe('renderHtml', () => {
  test('is one self-contained page: no external script, stylesheet, image or font', () => {
    for (const result of [kill, awkward, single]) {
      const html = renderHtml(result);
      expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
      expect(html).not.toMatch(/<script[^>]*\bsrc=/i);
      expect(html).not.toMatch(/<link\b/i);
      expect(html).not.toMatch(/<img\b/i);
      expect(html).not.toMatch(/@import|url\(/i);
      expect(html).toContain("default-src 'none'");
    }
  });

  test('mentions no URL except uPlot’s licence banner, which is a comment and never fetched', () => {
    const urls = renderHtml(kill).match(/https?:\/\/[^\s"'<>)]*/g) ?? [];
    expect(new Set(urls)).toEqual(new Set(['https://github.com/leeoniya/uPlot']));
    expect(renderHtml(kill)).toContain('/*! https://github.com/leeoniya/uPlot (v');
  });

  test('inlines uPlot and its stylesheet', () => {
    const html = renderHtml(single);
    expect(html).toContain('var uPlot=function()');
    expect(html).toContain('.uplot');
  });

  test('escapes every text from the result, in markup and in the embedded JSON', () => {
    const html = renderHtml(awkward);
    // The description holds `</script><script>window.__pwned = true</script>`.
    expect(html).not.toContain('<script>window.__pwned');
    expect(html).toContain('Stress &lt;/script&gt;&lt;script&gt;window.__pwned = true&lt;/script&gt; &amp; &quot;quotes&quot; &lt;b&gt;not bold&lt;/b&gt;');
    expect(html).not.toContain('<b>not bold</b>');
    expect(html).toContain('skipped: &lt;cookie&gt; needs SESSION_SECRET &amp; a &quot;secret&quot;');
    // Exactly the three script elements the page is made of; none opened by the data.
    expect(html.match(/<script\b/g)).toHaveLength(3);
    expect(html.match(/<\/script>/g)).toHaveLength(3);
  });

  test('escaping helpers keep </script> and quotes inert', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const json = jsonForScript({ s: '</script><!-- \u2028 &' });
    expect(json).not.toMatch(/<|>|&|\u2028/);
    expect(JSON.parse(json)).toEqual({ s: '</script><!-- \u2028 &' });
    expect(scriptText('a = "</SCRIPT>"')).toBe('a = "<\\/SCRIPT>"');
  });

  test('labels repeated runs `redis #1`, `redis #2` and marks the interrupted one', () => {
    const html = renderHtml(awkward);
    const data = chartData(html);
    expect(data.runs.map((r) => r.label)).toEqual(['redis #1', 'redis #2', 'sqlite #1', 'sqlite #2']);
    expect(data.runs.map((r) => r.complete)).toEqual([true, true, true, false]);
    expect(html).toContain('<strong>sqlite #2</strong> did not finish: interrupted (SIGINT) after 9.00 s of 16.0 s');
    expect(html).toContain('<strong>cookie</strong> was not run');
    expect(html).toContain('Incomplete run</strong>: interrupted by SIGINT during sqlite #2');
    // Repetitions share their architecture's colour and differ by dash.
    expect(data.runs[0].color).toBe(data.runs[1].color);
    expect(data.runs[0].dash).not.toEqual(data.runs[1].dash);
  });

  test('computes the percentile spectrum from the histograms, monotonic and ending at p99.99', () => {
    const data = chartData(renderHtml(kill));
    expect(data.spectrum.xs[0]).toBe(1);
    expect(data.spectrum.xs.at(-1)).toBe(10_000);
    expect(data.spectrum.series).toHaveLength(4);
    data.spectrum.series.forEach((s, i) => {
      expect(s.fromHistogram).toBe(true);
      const values = s.valuesMs as number[];
      for (let k = 1; k < values.length; k++) expect(values[k]).toBeGreaterThanOrEqual(values[k - 1]);
      // At x = 2 (p50) the curve reads the same median as the summary (same histogram, same rule).
      expect(values[data.spectrum.xs.indexOf(2)]).toBeCloseTo(kill.architectures[i].latencyUs.p50 / 1000, 6);
      expect(values[data.spectrum.xs.indexOf(100)]).toBeCloseTo(kill.architectures[i].latencyUs.p99 / 1000, 6);
    });
  });

  test('architectures without store timings get no store bar and a dash in the table', () => {
    const data = chartData(renderHtml(kill));
    expect(data.store.storeP50Ms.map((v) => v !== null)).toEqual([false, true, true, false]);
    expect(data.store.latencyP50Ms.every((v) => v !== null && v > 0)).toBe(true);
    const single = chartData(renderHtml(singleArchitecture()));
    expect(single.runs).toHaveLength(1);
    expect(single.store.storeP50Ms).toEqual([null]);
  });

  test('fault windows become shaded bands ending at recovery; failed faults are marked', () => {
    const data = chartData(renderHtml(kill));
    const sticky = data.runs[0];
    expect(sticky.bands.map((b) => b.label)).toEqual(['kill replica-2', 'restart replica-2']);
    expect(sticky.bands[0].startS).toBeCloseTo(10.002, 6);
    expect(sticky.bands[0].endS).toBeGreaterThan(sticky.bands[0].startS);
    // A failed restart that still opened a window is labelled once, on its band.
    const awkwardData = chartData(renderHtml(awkward));
    expect(awkwardData.runs[0].bands.map((b) => [b.label, b.failed])).toEqual([
      ['kill replica-1', false],
      ['store-pause', false],
      ['restart replica-1 failed', true],
    ]);
    expect(awkwardData.runs[0].failedFaults).toEqual([]);
    // Without a window, it gets a marker of its own.
    const noWindows = { ...awkward, architectures: awkward.architectures.map((a) => ({ ...a, faultWindows: [] })) };
    expect(chartData(renderHtml(noWindows)).runs[0].failedFaults).toEqual([{ atS: 13.002, label: 'restart replica-1 failed' }]);
  });

  test('falls back to summary percentiles when a file holds no histograms', () => {
    const stripped: RunResult = {
      ...kill,
      architectures: kill.architectures.map((a) => ({ ...a, histograms: { latency: '', byEndpoint: {} } })),
    };
    const data = chartData(renderHtml(stripped));
    expect(data.spectrum.series.every((s) => !s.fromHistogram)).toBe(true);
    expect(data.spectrum.series[0].valuesMs.filter((v) => v !== null)).toHaveLength(4);
  });

  test('renders a run in which no architecture produced results', () => {
    const html = renderHtml({ ...kill, complete: false, architectures: [] });
    expect(html).toContain('No architecture produced results.');
    expect(html).not.toContain('data-chart=');
  });

  // The other reporters' fixtures have figures but empty histograms: the page must still render.
  const shared = new URL('../fixtures/results/', import.meta.url);
  test.runIf(existsSync(shared))('renders the shared result fixtures', () => {
    for (const name of ['kill-one-replica', 'no-redis-interrupted', 'baseline-repeated']) {
      const file = new URL(`${name}.json`, shared);
      if (!existsSync(file)) continue;
      const result = JSON.parse(readFileSync(file, 'utf8')) as RunResult;
      const html = renderHtml(result);
      expect(chartData(html).runs).toHaveLength(result.architectures.length);
    }
  });

  test('says when the machine disturbed a run: a banner naming it, and its disturbed seconds for the charts', () => {
    const result = loadFixture('open-disturbed');
    const html = renderHtml(result);
    expect(html).toContain('<div class="banner disturbed"><p><strong>Measurement disturbed</strong>');
    expect(html).toContain('<li><strong>redis</strong>: the generator sent 15% of its requests more than 1.00 ms late');
    expect(html).not.toContain('<li><strong>sticky</strong>');
    expect(chartData(html).runs.map((r) => r.disturbedSeconds)).toEqual([[], [2, 3, 4, 5]]);
    expect(renderHtml(kill)).not.toContain('banner disturbed');
  });
});

describe('the HTML tables', () => {
  /** One section of the page as text: a line per table row, cells split by `|`, tags dropped. */
  function sectionText(html: string, id: string): string {
    const m = new RegExp(`<section id="${id}">([\\s\\S]*?)</section>`).exec(html);
    if (!m) throw new Error(`no section ${id}`);
    return m[1]
      .replace(/\n/g, '')
      .replace(/<br>/g, ' ')
      .replace(/<\/t[dh]>/g, ' | ')
      .replace(/<\/(tr|h2|p|li)>/g, '\n')
      .replace(/<[^>]+>/g, '')
      .replace(/&amp;/g, '&')
      .replace(/[ \t]+\n/g, '\n')
      .replace(/\n+/g, '\n')
      .trim();
  }

  test('summary and per-endpoint tables: mean, p95, every error kind by name, – where there is no store', async () => {
    const html = renderHtml(loadFixture('kill-one-replica'));
    const summary = sectionText(html, 'summary');
    const endpoints = sectionText(html, 'endpoints');
    expect(summary).toContain('mean | 536 µs | 1.07 ms | 1.34 ms | 504 µs |');
    expect(summary).toContain('p95 | 1.16 ms | 2.34 ms | 2.92 ms | 1.10 ms |');
    expect(summary).toContain('update-lost | 9 | 0 | 0 | 0 |');
    expect(summary).toContain('store round trip p50 | – | 231 µs | 162 µs | – |');
    expect(summary).toContain('30.0 s, 3 replicas');
    expect(endpoints).toContain('\nread | 18,391 | 104 (session-lost 84, refused 12, update-lost 8) | 371 µs | 1.05 ms | 1.56 ms |');
    await expect(`${summary}\n\n${endpoints}\n`).toMatchFileSnapshot('./__snapshots__/kill-one-replica.tables.txt');
  });

  test('a result older than the in-flight gauges says so instead of drawing an empty chart', () => {
    const old = loadFixture('kill-one-replica');
    for (const a of old.architectures) for (const s of a.timeline) {
      delete s.requestsInFlight;
      delete s.sessionsOpen;
    }
    const html = renderHtml(old);
    expect(html).not.toContain('data-chart="in-flight"');
    expect(html.match(/Not recorded: this result was written before statebench recorded it\./g)).toHaveLength(4);
    expect(renderHtml(loadFixture('kill-one-replica')).match(/data-chart="in-flight"/g)).toHaveLength(4);
  });
});
