import { describe, expect, it } from 'vitest';
import { renderCapacityMarkdown } from '../../src/report/capacity-markdown.js';
import { renderCapacityTerminal } from '../../src/report/capacity-terminal.js';
import { buildCapacityChartData } from '../../src/report/html/capacity-chart-data.js';
import { craftCapacityResult } from './capacity-fixture.js';

describe('the capacity reports', () => {
  const result = craftCapacityResult();

  it('tables the sustainable rate, efficiency and knee per architecture and replica count', () => {
    const text = renderCapacityTerminal(result, { color: false, width: 100 });
    expect(text).toContain('SLO p99 <= 50ms, error-rate <= 0.1%, dropped == 0');
    expect(text).toContain('budgets: each replica 0.20 core, each store process 0.50 core (a cgroup quota each)');
    expect(text).toMatch(/redis\s+│\s+1 │\s+480\/s │\s+100% │\s+3 │ replica budgets/);
    expect(text).toMatch(/│\s+4 │\s+1,700\/s │\s+89% │\s+3 │ none at its limit/);
    expect(text).toContain('redis ×1 at 518/s: replica budgets: replicas 0.20 of 0.20 core');
  });

  it('labels the projection as one, with the fit, its error on the measured points, and where the store caps', () => {
    const text = renderCapacityTerminal(result, { color: false, width: 200 });
    expect(text).toMatch(/redis: a projection from 3 measured points, not a measurement\. USL fit λ [\d,]+\/s, σ [\d.]+, κ [\d.e-]+; within [\d.]+% of every measured point:/);
    expect(text).toMatch(/measured {2}1 → 480\/s \(fit [\d,]+\/s, [+−][\d.]+%\) · 2 → 930\/s/);
    expect(text).toMatch(/projected 8 → [\d,]+\/s( \(store-capped\))? · 16 → [\d,]+\/s/);
    // 0.5 core ÷ 60 µs of store CPU per request.
    expect(text).toMatch(/store ceiling 8,333\/s = its budget of 0.50 core ÷ 60 µs of store CPU per request: (the store caps the system at \d+ replicas|the fitted curve never reaches it)/);
    const fit = result.architectures[1].projection!.usl;
    expect(fit.maxRelativeError).toBeLessThan(0.1);
  });

  it('renders the same figures as Markdown', () => {
    const md = renderCapacityMarkdown(result);
    expect(md).toContain('## statebench capacity · capacity');
    expect(md).toContain('| redis | 4 | 1,700/s | 89% | 3 | none at its limit |');
    expect(md).toMatch(/\*\*redis: a projection from 3 measured points, not a measurement\./);
  });

  it('charts a measured and a projected line per architecture over 1 to 32 replicas', () => {
    const data = buildCapacityChartData(result);
    expect(data.replicas).toEqual([1, 2, 4, 8, 16, 32]);
    expect(data.series.map((s) => `${s.label}:${s.kind}`)).toEqual(['sticky:measured', 'sticky (projection):projection', 'redis:measured', 'redis (projection):projection']);
    expect(data.series[2].rps).toEqual([480, 930, 1700, null, null, null]);
    expect(data.series[3].rps.every((v) => v !== null && v > 0)).toBe(true);
  });
});

describe('comparing two capacity searches', () => {
  it('flags a sustainable rate that fell beyond the search precision, and only that', async () => {
    const { compareCapacity, renderCapacityComparison } = await import('../../src/report/capacity-compare.js');
    const baseline = craftCapacityResult();
    const current = craftCapacityResult();
    current.architectures[1].points[2].sustainableRps = 1300; // redis ×4: −24%
    current.architectures[1].points[1].sustainableRps = 880; // redis ×2: −5%, inside the 10% precision
    const cmp = compareCapacity(baseline, current);
    expect(cmp.tolerance).toBe(0.1);
    expect(cmp.regressed).toBe(true);
    expect(cmp.rows.filter((r) => r.architecture === 'redis').map((r) => r.verdict)).toEqual(['within precision', 'within precision', 'regressed']);
    const text = renderCapacityComparison(cmp);
    expect(text).toMatch(/redis\s+4\s+1,700\/s\s+1,300\/s\s+-24%\s+regressed/);
    expect(compareCapacity(baseline, craftCapacityResult()).regressed).toBe(false);
  });
});
