import type { ArchitectureResult, CpuUsage } from '../result/types.js';
import type { Knee, KneeLimit } from './capacity-result.js';

/** A component at this share of its limit or more has run out (the rest is sampling). */
export const SATURATED_SHARE = 0.9;
/**
 * The generator is one Node thread: at this much of a core it sends late, and the latencies it
 * records are its own. Below a full core on purpose: a busy machine takes some of it away.
 */
export const GENERATOR_FULL_CORES = 0.85;

/** The generator-lateness flag another part of statebench adds to results; read when present. */
interface MaybeQuality {
  measurementQuality?: { disturbed?: boolean };
}

/**
 * Why the load generator fell behind in this probe, or undefined when it kept up: the run's own
 * lateness figures marked it disturbed, or the generator used a full core of its own. Such a
 * probe's failure says nothing about the system under test. `generatorWait` (s per s of waiting
 * for a CPU) makes a third reason, weighed in {@link diagnoseKnee} after the components' limits.
 */
export function generatorBehind(result: ArchitectureResult, generatorWait?: number): string | undefined {
  if ((result as ArchitectureResult & MaybeQuality).measurementQuality?.disturbed === true) {
    return 'the generator fell behind its own schedule (the probe was marked disturbed)';
  }
  const generator = result.cpu.find((c) => c.component === 'generator');
  if (generator !== undefined && generator.cores >= GENERATOR_FULL_CORES) {
    return `the generator used ${generator.cores.toFixed(2)} core, all of its one thread`;
  }
  if (generatorWait !== undefined && generatorWait >= STARVED_WAIT) {
    return `the generator waited ${formatShare(generatorWait)} of the time for a CPU others held`;
  }
  return undefined;
}

export interface KneeContext {
  /** The store serves every request on one thread (Redis): a full core is its limit. */
  storeSingleThreaded: boolean;
  machineCpus: number;
  /** 1-minute load average when the probe ended. */
  loadAverage: number;
  /** Seconds each component waited for a CPU others held, per second of the probe (see run-queue-wait.ts). */
  runQueueWait: Record<string, number>;
  /** Seconds per second each component's budget held it back. */
  throttled?: Record<string, number>;
}

/** Waiting this long for a CPU (s per s) is a machine too busy to serve the rate. */
export const STARVED_WAIT = 0.2;

interface Candidate {
  limit: KneeLimit;
  /** cores / limit cores. */
  share: number;
}

/**
 * What saturated in the probe that first failed the SLO, from its CPU per component: a
 * generator at a full core of its own (or marked late) first: then it is not a knee. Else the
 * replicas at their budgets (or, unbudgeted, at their one Node thread), the store at its budget
 * or at its single thread: the most used limit at 90% or more wins. Else a generator that waited
 * a fifth of the time for a CPU others held (not a knee either), else components that did (the
 * busy machine); otherwise `unexplained`.
 */
export function diagnoseKnee(failing: ArchitectureResult, atRps: number, context: KneeContext): Knee {
  const cpu = failing.cpu;
  const replicas = cpu.filter((c) => c.component.startsWith('replica-'));
  const store = cpu.find((c) => c.component === 'store');
  const candidates: Candidate[] = [];

  if (replicas.length > 0) {
    // Each replica is limited by its budget, and without one by its single JavaScript thread.
    const shares = replicas.map((r) => r.cores / (r.budgetCores ?? 1));
    candidates.push({ limit: replicas.some((r) => r.budgetCores !== undefined) ? 'replica-budget' : 'replica-thread', share: mean(shares)! });
  }
  if (store !== undefined) {
    if (store.budgetCores !== undefined) candidates.push({ limit: 'store-budget', share: store.cores / store.budgetCores });
    if (context.storeSingleThreaded && (store.budgetCores === undefined || store.budgetCores > 1)) {
      candidates.push({ limit: 'store-thread', share: store.cores / 1 });
    }
  }
  candidates.sort((a, b) => b.share - a.share);

  const waits = context.runQueueWait;
  // A generator at a full core (or marked late) measured itself; one that waited for a CPU
  // counts only when no component had run out: a component at its limit is the knee anyway.
  const ownLimit = generatorBehind(failing);
  const waited = generatorBehind(failing, waits.generator);
  const top = candidates[0];
  const saturated = top !== undefined && top.share >= SATURATED_SHARE;
  const replicaWait = mean(replicas.map((r) => waits[r.component]).filter((w): w is number => w !== undefined));
  const storeWait = waits.store;
  const starved = (replicaWait ?? 0) >= STARVED_WAIT || (storeWait ?? 0) >= STARVED_WAIT;
  const behind = ownLimit ?? (saturated ? undefined : waited);
  const limit: KneeLimit = behind !== undefined ? 'generator' : saturated ? top.limit : starved ? 'machine' : 'unexplained';
  const evidence = [
    ...(behind !== undefined ? [`${behind}: not a knee of the system`] : []),
    ...(replicas.length > 0 ? [describeReplicas(replicas)] : []),
    ...(store !== undefined ? [describeComponent('store', store)] : []),
    describeGenerator(cpu),
    `load average ${context.loadAverage.toFixed(1)} on ${context.machineCpus} cores`,
  ];
  const waitWords = [
    ...(replicaWait === undefined ? [] : [`replicas waited ${formatShare(replicaWait)} of the time for a CPU others held${replicas.length > 1 ? ' (mean)' : ''}`]),
    ...(storeWait === undefined ? [] : [`store ${formatShare(storeWait)}`]),
    ...(waits.generator === undefined ? [] : [`generator ${formatShare(waits.generator)}`]),
  ];
  const throttled = context.throttled ?? {};
  const replicaThrottle = mean(replicas.map((r) => throttled[r.component]).filter((w): w is number => w !== undefined));
  const throttleWords = [
    ...(replicaThrottle === undefined ? [] : [`replicas held back by their budgets ${formatShare(replicaThrottle)} of the time${replicas.length > 1 ? ' (mean)' : ''}`]),
    ...(throttled.store === undefined ? [] : [`store ${formatShare(throttled.store)}`]),
  ];
  if (throttleWords.length > 0) evidence.splice(evidence.length - 1, 0, throttleWords.join(', '));
  if (waitWords.length > 0) evidence.splice(evidence.length - 1, 0, waitWords.join(', '));
  if (limit === 'machine') evidence.unshift("no component at its limit, but they waited for a CPU: the machine's other load");
  if (limit === 'unexplained') evidence.unshift('no component at its limit');
  return { limit, detail: evidence.join('; '), atRps, cpu };
}

function mean(values: number[]): number | undefined {
  return values.length === 0 ? undefined : values.reduce((s, x) => s + x, 0) / values.length;
}

function formatShare(share: number): string {
  return `${Math.round(share * 100)}%`;
}

function describeReplicas(replicas: CpuUsage[]): string {
  const mean = replicas.reduce((s, r) => s + r.cores, 0) / replicas.length;
  const budget = replicas[0].budgetCores;
  const each = replicas.length === 1 ? '' : ` each (mean of ${replicas.length})`;
  const perRequest = replicas.reduce((s, r) => s + r.cpuUsPerRequest, 0);
  return `replicas ${mean.toFixed(2)}${budget === undefined ? ' core' : ` of ${budget.toFixed(2)} core`}${each}, ${perRequest} µs/request in all`;
}

function describeComponent(name: string, c: CpuUsage): string {
  return `${name} ${c.cores.toFixed(2)}${c.budgetCores === undefined ? ' core' : ` of ${c.budgetCores.toFixed(2)} core`}, ${c.cpuUsPerRequest} µs/request`;
}

function describeGenerator(cpu: CpuUsage[]): string {
  const g = cpu.find((c) => c.component === 'generator');
  return g === undefined ? 'generator not measured' : `generator ${g.cores.toFixed(2)} core`;
}
