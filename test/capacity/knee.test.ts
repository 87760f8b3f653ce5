import { describe, expect, it } from 'vitest';
import { diagnoseKnee, generatorBehind } from '../../src/capacity/knee.js';
import type { ArchitectureResult, CpuUsage } from '../../src/result/types.js';
import { craftArchitecture } from '../demo/crafted-result.js';

function withCpu(cpu: CpuUsage[]): ArchitectureResult {
  return { ...craftArchitecture({ architecture: 'redis', lost: 0, p99Us: 80_000, throughputRps: 900 }), cpu };
}
const usage = (component: string, cores: number, budgetCores?: number, cpuUsPerRequest = 100): CpuUsage => ({
  component, cores, cpuMs: cores * 4000, cpuUsPerRequest, ...(budgetCores === undefined ? {} : { budgetCores }),
});
const CONTEXT = { storeSingleThreaded: true, machineCpus: 2, loadAverage: 1.2, runQueueWait: {} };

describe('what saturated at the knee', () => {
  it('names the replica budgets when the replicas ran at them', () => {
    const knee = diagnoseKnee(withCpu([usage('generator', 0.3), usage('replica-1', 0.19, 0.2), usage('replica-2', 0.2, 0.2), usage('store', 0.1, 0.5, 40)]), 900, CONTEXT);
    expect(knee.limit).toBe('replica-budget');
    expect(knee.detail).toContain('replicas 0.20 of 0.20 core each (mean of 2)');
    expect(knee.detail).toContain('store 0.10 of 0.50 core, 40 µs/request');
    expect(knee.atRps).toBe(900);
  });

  it('names the store budget, with the measured store CPU, when the store ran at it', () => {
    const knee = diagnoseKnee(withCpu([usage('generator', 0.3), usage('replica-1', 0.12, 0.2), usage('store', 0.48, 0.5, 120)]), 4000, CONTEXT);
    expect(knee.limit).toBe('store-budget');
    expect(knee.detail).toContain('store 0.48 of 0.50 core, 120 µs/request');
  });

  it("names the store's single thread when an unbudgeted Redis ran at a full core", () => {
    const knee = diagnoseKnee(withCpu([usage('generator', 0.5), usage('replica-1', 0.4), usage('store', 0.97)]), 9000, CONTEXT);
    expect(knee.limit).toBe('store-thread');
    // A multi-threaded store at the same figure is not at its limit.
    expect(diagnoseKnee(withCpu([usage('replica-1', 0.4), usage('store', 0.97)]), 9000, { ...CONTEXT, storeSingleThreaded: false }).limit).toBe('unexplained');
  });

  it('a generator at a full core is not a knee, and says so', () => {
    const result = withCpu([usage('generator', 0.93), usage('replica-1', 0.2, 0.2)]);
    expect(generatorBehind(result)).toMatch(/generator used 0\.93 core/);
    const knee = diagnoseKnee(result, 5000, CONTEXT);
    expect(knee.limit).toBe('generator');
    expect(knee.detail).toMatch(/not a knee of the system/);
    // A generator starved of CPU on a busy machine sent late: not a knee either.
    const starved = diagnoseKnee(withCpu([usage('generator', 0.1), usage('replica-1', 0.05, 0.2)]), 80, { ...CONTEXT, runQueueWait: { generator: 0.39, 'replica-1': 0.05 } });
    expect(starved.limit).toBe('generator');
    expect(starved.detail).toMatch(/^the generator waited 39% of the time for a CPU others held: not a knee of the system/);
    // ...unless a component ran out: then that is the knee, whatever the generator's waits.
    const atBudget = diagnoseKnee(withCpu([usage('generator', 0.3), usage('replica-1', 0.2, 0.2)]), 2600, {
      ...CONTEXT, runQueueWait: { generator: 0.31, 'replica-1': 0.1 }, throttled: { 'replica-1': 0.6 },
    });
    expect(atBudget.limit).toBe('replica-budget');
    expect(atBudget.detail).toContain('replicas held back by their budgets 60% of the time');
    // The run's own lateness flag, when results carry one, counts too.
    const disturbed = { ...withCpu([usage('generator', 0.2)]), measurementQuality: { disturbed: true } } as unknown as ArchitectureResult;
    expect(generatorBehind(disturbed)).toMatch(/fell behind its own schedule/);
  });

  it('names the busy machine when nothing was at its limit but the processes waited for a CPU', () => {
    const cpu = [usage('generator', 0.2), usage('replica-1', 0.1, 0.2), usage('store', 0.05, 0.5)];
    const busy = diagnoseKnee(withCpu(cpu), 300, { ...CONTEXT, loadAverage: 9, runQueueWait: { 'replica-1': 0.35, store: 0.1, generator: 0.05 } });
    expect(busy.limit).toBe('machine');
    expect(busy.detail).toContain('replicas waited 35% of the time for a CPU others held, store 10%, generator 5%');
    expect(busy.detail).toContain('load average 9.0 on 2 cores');
    expect(diagnoseKnee(withCpu(cpu), 300, CONTEXT).limit).toBe('unexplained');
  });
});
