import type { ArchitectureCapacity, CapacityPoint, CapacityResult, Probe } from '../../src/capacity/capacity-result.js';
import { diagnoseKnee } from '../../src/capacity/knee.js';
import { projectCapacity } from '../../src/capacity/projection.js';
import { setEfficiency } from '../../src/capacity/run-capacity.js';
import type { CpuUsage } from '../../src/result/types.js';
import { defaultCapacitySpec, validateScenarioData } from '../../src/scenario/resolve-scenario.js';
import { craftArchitecture } from '../demo/crafted-result.js';

const BUDGET = { replica: 0.2, store: 0.5 };

/** A probe at `rps` where each replica and the store use what a linear cost model says. */
function probe(architecture: string, replicas: number, rps: number, passed: boolean, store: boolean): Probe {
  const replicaCores = Math.min(BUDGET.replica, (rps / replicas) * 400e-6);
  const cpu: CpuUsage[] = [
    { component: 'generator', cores: rps * 120e-6, cpuMs: rps * 0.48, cpuUsPerRequest: 120 },
    ...Array.from({ length: replicas }, (_, i) => ({ component: `replica-${i + 1}`, cores: Number(replicaCores.toFixed(2)), cpuMs: replicaCores * 4000, cpuUsPerRequest: Math.round(400 / replicas), budgetCores: BUDGET.replica })),
    ...(store ? [{ component: 'store', cores: Number(Math.min(BUDGET.store, rps * 60e-6).toFixed(2)), cpuMs: rps * 0.24, cpuUsPerRequest: 60, budgetCores: BUDGET.store }] : []),
  ];
  const result = { ...craftArchitecture({ architecture, lost: 0, p99Us: passed ? 12_000 : 84_000, throughputRps: rps, storeP50Us: store ? 300 : undefined }), replicas, cpu, targetRps: rps, achievedRps: rps };
  return { rateRps: rps, passed, failures: passed ? [] : ['p99 84 ms, wanted <= 50ms'], generatorBound: false, loadAverage: 1.4, runQueueWait: { 'replica-1': 0.02, generator: 0.01 }, result };
}

function point(architecture: string, replicas: number, sustained: number, store: boolean): CapacityPoint {
  const failed = Math.round(sustained * 1.08);
  const probes = [probe(architecture, replicas, Math.round(sustained / 2), true, store), probe(architecture, replicas, failed, false, store), probe(architecture, replicas, sustained, true, store)];
  const knee = diagnoseKnee(probes[1].result, failed, { storeSingleThreaded: store, machineCpus: 2, loadAverage: 1.4, runQueueWait: probes[1].runQueueWait! });
  return { replicas, sustainableRps: sustained, failedRps: failed, efficiency: null, knee, probes };
}

function architecture(name: string, rates: number[], store: boolean): ArchitectureCapacity {
  const points = [1, 2, 4].map((n, i) => point(name, n, rates[i], store));
  setEfficiency(points);
  const projection = projectCapacity(points, { storeBudgetCores: store ? BUDGET.store : undefined, storeSingleThreaded: store });
  return { architecture: name, points, ...(projection === undefined ? {} : { projection }) };
}

/** A capacity search of sticky and redis at 1, 2 and 4 replicas of 0.2 core (the store 0.5). */
export function craftCapacityResult(): CapacityResult {
  const { scenario } = validateScenarioData({ name: 'capacity', architectures: ['sticky', 'redis'], hosts: { replicaCpu: 0.2, storeCpu: 0.5 } }, 'capacity');
  return {
    kind: 'capacity',
    schemaVersion: 1,
    tool: { name: 'statebench', version: '0.0.0' },
    complete: true,
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:10:00.000Z',
    scenario: scenario!,
    search: defaultCapacitySpec(),
    environment: { statebenchVersion: '0.0.0', node: 'v20', platform: 'linux', arch: 'x64', cpuModel: 'test', cpus: 2, totalMemoryBytes: 2 ** 33 },
    loadAverageBefore: 1.2,
    architectures: [architecture('sticky', [500, 990, 1960], false), architecture('redis', [480, 930, 1700], true)],
    skipped: [],
  };
}
