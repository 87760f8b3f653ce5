import type { RunResult, ThresholdResult } from '../result/types.js';
import { groupByArchitecture } from './architecture-groups.js';
import { formatMetricValue } from './format.js';

/**
 * Characters XML 1.0 cannot carry at all, even escaped (control characters other than tab,
 * newline, carriage return; lone surrogates; U+FFFE/U+FFFF). Error messages from child
 * processes can contain them, and one would make the whole file unreadable for the CI.
 */
const INVALID_XML_CHARS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Escapes text for an XML attribute value or text node. */
export function escapeXml(text: string): string {
  return text
    .replace(INVALID_XML_CHARS, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function testCase(t: ThresholdResult, classname: string): string[] {
  const name = `${t.source}: ${t.expression}`;
  const actual = formatMetricValue(t.metric, t.actual);
  const open = `    <testcase${attrs({ name, classname, time: '0' })}`;
  if (t.passed) return [`${open}>`, `      <system-out>${escapeXml(`actual ${actual} (${t.metric} = ${t.actual})`)}</system-out>`, '    </testcase>'];
  return [
    `${open}>`,
    `      <failure${attrs({ message: `${t.metric} was ${actual}, expected ${t.expression}`, type: 'threshold' })}>` +
      `${escapeXml(`${t.architecture}: ${t.metric} = ${t.actual} (${actual}); threshold ${t.source}: ${t.expression}`)}</failure>`,
    '    </testcase>',
  ];
}

/**
 * The run's thresholds as JUnit XML, for CI systems that display test reports: one
 * `<testsuite>` per architecture, one `<testcase>` per threshold, a `<failure>` with the
 * actual value for each failed one. Skipped architectures appear as a suite with a skipped
 * test case, so a CI dashboard shows that they did not run rather than nothing. Pure.
 */
export function renderJUnit(result: RunResult): string {
  const scenario = result.scenario.name;
  const byArchitecture = new Map<string, ThresholdResult[]>();
  for (const t of result.thresholds) {
    const list = byArchitecture.get(t.architecture) ?? [];
    list.push(t);
    byArchitecture.set(t.architecture, list);
  }
  // Every architecture that ran gets a suite in run order, even without thresholds; then any
  // architecture named only by thresholds (defensive: a result could be hand-edited).
  const measuredMs = new Map(groupByArchitecture(result.architectures).map((g) => [g.architecture, g.runs.reduce((s, r) => s + r.measuredMs, 0)]));
  const names = [...new Set([...measuredMs.keys(), ...byArchitecture.keys()])];

  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  for (const arch of names) {
    const thresholds = byArchitecture.get(arch) ?? [];
    const failed = thresholds.filter((t) => !t.passed).length;
    tests += thresholds.length;
    failures += failed;
    const classname = `statebench.${scenario}.${arch}`;
    const head = `  <testsuite${attrs({ name: `${scenario} · ${arch}`, tests: thresholds.length, failures: failed, errors: 0, skipped: 0, time: seconds(measuredMs.get(arch) ?? 0), timestamp: result.startedAt })}`;
    if (thresholds.length === 0) {
      suites.push(`${head}/>`);
      continue;
    }
    suites.push(`${head}>`, ...thresholds.flatMap((t) => testCase(t, classname)), '  </testsuite>');
  }
  for (const s of result.skipped) {
    tests += 1;
    skipped += 1;
    suites.push(
      `  <testsuite${attrs({ name: `${scenario} · ${s.architecture}`, tests: 1, failures: 0, errors: 0, skipped: 1, time: '0.000', timestamp: result.startedAt })}>`,
      `    <testcase${attrs({ name: 'run', classname: `statebench.${scenario}.${s.architecture}`, time: '0' })}>`,
      `      <skipped${attrs({ message: s.reason })}/>`,
      '    </testcase>',
      '  </testsuite>',
    );
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: `statebench ${scenario}`, tests, failures, errors: 0, skipped })}>`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
