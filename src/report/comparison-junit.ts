import type { Comparison, MetricComparison } from '../compare/types.js';
import { baselineText, changeText, coverageText, currentText, noiseText } from './comparison-text.js';
import { formatMetricValue } from './format.js';
import { escapeXml } from './junit.js';

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
}

/** What a reviewer reads in the CI's test view: the figures on both sides and the noise they were judged against. */
function figures(m: MetricComparison): string {
  return `baseline ${baselineText(m).median}, current ${currentText(m)}, change ${changeText(m)}, noise ${noiseText(m)}`;
}

function metricCase(m: MetricComparison, classname: string): string[] {
  const open = `    <testcase${attrs({ name: m.metric, classname, time: '0' })}`;
  if (m.verdict === 'regression') {
    return [`${open}>`, `      <failure${attrs({ message: `${m.metric} regressed: ${changeText(m)}`, type: 'regression' })}>${escapeXml(figures(m))}</failure>`, '    </testcase>'];
  }
  if (m.verdict === 'inconclusive' || m.verdict === 'not-compared' || m.verdict === 'off') {
    return [`${open}>`, `      <skipped${attrs({ message: m.reason ?? m.verdict })}/>`, '    </testcase>'];
  }
  return [`${open}>`, `      <system-out>${escapeXml(`${m.verdict}: ${figures(m)}`)}</system-out>`, '    </testcase>'];
}

/**
 * `compare --junit`: the verdicts as JUnit XML, so a CI's test view lists what regressed. One
 * `<testsuite>` per architecture and one `<testcase>` per metric: a regression is a `<failure>`,
 * an inconclusive or uncompared metric `<skipped>`, the rest pass. Lost coverage and thresholds
 * the current run failed get a suite each, as failures: they fail the comparison too. Pure.
 */
export function renderComparisonJUnit(cmp: Comparison): string {
  const scenario = cmp.baseline.scenario;
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  const suite = (name: string, cases: string[][], failed: number, skip: number): void => {
    tests += cases.length;
    failures += failed;
    skipped += skip;
    suites.push(`  <testsuite${attrs({ name, tests: cases.length, failures: failed, errors: 0, skipped: skip, time: '0.000', timestamp: cmp.current.startedAt })}>`, ...cases.flat(), '  </testsuite>');
  };
  for (const arch of cmp.architectures) {
    const classname = `statebench.compare.${scenario}.${arch.architecture}`;
    suite(
      `compare ${scenario} · ${arch.architecture}`,
      arch.metrics.map((m) => metricCase(m, classname)),
      arch.metrics.filter((m) => m.verdict === 'regression').length,
      arch.metrics.filter((m) => m.verdict === 'inconclusive' || m.verdict === 'not-compared' || m.verdict === 'off').length,
    );
  }
  if (cmp.coverageLost.length > 0) {
    const cases = cmp.coverageLost.map((loss) => [
      `    <testcase${attrs({ name: loss.architecture, classname: `statebench.compare.${scenario}.coverage`, time: '0' })}>`,
      `      <failure${attrs({ message: coverageText(loss), type: 'coverage' })}/>`,
      '    </testcase>',
    ]);
    suite(`compare ${scenario} · coverage`, cases, cases.length, 0);
  }
  if (cmp.failedThresholds.length > 0) {
    const cases = cmp.failedThresholds.map((t) => [
      `    <testcase${attrs({ name: `${t.source}: ${t.expression}`, classname: `statebench.compare.${scenario}.thresholds`, time: '0' })}>`,
      `      <failure${attrs({ message: `${t.architecture}: ${t.metric} was ${formatMetricValue(t.metric, t.actual)}, expected ${t.expression}`, type: 'threshold' })}/>`,
      '    </testcase>',
    ]);
    suite(`compare ${scenario} · thresholds of the current run`, cases, cases.length, 0);
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: `statebench compare ${scenario}`, tests, failures, errors: 0, skipped })}>`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
