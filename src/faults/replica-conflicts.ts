import type { ReplicaState } from '../topology/types.js';
import { formatDuration } from '../syntax/units.js';
import type { FaultProblem } from './check-faults.js';
import type { FaultSpecBase } from './fault.js';
import { FAULTS } from './index.js';

/** What the check knows of one replica: its state, since when, and which entry put it there. */
interface Known {
  state: ReplicaState;
  sinceMs: number;
  /** Index in the file's fault list; undefined for the state replicas start in. */
  by?: number;
  /** A timed pause ends then: a fault on this replica before it would race the automatic resume. */
  busyUntilMs?: number;
}

/**
 * Faults on one named replica that contradict each other, found by playing the timeline over
 * the replica states each fault declares (Fault.replicaChange), before anything starts: a second
 * kill of a replica already killed, a resume of one not paused, a fault inside a timed pause of
 * the same replica (whose automatic resume would then act on something else). Without this the
 * second kill of a dead replica was recorded as a kill that happened.
 *
 * Only what is certain is refused: after a fault on `random`, a `deploy` or a `scale`, replica
 * states are unknown to the check and nothing is refused until a named fault sets them again.
 * `faults` in file order (the paths index into the file's list).
 */
export function checkReplicaConflicts(faults: readonly FaultSpecBase[], replicas: number): FaultProblem[] {
  const problems: FaultProblem[] = [];
  const known = new Map<string, Known>();
  for (let i = 1; i <= replicas; i++) known.set(`replica-${i}`, { state: 'up', sinceMs: 0 });
  const order = faults.map((spec, index) => ({ spec, index })).sort((a, b) => a.spec.atMs - b.spec.atMs || a.index - b.index);

  for (const { spec, index } of order) {
    const fault = FAULTS.get(spec.kind);
    if (fault === undefined) continue;
    // Timed pauses over by now have resumed their replica.
    for (const [name, entry] of known) {
      if (entry.busyUntilMs !== undefined && entry.busyUntilMs <= spec.atMs) known.set(name, { state: 'up', sinceMs: entry.busyUntilMs, by: entry.by });
    }
    // Store faults leave replicas as they are.
    if (fault.replicaChange === undefined && fault.replicaDelta === undefined) continue;
    const target = (spec as { target?: unknown }).target;
    if (fault.replicaChange === undefined || typeof target !== 'string' || target === 'random') {
      // A change the check cannot follow (which replica, or all of them in turn): states unknown from here.
      known.clear();
      continue;
    }
    const change = fault.replicaChange(spec as never);
    const entry = known.get(target);
    if (entry === undefined) continue;
    const at = formatDuration(spec.atMs);
    const path = ['faults', index, spec.kind];
    if (entry.busyUntilMs !== undefined && entry.by !== undefined) {
      problems.push({
        path,
        message: `${target} is still paused by faults[${entry.by}] at ${at} (it resumes by itself at ${formatDuration(entry.busyUntilMs)}): act on it after the pause, or pause it without \`for\` and \`resume\` it yourself`,
      });
      continue;
    }
    if (!change.needs.includes(entry.state)) {
      const why = entry.by === undefined ? '' : ` by faults[${entry.by}] at ${formatDuration(entry.sinceMs)}`;
      const fix = entry.state === 'killed' ? ': add a `restart` before it' : entry.state === 'paused' ? ': add a `resume` before it' : '';
      problems.push({ path, message: `${target} is ${entry.state === 'up' ? 'up, not paused' : `already ${entry.state}`} at ${at}${why}${fix}` });
      continue;
    }
    known.set(target, {
      state: change.leaves,
      sinceMs: spec.atMs,
      by: index,
      ...(change.upAgainAfterMs === undefined ? {} : { busyUntilMs: spec.atMs + change.upAgainAfterMs }),
    });
  }
  return problems;
}
