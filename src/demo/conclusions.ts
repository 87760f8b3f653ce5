import type { ArchitectureResult, FaultEvent, RunResult } from '../result/types.js';
import { formatCount, formatDurationMs, formatLatencyUs, formatPercent, formatRate, plural } from '../report/format.js';
import { describeFault } from '../faults/index.js';
import type { FaultSpec } from '../scenario/types.js';

/** Differences smaller than this share of the baseline read as "about the same": below run-to-run noise. */
const SAME_WITHIN = 0.05;

/**
 * Three plain sentences closing a demo, every word chosen by the numbers: what the faults did
 * to users (who was logged out), what keeping state outside cost (store round trip, p99), and
 * what that bought. The first architecture is the baseline (sticky in the usual lineup).
 */
export function concludeDemo(result: RunResult): [string, string, string] {
  const [a, b] = result.architectures;
  if (!a) return ['Nothing was measured: the demo stopped before the load started.', 'There is no cost to report.', 'Run it again to see the comparison.'];
  const opening = `${result.complete ? '' : 'Before the demo was cut short, '}${faultsClause(a.faults, result.scenario.faults)}`;
  if (!b) {
    return [
      capitalize(`${opening}${a.architecture} ${loggedOut(a, result.scenario.faults)}.`),
      capitalize(`${storeClause(a)}; its p99 was ${formatLatencyUs(a.latencyUs.p99)}.`),
      `With only ${a.architecture} on stage there is nothing to compare it with.`,
    ];
  }
  return [capitalize(lossSentence(opening, a, b, result.scenario.faults)), capitalize(costSentence(a, b)), capitalize(verdictSentence(a, b))];
}

function faultsClause(faults: FaultEvent[], specs: readonly FaultSpec[]): string {
  const done = faults.filter((f) => f.ok);
  if (done.length === 0) return 'no fault struck, and ';
  if (done.length > 1) return `over the ${done.length} faults of the story, `;
  const f = done[0];
  return `when ${describeEvent(f.kind, f.atMs, specs)} at ${formatDurationMs(f.atMs)}, `;
}

function lossSentence(opening: string, a: ArchitectureResult, b: ArchitectureResult, specs: readonly FaultSpec[]): string {
  const la = a.sessions.lost;
  const lb = b.sessions.lost;
  // After `…, losing 12 cart items` a plain `and` would run the two architectures together.
  const and = a.updatesLost > 0 ? ', and' : ' and';
  if (la === 0 && lb === 0) {
    const items = [a, b].filter((r) => r.updatesLost > 0).map((r) => `${r.architecture} lost ${plural(r.updatesLost, 'cart item')}`);
    return `${opening}neither ${a.architecture} nor ${b.architecture} logged anyone out${items.length > 0 ? `, but ${items.join(' and ')}` : ''}.`;
  }
  if (la > 0 && lb === 0) return `${opening}${a.architecture} ${loggedOut(a, specs)}${and} ${b.architecture} ${loggedOut(b, specs)}.`;
  if (la === 0) return `${opening}${a.architecture} ${loggedOut(a, specs)}, but ${b.architecture} ${loggedOut(b, specs)}.`;
  return `${opening}${a.architecture} ${loggedOut(a, specs)}${and} ${b.architecture} ${loggedOut(b, specs)} as well.`;
}

/**
 * `logged out 47 users (4.2% of its sessions)`, with the faults that cost them when there were
 * several; or `logged out no one`. Acknowledged cart items that vanished are said too: a cart
 * missing what the shop confirmed is a loss users see even when they stay logged in.
 */
function loggedOut(r: ArchitectureResult, specs: readonly FaultSpec[]): string {
  const items = r.updatesLost > 0 ? `, losing ${plural(r.updatesLost, 'cart item')}` : '';
  return `${sessionsOut(r, specs)}${items}`;
}

function sessionsOut(r: ArchitectureResult, specs: readonly FaultSpec[]): string {
  const lost = r.sessions.lost;
  if (lost === 0) return 'logged out no one';
  const parts: string[] = [];
  if (r.sessions.started > 0) parts.push(`${formatPercent(lost / r.sessions.started)} of its sessions`);
  if (r.faultWindows.length > 1) {
    const by = r.faultWindows
      .filter((w) => w.sessionsLost > 0)
      .map((w) => `${formatCount(w.sessionsLost)} when ${describeEvent(w.kind, w.startMs, specs)}`);
    if (by.length > 0) parts.push(by.join(', '));
  }
  return `logged out ${formatCount(lost)} ${lost === 1 ? 'user' : 'users'}${parts.length > 0 ? ` (${parts.join('; ')})` : ''}`;
}

/** Median store time per request, µs; 0 for an architecture without a store. */
function storeUs(r: ArchitectureResult): number {
  return r.store.roundTripUs?.p50 ?? 0;
}

function storeClause(r: ArchitectureResult): string {
  const us = storeUs(r);
  if (us < 1) return `no time went to a store round trip in ${r.architecture}`;
  const share = r.store.shareOfLatency === null ? '' : `, ${formatPercent(r.store.shareOfLatency, 0)} of the time its servers took`;
  return `keeping sessions in ${r.architecture} added ${formatLatencyUs(us)} to every request (median store round trip${share})`;
}

function costSentence(a: ArchitectureResult, b: ArchitectureResult): string {
  const pa = a.latencyUs.p99;
  const pb = b.latencyUs.p99;
  const compare = relation(pb, pa);
  const p99 =
    compare === 'same'
      ? `p99 was about the same (${formatLatencyUs(pb)} against ${formatLatencyUs(pa)} for ${a.architecture})`
      : `p99 was ${compare === 'more' ? 'higher' : 'lower'}: ${formatLatencyUs(pb)} against ${formatLatencyUs(pa)} for ${a.architecture}`;
  const storeA = storeUs(a) >= 1 ? ` (${a.architecture}'s own store took ${formatLatencyUs(storeUs(a))})` : '';
  return `${storeClause(b)}${storeA}, and ${p99}.`;
}

function verdictSentence(a: ArchitectureResult, b: ArchitectureResult): string {
  const saved = a.sessions.lost - b.sessions.lost;
  const price = storeUs(b) >= 1 ? `${formatLatencyUs(storeUs(b))} per request` : 'no store time';
  const tput = relation(b.throughputRps, a.throughputRps);
  const throughput =
    tput === 'same'
      ? `about the same throughput (${formatRate(b.throughputRps)} against ${formatRate(a.throughputRps)} req/s)`
      : `${tput === 'less' ? 'less' : 'more'} throughput (${formatRate(b.throughputRps)} against ${formatRate(a.throughputRps)} req/s)`;
  if (saved > 0) {
    const notAll = b.sessions.lost > 0 ? `, though ${formatCount(b.sessions.lost)} of its own were still lost` : '';
    return `so ${b.architecture} kept ${formatCount(saved)} more ${saved === 1 ? 'user' : 'users'} logged in for ${price}, with ${throughput}${notAll}.`;
  }
  if (saved === 0) {
    const either = a.sessions.lost === 0 ? 'no session either' : `as many sessions (${formatCount(a.sessions.lost)})`;
    if (storeUs(b) < 1) return `since ${a.architecture} lost ${either}, ${b.architecture} changed nothing for users in this run, with ${throughput}.`;
    return `since ${a.architecture} lost ${either}, the ${price} ${b.architecture} paid bought nothing in this run, with ${throughput}.`;
  }
  return `so ${b.architecture} paid ${price} and still lost ${formatCount(-saved)} more ${-saved === 1 ? 'session' : 'sessions'} than ${a.architecture}, with ${throughput}${storeUs(b) >= 1 ? ': here its store failed users' : ''}.`;
}

/** How `value` compares with `baseline`, with differences under {@link SAME_WITHIN} read as the same. */
function relation(value: number, baseline: number): 'more' | 'less' | 'same' {
  if (baseline === 0) return value === 0 ? 'same' : 'more';
  const change = (value - baseline) / Math.abs(baseline);
  if (Math.abs(change) < SAME_WITHIN) return 'same';
  return change > 0 ? 'more' : 'less';
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * A fault that happened, in words: from the timeline entry it came from (the nearest of its kind
 * in time: an event's time is when it fired), so every detail the spec has is told.
 */
function describeEvent(kind: string, atMs: number, specs: readonly FaultSpec[]): string {
  let best: FaultSpec | undefined;
  for (const spec of specs) {
    if (spec.kind === kind && (best === undefined || Math.abs(spec.atMs - atMs) < Math.abs(best.atMs - atMs))) best = spec;
  }
  return describeFault(best ?? { kind }, 'past');
}
