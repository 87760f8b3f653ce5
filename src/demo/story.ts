import type { FaultSpec, Scenario } from '../scenario/types.js';
import { describeFault as describeSpec, type Tense } from '../faults/index.js';
import { plural } from '../syntax/figures.js';

/** Faults this close together are one act: the audience sees them as one event. */
const SAME_ACT_WITHIN_MS = 1000;

/** One act of a demo: a quiet stretch, or the moment a fault strikes and what follows it. */
export interface Act {
  /** 1-based, as shown on screen. */
  number: number;
  /** What happens in it, in the present tense: `replica-2 is killed`. */
  title: string;
  /** Story time from the start of the measured window (a `--pace slow` hold does not count). */
  startMs: number;
  endMs: number;
  /** The faults that open the act (empty for the steady state before the first fault). */
  faults: FaultSpec[];
}

/**
 * A demo's script: a scenario (load, replicas, faults, durations) cut into acts at its faults.
 * Any scenario file can be a story, so a teacher writes a custom one in the format they
 * already know.
 */
export interface Story {
  scenario: Scenario;
  acts: Act[];
}

/** Cuts a scenario into acts: the steady state until the first fault, then one act per fault (or burst of faults). */
export function buildStory(scenario: Scenario): Story {
  const groups: FaultSpec[][] = [];
  for (const fault of scenario.faults) {
    const last = groups.at(-1);
    if (last && fault.atMs - last[0].atMs < SAME_ACT_WITHIN_MS) last.push(fault);
    else groups.push([fault]);
  }
  const acts: Act[] = [];
  const firstFaultMs = groups[0]?.[0].atMs ?? scenario.durationMs;
  if (firstFaultMs > 0) {
    acts.push({ number: 1, title: `steady state: ${plural(scenario.replicas, 'replica')} share${scenario.replicas === 1 ? 's' : ''} the users`, startMs: 0, endMs: firstFaultMs, faults: [] });
  }
  groups.forEach((faults, i) => {
    acts.push({
      number: acts.length + 1,
      title: faults.map((f) => describeFault(f, 'present')).join(', '),
      startMs: faults[0].atMs,
      endMs: groups[i + 1]?.[0].atMs ?? scenario.durationMs,
      faults,
    });
  });
  return { scenario, acts };
}

export type { Tense } from '../faults/index.js';

/** A fault in words people say out loud: `replica-2 will be killed`, `replica-2 is killed`, `replica-2 was killed`. */
export function describeFault(fault: FaultSpec, tense: Tense): string {
  return describeSpec(fault, tense);
}

/** Short marker text for the fault timeline: `kill r2`, `pause r1`. */
export function faultMarker(fault: FaultSpec): string {
  const target = 'target' in fault ? fault.target?.replace(/^replica-/, 'r') : undefined;
  return target ? `${fault.kind} ${target}` : fault.kind;
}
