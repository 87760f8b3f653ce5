import { expect, test } from 'vitest';
import { escapeXml, renderJUnit } from '../../src/report/junit.js';
import { loadFixture } from './load-fixture.js';

/**
 * A small XML well-formedness check (no XML parser is a dependency): one declaration, tags
 * nest and close in order, attributes are quoted, and no raw `<` or `&` appears in text.
 */
function assertWellFormed(xml: string): void {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  const body = xml.slice(xml.indexOf('?>') + 2);
  const token = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w:.-]+="[^"<&]*(?:&(?:amp|lt|gt|quot|apos);[^"<&]*)*")*)\s*(\/?)>|([^<]+)/gy;
  const stack: string[] = [];
  let roots = 0;
  let consumed = 0;
  let m: RegExpExecArray | null;
  while ((m = token.exec(body)) !== null) {
    consumed = token.lastIndex;
    const [, closing, name, , selfClosing, text] = m;
    if (text !== undefined) {
      expect(text.replace(/&(amp|lt|gt|quot|apos);/g, '')).not.toMatch(/[<&]/);
      if (stack.length === 0) expect(text.trim()).toBe('');
      continue;
    }
    if (closing) {
      expect(stack.pop()).toBe(name);
    } else if (!selfClosing) {
      if (stack.length === 0) roots += 1;
      stack.push(name);
    } else if (stack.length === 0) {
      roots += 1;
    }
  }
  expect(consumed).toBe(body.length);
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
}

test('one testsuite per architecture, one testcase per threshold, failures with the actual value', () => {
  const xml = renderJUnit(loadFixture('kill-one-replica'));
  assertWellFormed(xml);
  expect(xml).toContain('<testsuites name="statebench kill-one-replica" tests="7" failures="1" errors="0" skipped="0">');
  expect(xml.match(/<testsuite /g)).toHaveLength(4);
  expect(xml.match(/<testcase /g)).toHaveLength(7);
  // Thresholds on p95 and mean read in the metric's unit, as the tables write it.
  expect(xml).toContain('<system-out>actual 2.92 ms (p95 = 2921)</system-out>');
  expect(xml).toContain('<system-out>actual 1.07 ms (mean = 1075)</system-out>');
  expect(xml).toContain(
    '<failure message="error-rate was 0.097%, expected &lt; 0.1%" type="threshold">' +
      'sqlite: error-rate = 0.00097 (0.097%); threshold sqlite.error-rate: &lt; 0.1%</failure>',
  );
  expect(xml).toContain('<testsuite name="kill-one-replica · sqlite" tests="2" failures="1"');
});

test('skipped architectures appear as skipped test cases', () => {
  const xml = renderJUnit(loadFixture('no-redis-interrupted'));
  assertWellFormed(xml);
  expect(xml).toContain('<skipped message="redis-server not found on PATH (install redis or pass --redis-url)"/>');
  expect(xml).toContain('skipped="1"');
});

test('hostile text is escaped and characters XML cannot carry are replaced', () => {
  const result = loadFixture('kill-one-replica');
  result.thresholds[0] = { ...result.thresholds[0], source: `p99 "quoted" & <tag> 'x'`, expression: '< 5ms\u0000\u001b[31m' };
  result.skipped = [{ architecture: 'redis', reason: 'a < b && c > d "e"' }];
  const xml = renderJUnit(result);
  assertWellFormed(xml);
  expect(xml).toContain('name="p99 &quot;quoted&quot; &amp; &lt;tag&gt; &apos;x&apos;: &lt; 5ms\uFFFD\uFFFD[31m"');
  expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
});

test('escapeXml', () => {
  expect(escapeXml(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;');
});

test('a run without thresholds is still a valid report', () => {
  const result = loadFixture('baseline-repeated');
  const xml = renderJUnit(result);
  assertWellFormed(xml);
  expect(xml).toContain('tests="0" failures="0"');
});
