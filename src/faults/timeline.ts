import type { FaultEvent } from './fault-event.js';
import type { Topology } from '../topology/types.js';
import type { FaultEffect, FaultSpecBase } from './fault.js';
import { collectCommands, type CommandRecord } from '../topology/command-log.js';
import { FAULTS } from './index.js';

export interface FaultTimeline {
  /** Fault events so far, with times relative to the window start. */
  readonly events: FaultEvent[];
  /** Cancels faults not yet due and waits for running ones to settle. */
  stop(): Promise<void>;
  /**
   * After stop(): undoes, newest first, what applied faults left broken (each fault's `heal`), so
   * a topology that outlives the run is left healthy. Failures are recorded on the event.
   */
  heal(): Promise<void>;
}

/**
 * Fires each fault at its time after `windowStartMs` (performance.now() ms). A fault that fails
 * (e.g. killing a replica that is already down) is recorded as a failed event, not thrown:
 * the run goes on, as the load would in production.
 */
export function startFaultTimeline(
  topology: Topology,
  faults: readonly FaultSpecBase[],
  windowStartMs: number,
  onFault?: (event: FaultEvent, label: string) => void,
): FaultTimeline {
  const events: FaultEvent[] = [];
  const applied: { spec: FaultSpecBase; effect: FaultEffect; event: FaultEvent }[] = [];
  const running = new Set<Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();
  const abort = new AbortController();

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        abort.signal.removeEventListener('abort', done);
        resolve();
      }
      abort.signal.addEventListener('abort', done, { once: true });
    });

  const fire = async (spec: FaultSpecBase): Promise<void> => {
    const fault = FAULTS.get(spec.kind);
    const target = (spec as { target?: string }).target;
    const startedMs = performance.now();
    const event: FaultEvent = { atMs: Math.round(startedMs - windowStartMs), kind: spec.kind, target, tookMs: 0, ok: true };
    // Stamped when it fires, so the timeline shows the fault where users started to feel it.
    onFault?.(event, label(spec.kind, target));
    // Commands an external topology runs for this fault, stamped on its event (failed or not).
    const commands: CommandRecord[] = [];
    try {
      if (!fault) throw new Error(`unknown fault kind ${spec.kind}`);
      if (fault.storeAction !== undefined && topology.store === undefined) {
        // Sticky or cookie beside architectures that have a store: nothing here to break.
        event.detail = `no store: sessions live ${topology.architecture.stateLives}`;
      } else if (fault.needsBalancer && topology.balancer === undefined) {
        event.detail = 'no balancer: requests go through the in-process router';
      } else {
        const effect = await collectCommands(commands, () => fault.apply({ topology, spec, sleep, signal: abort.signal }));
        event.target = effect.target ?? event.target;
        if (effect.detail) event.detail = effect.detail;
        if (!effect.healed && fault.heal !== undefined) applied.push({ spec, effect, event });
      }
    } catch (err) {
      event.ok = false;
      event.error = (err as Error).message;
    }
    if (commands.length > 0) event.commands = commands;
    // Phases list every replica, including one that got no request at all (a new replica a
    // sticky router never sends anything to).
    event.replicasAfter = topology.replicas.map((r) => r.name);
    event.tookMs = Math.round(performance.now() - startedMs);
    events.push(event);
  };

  // Faults on one named replica run one after the other: a kill fired while a pause of the
  // same replica is still stopping it would race it, and whichever lost would be recorded wrong.
  // Each event is stamped when it really started.
  const lastOnReplica = new Map<string, Promise<void>>();
  const serialised = (spec: FaultSpecBase): Promise<void> => {
    const target = (spec as { target?: unknown }).target;
    if (!FAULTS.get(spec.kind)?.targetsReplica || typeof target !== 'string' || target === 'random') return fire(spec);
    // One still waiting when the window ends is dropped, as a fault not yet due is.
    const p = (lastOnReplica.get(target) ?? Promise.resolve()).then(() => (abort.signal.aborted ? undefined : fire(spec)));
    lastOnReplica.set(target, p);
    return p;
  };

  const schedule = (spec: FaultSpecBase): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      // Timers may fire a fraction of a millisecond early by performance.now(); a fault at
      // 2 s must land in second 2 of the timeline, not at the end of second 1.
      if (performance.now() < windowStartMs + spec.atMs) return schedule(spec);
      const p = serialised(spec).finally(() => running.delete(p));
      running.add(p);
    }, Math.max(0, Math.ceil(windowStartMs + spec.atMs - performance.now())));
    timers.add(t);
  };
  for (const spec of faults) schedule(spec);

  return {
    events,
    async stop() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      abort.abort();
      await Promise.allSettled([...running]);
      events.sort((a, b) => a.atMs - b.atMs);
    },
    async heal() {
      const neverAbort = new AbortController().signal;
      for (const { spec, effect, event } of applied.reverse()) {
        try {
          await FAULTS.get(spec.kind)!.heal!({ topology, spec, sleep: (ms) => new Promise((r) => setTimeout(r, ms)), signal: neverAbort }, effect);
          event.healed = true;
        } catch (err) {
          event.healed = false;
          event.detail = `${event.detail ? `${event.detail}; ` : ''}heal failed: ${(err as Error).message}`;
        }
      }
      applied.length = 0;
    },
  };
}

function label(kind: string, target: string | undefined): string {
  return target ? `${kind} ${target}` : kind;
}
