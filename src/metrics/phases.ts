import type { FaultEvent, Phase, TimelineSecond } from '../result/types.js';

/**
 * The measured window cut at every fault into steady states, each summarized from the
 * per-second timeline: what the system settles to *after* a change, where a fault window says
 * what users felt *during* it. That is the right lens for changes meant to last: after
 * `scale: +2`, how load spreads over the replicas; after `store-latency: 2ms`, what every
 * request now costs.
 *
 * - A phase runs from one fault's second to the next fault's second (faults in one second
 *   share a phase). The second a fault fires in mixes before and after, so it is left out.
 * - `p50Us`, `p99Us`, `storeP50Us` are medians of the per-second figures over seconds that had
 *   completions (the timeline keeps no per-second histograms); under an even load each second
 *   weighs the same, so the median of p50s is close to the phase's p50.
 * - `replicaShare`: each replica's fraction of the phase's completed requests, listing every
 *   replica the last fault event saw (`replicasAfter`), so one that got nothing shows 0.
 *
 * Pure: reads its arguments only. Phases with no whole second are dropped.
 */
export function computePhases(timeline: readonly TimelineSecond[], faults: readonly FaultEvent[], measuredMs: number): Phase[] {
  const windowSeconds = Math.ceil(measuredMs / 1000);
  const bySecond: (TimelineSecond | undefined)[] = [];
  for (const s of timeline) if (s.second < windowSeconds) bySecond[s.second] = s;

  const cuts = new Map<number, { labels: string[]; replicas?: string[] }>();
  for (const f of [...faults].sort((a, b) => a.atMs - b.atMs)) {
    const second = Math.floor(Math.max(0, f.atMs) / 1000);
    if (second >= windowSeconds) continue;
    const cut = cuts.get(second) ?? { labels: [] };
    cut.labels.push(f.target ? `${f.kind} ${f.target}` : f.kind);
    if (f.replicasAfter !== undefined) cut.replicas = f.replicasAfter;
    cuts.set(second, cut);
  }
  const starts = [...cuts.keys()].sort((a, b) => a - b);
  const bounds: { first: number; end: number; after: string[]; replicas?: string[] }[] = [];
  let previous = 0;
  let current: { labels: string[]; replicas?: string[] } = { labels: [] };
  for (const cut of starts) {
    bounds.push({ first: previous, end: cut, after: current.labels, replicas: current.replicas });
    previous = cut + 1;
    current = { labels: cuts.get(cut)!.labels, replicas: cuts.get(cut)!.replicas ?? current.replicas };
  }
  bounds.push({ first: previous, end: windowSeconds, after: current.labels, replicas: current.replicas });

  const phases: Phase[] = [];
  for (const { first, end, after: labels, replicas } of bounds) {
    if (end <= first) continue;
    const p50s: number[] = [];
    const p99s: number[] = [];
    const storeP50s: number[] = [];
    // Replicas known to exist count even with no request: a share of 0 is the finding.
    const perReplica: Record<string, number> = Object.fromEntries((replicas ?? []).map((name) => [name, 0]));
    let completed = 0;
    let errors = 0;
    for (let s = first; s < end; s++) {
      const sec = bySecond[s];
      if (sec === undefined) continue;
      completed += sec.completed;
      errors += sec.completed - sec.ok;
      if (sec.completed > 0) {
        p50s.push(sec.p50Us);
        p99s.push(sec.p99Us);
        storeP50s.push(sec.storeP50Us);
      }
      for (const [name, n] of Object.entries(sec.byReplica)) perReplica[name] = (perReplica[name] ?? 0) + n;
    }
    const replicaShare: Record<string, number> = {};
    const served = Object.values(perReplica).reduce((a, b) => a + b, 0);
    for (const name of Object.keys(perReplica).sort(byReplicaName)) replicaShare[name] = served > 0 ? perReplica[name] / served : 0;
    phases.push({
      after: labels,
      startMs: first * 1000,
      endMs: Math.min(end * 1000, measuredMs),
      throughputRps: completed / (end - first),
      errors,
      p50Us: median(p50s),
      p99Us: median(p99s),
      storeP50Us: median(storeP50s),
      replicaShare,
    });
  }
  return phases;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : Math.round((sorted[mid - 1] + sorted[mid]) / 2);
}

/** `replica-2` before `replica-10`. */
function byReplicaName(a: string, b: string): number {
  const na = Number(a.slice(a.lastIndexOf('-') + 1));
  const nb = Number(b.slice(b.lastIndexOf('-') + 1));
  return Number.isFinite(na) && Number.isFinite(nb) && na !== nb ? na - nb : a.localeCompare(b);
}
