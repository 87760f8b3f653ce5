import { loadavg } from 'node:os';
import { ARCHITECTURES } from '../architectures/index.js';
import type { RunResult } from '../result/types.js';
import { describeEnvironment, statebenchVersion } from '../run/environment.js';
import { prepareScenario, runScenario, type RunListener } from '../run/run-scenario.js';
import { applySweepPoint, runLengthMs } from '../scenario/sweep.js';
import type { Scenario } from '../scenario/types.js';
import { sweepGrowth } from './growth.js';
import { SWEEP_SCHEMA_VERSION, type SweepPoint, type SweepResult } from './sweep-result.js';

/**
 * What starting a topology and stopping it take, per architecture run, ms, for the estimate: a
 * store server and a few replicas start in about a second here, PostgreSQL's initdb in a few.
 * The estimate is refined from the points measured as the sweep goes.
 */
export const TOPOLOGY_ESTIMATE_MS = 3000;

/** What a sweep tells as it goes; the CLI turns these into progress lines. */
export interface SweepListener extends RunListener {
  /** Before anything starts: how many points and runs, and how long it should take. */
  sweepStart?(plan: { points: number; runs: number; estimatedMs: number }): void;
  /** Point `index` (0-based) of `total` starts; `remainingMs`: the estimate of what is left, this point included. */
  pointStart?(index: number, total: number, label: string, remainingMs: number): void;
  pointDone?(index: number, point: SweepPoint): void;
}

/** How {@link runSweep} runs: the scenario file for messages, a Redis to use, repeats, a signal to stop it, and who listens. */
export interface SweepOptions {
  scenarioFile?: string;
  redisUrl?: string;
  /** Runs each architecture at each point this many times. */
  repeat?: number;
  /** Aborting ends the current point's window and skips the rest; the result is marked incomplete. */
  signal?: AbortSignal;
  listener?: SweepListener;
  /** Receives the result as soon as it exists and after every point, so it can be saved as it fills. */
  onResult?: (partial: SweepResult) => void;
}

/** Architecture runs one point makes: one at a time, or all at once when they share the machine. */
function runsPerPoint(scenario: Scenario, repeat: number): number {
  const units = scenario.architectures.length * (scenario.balancers?.length ?? 1);
  return (scenario.pairing === 'concurrent' && units >= 2 ? 1 : units) * repeat;
}

/** How long one point should take, ms: its runs, each with a topology to start. */
export function estimatePointMs(scenario: Scenario, repeat = 1): number {
  return runsPerPoint(scenario, repeat) * (runLengthMs(scenario) + TOPOLOGY_ESTIMATE_MS);
}

/**
 * Runs every architecture at every point of the scenario's sweep, each point a run of the one
 * runner (`runScenario` on the point's scenario: fresh topologies, the scenario's pairing), and
 * keeps each point's full result. Every point is checked before anything starts. Never throws
 * for what happens during the sweep; throws setup errors (a point a fault cannot apply to,
 * budgets without cgroups) before anything starts.
 */
export async function runSweep(input: Scenario, opts: SweepOptions = {}): Promise<SweepResult> {
  const spec = input.sweep;
  if (spec === undefined) throw new Error('runSweep: the scenario has no `sweep:`');
  const repeat = Math.max(1, opts.repeat ?? 1);
  const scenarios = spec.points.map((p) => prepareScenario(applySweepPoint(input, p), { redisUrl: opts.redisUrl, scenarioFile: opts.scenarioFile }));
  const estimates = scenarios.map((s) => estimatePointMs(s, repeat));
  const estimatedMs = estimates.reduce((a, b) => a + b, 0);
  const startedAt = new Date().toISOString();
  const result: SweepResult = {
    kind: 'sweep',
    schemaVersion: SWEEP_SCHEMA_VERSION,
    tool: { name: 'statebench', version: statebenchVersion() },
    complete: true,
    startedAt,
    finishedAt: startedAt,
    ...(opts.scenarioFile === undefined ? {} : { scenarioFile: opts.scenarioFile }),
    scenario: { ...input, sweep: spec },
    environment: describeEnvironment([...new Set(input.architectures.flatMap((a) => ARCHITECTURES.get(a)?.store ?? []))]),
    loadAverageBefore: loadavg()[0],
    estimatedMs,
    points: [],
  };
  opts.onResult?.(result);
  opts.listener?.sweepStart?.({ points: scenarios.length, runs: scenarios.reduce((n, s) => n + runsPerPoint(s, repeat), 0), estimatedMs });

  // A notice (an architecture skipped) is the same at every point: said once.
  const said = new Set<string>();
  const listener: RunListener = {
    ...opts.listener,
    notice: (m) => {
      if (!said.has(m)) opts.listener?.notice?.(m);
      said.add(m);
    },
  };
  const began = performance.now();
  for (let i = 0; i < scenarios.length; i++) {
    if (opts.signal?.aborted) break;
    const point = spec.points[i];
    // What is left: the measured pace so far, or the estimate before the first point ends.
    const done = estimates.slice(0, i).reduce((a, b) => a + b, 0);
    const pace = i === 0 || done === 0 ? 1 : (performance.now() - began) / done;
    opts.listener?.pointStart?.(i, scenarios.length, point.label, Math.round(pace * estimates.slice(i).reduce((a, b) => a + b, 0)));
    const run: RunResult = await runScenario(scenarios[i], { scenarioFile: opts.scenarioFile, redisUrl: opts.redisUrl, repeat, signal: opts.signal, listener });
    const swept: SweepPoint = { label: point.label, at: point.at, loadAverage: loadavg()[0], run };
    result.points.push(swept);
    if (!run.complete && run.incompleteReason !== 'interrupted') {
      result.complete = false;
      result.incompleteReason ??= `${point.label}: ${run.incompleteReason ?? 'incomplete'}`;
    }
    opts.listener?.pointDone?.(i, swept);
    opts.onResult?.(result);
  }
  if (opts.signal?.aborted) {
    result.complete = false;
    result.incompleteReason = 'interrupted';
  }
  result.growth = sweepGrowth(result);
  result.finishedAt = new Date().toISOString();
  return result;
}
