import { formatCount, formatLatencyUs } from '../report/format.js';
import type { ErrorKind } from '../load/outcome.js';
import type { ArchitecturePanel, DemoState, Hold } from './demo-state.js';
import { describeFault, type Act } from './story.js';
import { ARCHITECTURES } from '../architectures/index.js';

/** How early a fault is announced, in story time. */
const ANNOUNCE_AHEAD_MS = 5000;
/** How long after a fault its toll is told: long enough for the failover to settle. */
const AFTERMATH_AFTER_MS = 5000;
/** The store's cost is told once this much of the story has been measured. */
const COST_AFTER_MS = 5000;

/**
 * Decides what the demo says, and when: what is about to happen, what just happened, and what
 * it cost, every figure read from the state. Each method returns the new lines (often none).
 */
export class Narrator {
  private readonly announced = new Set<number>();
  private readonly pending: { act: Act; before: ArchitecturePanel[] }[] = [];
  private costTold = false;

  /** Who is on stage and where each keeps its sessions. */
  intro(state: DemoState): string[] {
    const lines: string[] = [];
    if (state.story.scenario.description) lines.push(state.story.scenario.description.replace(/\s+/g, ' ').trim());
    lines.push(...state.architectures.map(whereStateLives));
    lines.push(state.sharing);
    return lines;
  }

  hold(next: Hold): string {
    if (next === 'start') return 'ready: press space to start the load';
    if (next === 'end') return 'the story is over: press space for the summary';
    return `next, act ${next.number}: ${describeFault(next.faults[0], 'future')}${next.faults.length > 1 ? ' (and more)' : ''}: press space to go on`;
  }

  /** An act begins: say so, and remember the counts to tell its toll later. */
  act(act: Act, state: DemoState): string[] {
    const lines = this.flushAftermaths(state, Number.POSITIVE_INFINITY);
    if (act.faults.length === 0) return lines;
    lines.push(`act ${act.number}: ${act.title}`);
    this.pending.push({ act, before: state.panels.map((p) => ({ ...p, errorsByKind: { ...p.errorsByKind } })) });
    return lines;
  }

  /** After each second every architecture has closed: announcements, tolls, the store's cost. */
  tick(state: DemoState): string[] {
    const lines: string[] = [];
    const now = state.storyMs;
    for (const act of state.story.acts) {
      if (act.faults.length === 0 || this.announced.has(act.number)) continue;
      const inMs = act.startMs - now;
      if (inMs > 0 && inMs <= ANNOUNCE_AHEAD_MS + 500) {
        this.announced.add(act.number);
        lines.push(`in ${Math.max(1, Math.round(inMs / 1000))} s ${act.faults.map((f) => describeFault(f, 'future')).join(', ')}`);
      }
    }
    lines.push(...this.flushAftermaths(state, now - AFTERMATH_AFTER_MS));
    if (!this.costTold && now >= COST_AFTER_MS && state.panels.every((p) => p.completedTotal > 0)) {
      this.costTold = true;
      lines.push(costLine(state.panels));
    }
    return lines;
  }

  /** The window closed: tolls not told yet are told now. */
  end(state: DemoState): string[] {
    return [...this.flushAftermaths(state, Number.POSITIVE_INFINITY), 'the load has stopped: stopping the replicas, then the comparison'];
  }

  private flushAftermaths(state: DemoState, startedBeforeMs: number): string[] {
    const lines: string[] = [];
    while (this.pending.length > 0 && this.pending[0].act.startMs <= startedBeforeMs) {
      const { act, before } = this.pending.shift()!;
      const lost = state.panels.map((p, i) => p.sessionsLost - before[i].sessionsLost);
      const items = state.panels.map((p, i) => p.itemsLost - before[i].itemsLost);
      const afterS = Math.round((state.storyMs - act.startMs) / 1000);
      lines.push(`${afterS} s after ${act.faults.map((f) => describeFault(f, 'past')).join(', ')}: ${tollText(state.panels, lost)}`);
      if (items.some((n) => n > 0)) {
        lines.push(`  cart items lost meanwhile: ${state.panels.map((p, i) => `${p.architecture} ${formatCount(items[i])}`).join(', ')}`);
      }
      const failed = state.panels.map((p, i) => failedSince(p, before[i]));
      if (failed.some((f) => f !== undefined)) {
        lines.push(`  failed requests meanwhile: ${state.panels.map((p, i) => `${p.architecture} ${failed[i] ?? '0'}`).join(', ')}`);
      }
    }
    return lines;
  }
}

/** `14 (session-lost 12, update-lost 2)`: the requests that failed since `before`, every kind named; undefined for none. */
function failedSince(p: ArchitecturePanel, before: ArchitecturePanel): string | undefined {
  const kinds = (Object.entries(p.errorsByKind) as [ErrorKind, number][])
    .map(([kind, n]) => ({ kind, n: n - (before.errorsByKind[kind] ?? 0) }))
    .filter((k) => k.n > 0)
    .sort((a, b) => b.n - a.n);
  if (kinds.length === 0) return undefined;
  const total = kinds.reduce((s, k) => s + k.n, 0);
  return `${formatCount(total)} (${kinds.map((k) => `${k.kind} ${formatCount(k.n)}`).join(', ')})`;
}

/** `sticky: 312 users were logged out; redis: 0`: the first architecture in full, the others by number. */
export function tollText(panels: ArchitecturePanel[], lost: number[]): string {
  return panels
    .map((p, i) => {
      if (i > 0) return `${p.architecture}: ${formatCount(lost[i])}`;
      return `${p.architecture}: ${formatCount(lost[i])} ${lost[i] === 1 ? 'user was' : 'users were'} logged out`;
    })
    .join('; ');
}

/** What keeping sessions outside the replicas cost so far, from the store round trips measured. */
export function costLine(panels: ArchitecturePanel[]): string {
  const paid: string[] = [];
  const free: string[] = [];
  for (const p of panels) {
    const storeUs = p.completedTotal > 0 ? p.storeUsWeighted / p.completedTotal : 0;
    if (storeUs >= 1) paid.push(`the store added ${formatLatencyUs(storeUs)} to every ${p.architecture} request (median round trip)`);
    else free.push(`${p.architecture} pays nothing: ${ARCHITECTURES.get(p.architecture)?.store === undefined ? `its sessions live ${ARCHITECTURES.get(p.architecture)?.stateLives ?? 'outside any store'}` : 'no store round trip'}`);
  }
  return `so far ${[...paid, ...free].join('; ')}`;
}

/** One clause on where an architecture keeps its sessions, for the introduction. */
export function whereStateLives(architecture: string): string {
  return ARCHITECTURES.get(architecture)?.introduction ?? `${architecture} keeps sessions outside the replicas`;
}
