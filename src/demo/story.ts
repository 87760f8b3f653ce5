import type { FaultSpec, Scenario } from '../scenario/types.js';
import { formatDurationMs } from '../report/format.js';

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
    acts.push({ number: 1, title: `steady state: ${scenario.replicas} replicas share the users`, startMs: 0, endMs: firstFaultMs, faults: [] });
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

export type Tense = 'future' | 'present' | 'past';

/**
 * A fault in words people say out loud: `replica-2 will be killed`, `replica-2 is killed`,
 * `replica-2 was killed`. Kinds this file does not know yet read as their scenario label.
 */
export function describeFault(fault: FaultSpec, tense: Tense): string {
  const who = fault.target === undefined || fault.target === 'random' ? 'a random replica' : fault.target;
  const verb = (participle: string): string => `${tense === 'future' ? 'will be' : tense === 'present' ? 'is' : 'was'} ${participle}`;
  const forText = fault.forMs === undefined ? '' : ` for ${formatDurationMs(fault.forMs)}`;
  switch (fault.kind) {
    case 'kill':
      return `${who} ${verb('killed')}`;
    case 'restart':
      return `${who} ${verb('restarted')}`;
    case 'pause':
      return `${who} ${verb('frozen')}${forText}`;
    case 'resume':
      return `${who} ${verb('resumed')}`;
    case 'deploy':
      return `every replica ${verb('redeployed')} in turn`;
    case 'scale': {
      const amount = fault.amount ?? 0;
      const n = Math.abs(amount);
      const be = n === 1 ? { future: 'will be', present: 'is', past: 'was' } : { future: 'will be', present: 'are', past: 'were' };
      return `${n} ${n === 1 ? 'replica' : 'replicas'} ${be[tense]} ${amount > 0 ? 'added' : 'removed'}`;
    }
    case 'store-kill':
      return `the store ${verb('killed')}`;
    case 'store-restart':
      return `the store ${verb('restarted')}`;
    case 'store-pause':
      return `the store ${verb('frozen')}${forText}`;
    case 'store-resume':
      return `the store ${verb('resumed')}`;
    case 'store-latency':
      return `the store ${verb(`slowed down by ${fault.amount ?? 0} ms`)}`;
    default: {
      const label = fault.target ? `${fault.kind} ${fault.target}` : fault.kind;
      return tense === 'future' ? `${label} will happen` : tense === 'present' ? label : `${label} happened`;
    }
  }
}

/** Short marker text for the fault timeline: `kill r2`, `pause r1`. */
export function faultMarker(fault: FaultSpec): string {
  const target = fault.target?.replace(/^replica-/, 'r');
  return target ? `${fault.kind} ${target}` : fault.kind;
}
