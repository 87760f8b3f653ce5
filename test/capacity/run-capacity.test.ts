import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCapacity } from '../../src/capacity/run-capacity.js';
import { cpuBudgetsUnavailable, findCgroupParent } from '../../src/process/cpu-budget.js';
import { watchdogPid } from '../../src/process/reaper.js';
import { writeResultFile } from '../../src/run/write-result.js';
import { validateScenarioData } from '../../src/scenario/resolve-scenario.js';
import { cli } from '../helpers/cli.js';
import { leftoverChildren } from '../helpers/processes.js';

const CGROUPS = cpuBudgetsUnavailable() === undefined;

afterAll(async () => {
  expect(await leftoverChildren(watchdogPid())).toEqual([]);
});

/** Tiny probes: this checks behaviour; figures come from the bench and docs/capacity.md. */
function scenario(slo: Record<string, string>, replicas: number[]) {
  const { scenario: s, problems } = validateScenarioData(
    {
      name: 'tiny-capacity',
      architectures: ['cookie'],
      ...(CGROUPS ? { hosts: { replicaCpu: 0.5 } } : {}),
      load: { model: 'open', rate: '10/s', timeout: '1s', grace: '200ms' },
      capacity: { replicas, slo, probe: '400ms', warmup: '200ms', from: '20/s', upTo: '40/s', precision: 0.5 },
    },
    'tiny',
  );
  expect(problems).toEqual([]);
  return s!;
}

describe('a capacity search', () => {
  it('probes each replica count on its own topology through the runner, keeps every probe, and rebuilds its reports from the file', async () => {
    const starts: number[] = [];
    const result = await runCapacity(scenario({ p99: '<= 5s', 'error-rate': '<= 50%' }, [1, 2]), { listener: { pointStart: (_a, n) => starts.push(n) } });
    expect(result.kind).toBe('capacity');
    expect(result.complete).toBe(true);
    expect(starts).toEqual([1, 2]);
    const [cookie] = result.architectures;
    // 1 replica: 20/s then the 40/s ceiling; 2 replicas start from what 1 sustained.
    expect(cookie.points.map((p) => p.probes.map((x) => x.rateRps))).toEqual([[20, 40], [40]]);
    expect(cookie.points.map((p) => [p.sustainableRps, p.failedRps])).toEqual([[40, null], [40, null]]);
    expect(cookie.points.map((p) => p.efficiency)).toEqual([1, 0.5]);
    for (const point of cookie.points) {
      for (const probe of point.probes) {
        expect(probe.passed).toBe(true);
        expect(probe.result.targetRps).toBeCloseTo(probe.rateRps, 0);
        expect(probe.result.replicas).toBe(point.replicas);
        const replicaRows = probe.result.cpu.filter((c) => c.component.startsWith('replica-'));
        expect(replicaRows.map((c) => c.component).sort()).toEqual(Array.from({ length: point.replicas }, (_, i) => `replica-${i + 1}`));
        if (CGROUPS) expect(replicaRows.every((c) => c.budgetCores === 0.5)).toBe(true);
        expect(probe.result.histograms.latency.length).toBeGreaterThan(0);
        expect(Object.keys(probe.runQueueWait ?? {})).toContain('generator');
      }
    }
    if (CGROUPS) {
      const root = findCgroupParent();
      if ('parent' in root) expect(readdirSync(root.parent.path).filter((n) => n.startsWith(`statebench-${process.pid}-`))).toEqual([]);
    }

    const dir = mkdtempSync(join(tmpdir(), 'statebench-capacity-'));
    const file = join(dir, 'c.json');
    await writeResultFile(result, file);
    // Outputs given paths are written and stdout stays empty; without outputs, the table.
    const files = await cli(['report', file, '--markdown', join(dir, 'c.md'), '--html', join(dir, 'c.html')]);
    expect(files.code).toBe(0);
    expect(files.stdout).toBe('');
    const report = await cli(['report', file]);
    expect(report.code).toBe(0);
    expect(report.stdout).toContain('statebench capacity · tiny-capacity');
    expect(report.stdout).toMatch(/cookie\s+│\s+1 │\s+≥ 40\/s │\s+100% │\s+2 │ none up to 40\/s/);
    expect(report.stdout).toContain('cookie: a projection from 2 measured points');
    const md = readFileSync(join(dir, 'c.md'), 'utf8');
    // Both rates reached the search's ceiling without a failure: lower bounds, and said so.
    expect(md).toContain('cookie: a projection from 2 measured points (2 of them lower bounds: the generator fell behind, or the search reached its ceiling, before the system failed; the projection is a lower bound too), not a measurement.');
    expect(md).toContain('| architecture | replicas | sustainable | efficiency | probes | at the knee |');
    const html = readFileSync(join(dir, 'c.html'), 'utf8');
    expect(html).toContain('data-chart="capacity"');
    const data = JSON.parse(/<script id="statebench-capacity" type="application\/json">(.*?)<\/script>/s.exec(html)![1]) as { replicas: number[]; series: { kind: string }[] };
    expect(data.replicas).toEqual([1, 2, 4, 8, 16, 32]);
    expect(data.series.map((s) => s.kind)).toEqual(['measured', 'projection']);
  });

  it('finds nothing sustainable under an SLO no probe can meet, and names what it saw at the knee', async () => {
    const result = await runCapacity(scenario({ p99: '<= 1us' }, [1]), {});
    const [point] = result.architectures[0].points;
    expect(point.sustainableRps).toBeNull();
    // Each failure is confirmed by a second probe at the same rate before the search moves on.
    expect(point.probes.map((p) => p.rateRps)).toEqual([20, 20, 10, 10, 5, 5]);
    expect(point.probes.map((p) => p.attempt)).toEqual([undefined, 2, undefined, 2, undefined, 2]);
    expect(point.probes.every((p) => !p.passed && p.failures.some((f) => /^p99 .*, wanted <= 1us$/.test(f)))).toBe(true);
    expect(point.knee?.atRps).toBe(5);
    expect(point.knee?.detail).toMatch(/load average \d+\.\d on \d+ cores/);
    expect(result.architectures[0].projection).toBeUndefined();
  });
});
