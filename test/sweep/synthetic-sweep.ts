import type { ArchitectureResult, RunResult, SessionMemory } from '../../src/result/types.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { applySweepPoint } from '../../src/scenario/sweep.js';
import { SWEEP_SCHEMA_VERSION, type SweepResult } from '../../src/sweep/sweep-result.js';
import { syntheticRun } from '../compare/synthetic-run.js';

/** What one architecture measured at one point, in the figures a sweep reads. */
export interface PointSpec {
  p50: number;
  p99?: number;
  /** Replica + store CPU per request, µs (split evenly between one replica and the store). */
  cpuUs?: number;
  bytes?: number;
  /** Failed requests of 1000, all 413. */
  failed413?: number;
  memory?: Partial<SessionMemory>;
}

/**
 * A sweep result whose points hold exactly the given figures: `yaml` is the scenario (with its
 * `sweep:`), `figures(label, architecture)` what each architecture measured at each point.
 */
export function syntheticSweep(yaml: string, figures: (pointIndex: number, architecture: string) => PointSpec | undefined): SweepResult {
  const scenario = parseScenario(yaml, 'synthetic.yaml');
  const sweep = scenario.sweep!;
  const points = sweep.points.map((p, i) => {
    const pointScenario = applySweepPoint(scenario, p);
    const architectures: ArchitectureResult[] = [];
    for (const architecture of scenario.architectures) {
      const spec = figures(i, architecture);
      if (spec === undefined) continue;
      const r = syntheticRun({ architecture, seconds: Array.from({ length: 5 }, () => ({ p50: spec.p50, completed: 200 })), p50: spec.p50, p99: spec.p99 ?? spec.p50 * 3 });
      const failed = spec.failed413 ?? 0;
      r.requests = { ...r.requests, ok: 1000 - failed, failed, errors: { ...r.requests.errors, refused: 0, 'http-4xx': failed }, ...(failed > 0 ? { errorStatuses: { '413': failed } } : {}) };
      const cpu = spec.cpuUs ?? 100;
      r.cpu = [
        { component: 'generator', cpuMs: 100, cpuUsPerRequest: 50, cores: 0.1 },
        { component: 'replica-1', cpuMs: 100, cpuUsPerRequest: cpu / 2, cores: 0.1 },
        { component: 'store', cpuMs: 100, cpuUsPerRequest: cpu / 2, cores: 0.1 },
      ];
      r.io = [{ component: 'replica-1', readBytes: (spec.bytes ?? 500) * 500, writtenBytes: (spec.bytes ?? 500) * 500, bytesPerRequest: spec.bytes ?? 500 }];
      if (spec.memory !== undefined) r.memory = { holder: 'store', sessionsHeld: 0, replicas: [], bytesPerSession: null, ...spec.memory };
      architectures.push(r);
    }
    const run: RunResult = {
      schemaVersion: 1,
      tool: { name: 'statebench', version: 'test' },
      complete: true,
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:10.000Z',
      scenario: pointScenario,
      environment: { statebenchVersion: 'test', node: 'v20', platform: 'linux', arch: 'x64', cpuModel: 'test', cpus: 2, totalMemoryBytes: 1 },
      architectures,
      thresholds: [],
      skipped: [],
    };
    return { label: p.label, at: p.at, loadAverage: 1, run };
  });
  return {
    kind: 'sweep',
    schemaVersion: SWEEP_SCHEMA_VERSION,
    tool: { name: 'statebench', version: 'test' },
    complete: true,
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:01:00.000Z',
    scenario: { ...scenario, sweep },
    environment: points[0].run.environment,
    loadAverageBefore: 1,
    estimatedMs: 60_000,
    points,
  };
}

/** Three architectures at four session sizes (8 adds: 0.5, 4, 16 and 64 KiB of session at checkout). */
export const SIZE_SWEEP = `name: size
architectures: [sticky, redis, cookie]
session: {adds: 8}
load: {model: open, rate: 500/s}
sweep:
  session.payload: [64B, 512B, 2KiB, 8KiB]
`;

/** Session state at checkout of each SIZE_SWEEP point, KiB. */
export const SIZE_KIB = [0.5, 4, 16, 64];
