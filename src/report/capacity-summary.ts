import type { ArchitectureCapacity, CapacityPoint, CapacityResult, KneeLimit, Projection } from '../capacity/capacity-result.js';
import { formatCores } from './budget-rows.js';
import { formatDurationMs, formatPercent, formatRate } from './format.js';

/**
 * A capacity result as text pieces, shared by the terminal and the Markdown reports so both
 * say the same: the context (SLO, probes, budgets, load average), one row per architecture and
 * replica count, the evidence at each knee, and each architecture's projection.
 */
export interface CapacitySummary {
  title: string;
  /** What was searched and under which conditions, in parts a renderer may wrap between. */
  context: string[];
  rows: CapacityRow[];
  /** `redis ×4 at 1,900/s: …` per point with a knee. */
  knees: string[];
  projections: { architecture: string; lines: string[] }[];
  /** Skipped architectures, failed points, an interruption. */
  warnings: string[];
}

export interface CapacityRow {
  architecture: string;
  replicas: string;
  sustainable: string;
  efficiency: string;
  probes: string;
  knee: string;
}

/** What ran out, in a few words (the table's last column). */
export const KNEE_WORDS: Record<KneeLimit, string> = {
  'replica-budget': 'replica budgets',
  'replica-thread': 'replica threads',
  'store-budget': 'store budget',
  'store-thread': "store's single thread",
  machine: 'the busy machine',
  generator: 'generator (not a knee)',
  unexplained: 'none at its limit',
};

const rate = (rps: number): string => `${formatRate(Math.round(rps))}/s`;

export function sustainableText(point: CapacityPoint, upToRps: number): string {
  if (point.error !== undefined && point.probes.length === 0) return 'not measured';
  if (point.sustainableRps === null) return point.probes.length === 0 ? 'not measured' : `< ${rate(Math.min(...point.probes.map((p) => p.rateRps)))}`;
  // The search stopped at its ceiling without a failure: a lower bound.
  const bound = point.failedRps === null && point.sustainableRps >= upToRps ? '≥ ' : '';
  const generator = point.knee?.limit === 'generator' ? '≥ ' : '';
  return `${bound || generator}${rate(point.sustainableRps)}`;
}

function kneeText(point: CapacityPoint, upToRps: number): string {
  if (point.knee !== undefined) return KNEE_WORDS[point.knee.limit];
  if (point.failedRps === null && point.sustainableRps !== null) return `none up to ${rate(upToRps)}`;
  return point.error ?? '–';
}

/** The budgets in words: `replicas 0.20 core each, store 0.50 core`. */
export function budgetWords(result: CapacityResult): string {
  const h = result.scenario.hosts;
  if (h === undefined) return `no CPU budgets: every process shares the machine's ${result.environment.cpus} cores`;
  const parts = [
    h.replicaCpuCores === undefined ? 'replicas unbudgeted' : `each replica ${formatCores(h.replicaCpuCores)} core`,
    h.storeCpuCores === undefined ? 'store unbudgeted' : `each store process ${formatCores(h.storeCpuCores)} core`,
  ];
  return `budgets: ${parts.join(', ')} (a cgroup quota each)`;
}

/** `load average 8.9 before, 7.5–10.2 during the probes, on 2 cores`. */
export function loadAverageWords(result: CapacityResult): string {
  const during = result.architectures.flatMap((a) => a.points.flatMap((p) => p.probes.map((x) => x.loadAverage)));
  const range = during.length === 0 ? '' : `, ${Math.min(...during).toFixed(1)}–${Math.max(...during).toFixed(1)} during the probes`;
  return `load average ${result.loadAverageBefore.toFixed(1)} before${range}, on ${result.environment.cpus} cores`;
}

export function buildCapacitySummary(result: CapacityResult): CapacitySummary {
  const s = result.search;
  const context = [
    `SLO ${s.slo.map((c) => `${c.metric} ${c.expression}`).join(', ')}`,
    `each probe ${formatDurationMs(s.probeMs)} after ${formatDurationMs(s.probeWarmupMs)} warm-up, bisected to ${formatPercent(s.precision, 0)}`,
    budgetWords(result),
    loadAverageWords(result),
  ];
  const rows: CapacityRow[] = [];
  const knees: string[] = [];
  for (const a of result.architectures) {
    for (const p of a.points) {
      rows.push({
        architecture: a.architecture,
        replicas: String(p.replicas),
        sustainable: sustainableText(p, s.maxRps),
        efficiency: p.efficiency === null ? '–' : formatPercent(p.efficiency, 0),
        probes: String(p.probes.length),
        knee: kneeText(p, s.maxRps),
      });
      if (p.knee !== undefined) {
        const failing = p.probes.find((x) => x.rateRps === p.knee!.atRps);
        const why = failing === undefined || failing.failures.length === 0 ? '' : ` (failed: ${failing.failures.join('; ')})`;
        knees.push(`${a.architecture} ×${p.replicas} at ${rate(p.knee.atRps)}: ${KNEE_WORDS[p.knee.limit]}: ${p.knee.detail}${why}`);
      }
    }
  }
  const projections = result.architectures.flatMap((a) => (a.projection === undefined ? [] : [{ architecture: a.architecture, lines: projectionLines(a, a.projection) }]));
  const warnings = [
    ...result.skipped.map((x) => `${x.architecture} skipped: ${x.reason}`),
    ...result.architectures.flatMap((a) => a.points.filter((p) => p.error !== undefined).map((p) => `${a.architecture} ×${p.replicas}: ${p.error}`)),
    ...(result.complete ? [] : [`Incomplete${result.incompleteReason === undefined ? '' : `: ${result.incompleteReason}`}. The figures cover only what was measured.`]),
  ];
  return { title: `statebench capacity · ${result.scenario.name}`, context, rows, knees, projections, warnings };
}

/** The projection of one architecture, labelled as such, with the fit's error on the measured points. */
export function projectionLines(a: ArchitectureCapacity, p: Projection): string[] {
  const u = p.usl;
  const lines = [
    `${a.architecture}: a projection from ${p.fromPoints} measured points${p.lowerBounds > 0 ? ` (${p.lowerBounds} of them lower bounds: the generator fell behind, or the search reached its ceiling, before the system failed; the projection is a lower bound too)` : ''}, not a measurement. ` +
      `USL fit λ ${rate(u.lambdaRps)}, σ ${u.sigma.toFixed(3)}, κ ${u.kappa.toPrecision(2)}; within ${formatPercent(u.maxRelativeError)} of every measured point:`,
    `  measured  ${u.points.map((x) => `${x.replicas} → ${rate(x.measuredRps)} (fit ${rate(x.fittedRps)}, ${signedPercent(x.relativeError)})`).join(' · ')}`,
    `  projected ${p.projected.map((x) => `${x.replicas} → ${rate(x.cappedRps)}${x.cappedRps < x.uslRps ? ' (store-capped)' : ''}`).join(' · ')}`,
  ];
  if (p.storeCeiling !== undefined) {
    const c = p.storeCeiling;
    const cores = c.basis === 'budget' ? `its budget of ${formatCores(c.cores)} core` : 'its one thread (1 core)';
    const caps = p.storeCapsAtReplicas === undefined ? 'the fitted curve never reaches it' : `the store caps the system at ${p.storeCapsAtReplicas} replicas`;
    lines.push(`  store ceiling ${rate(c.rps)} = ${cores} ÷ ${Math.round(c.cpuUsPerRequest)} µs of store CPU per request: ${caps}`);
  }
  if (p.peak !== undefined && p.peak.replicas <= 1024) lines.push(`  the fitted curve peaks at ${p.peak.replicas.toFixed(0)} replicas (${rate(p.peak.rps)}): beyond, more replicas lower the rate`);
  return lines;
}

function signedPercent(ratio: number): string {
  const text = formatPercent(Math.abs(ratio));
  return `${ratio < 0 ? '−' : '+'}${text}`;
}
