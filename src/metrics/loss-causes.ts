import { SESSION_LOSS_CAUSES, type FaultEvent, type SessionLossCause } from '../faults/fault-event.js';
import { FAULTS } from '../faults/index.js';

export { SESSION_LOSS_CAUSES, type SessionLossCause } from '../faults/fault-event.js';

/** What an architecture run knows that decides why its sessions can be lost. */
export interface SessionLossContext {
  /** Where sessions live: a replica's memory (sticky), the store, or the client (a cookie). */
  home: 'replica' | 'store' | 'client';
  /** Session time to live (ms). */
  sessionTtlMs: number;
  /** The store keeps its data across a restart (`store.persistence`). */
  storePersists: boolean;
  /** The store evicts sessions under memory pressure (`store.maxmemory` with an evicting policy). */
  storeEvicts: boolean;
}

/** What the client knew of a session when it was found gone (performance.now() ms; see LoadRecorder.sessionLost). */
export interface SessionLossFacts {
  nowMs: number;
  loginAckMs: number;
  /** The last request that renewed its time to live (SessionMix.renewal): sent, and answered. */
  renewSentMs: number;
  renewAckMs: number;
  lossSentMs: number;
  home: string | undefined;
}

interface LossyFault {
  firedMs: number;
  /** Updated by the fault timeline as the fault completes (target resolved, `tookMs`, `replicasAfter`). */
  event: FaultEvent;
}

/**
 * Puts each lost session down to one cause, from what the client knew of it and the faults that
 * fired (each fault says what it can lose: `Fault.losesSessions`), in this order:
 * 1. **expired**, surely: the request that found it gone was sent more than the time to live
 *    after the answer to the last request that renewed it (the server renewed it while serving
 *    that request, so before the answer): it had expired, whatever else happened;
 * 2. a fault that loses sessions where this one lived fired after it was created and before the
 *    loss was found: the latest such fault's cause (`replica-died` for its home replica,
 *    `store-restarted` for a store that keeps nothing, `failover`);
 * 3. **expired**, possibly: the answer that found it gone came at least the time to live after
 *    the renewing request was sent, so the time may have run out before the server looked;
 * 4. **evicted**, when the store evicts under memory pressure;
 * 5. **unexplained** otherwise.
 * Pure apart from the faults it is told of; the faults are few, so a linear scan per loss.
 */
export class LossAttributor {
  private readonly faults: LossyFault[] = [];

  constructor(private readonly context: SessionLossContext) {}

  /** A fault fired at `firedMs`; kept when it can lose sessions where they live here. */
  fault(firedMs: number, event: FaultEvent): void {
    if (FAULTS.get(event.kind)?.losesSessions === undefined) return;
    this.faults.push({ firedMs, event });
  }

  cause(facts: SessionLossFacts): SessionLossCause {
    const c = this.context;
    if (facts.lossSentMs - facts.renewAckMs > c.sessionTtlMs) return 'expired';
    for (let i = this.faults.length - 1; i >= 0; i--) {
      const { firedMs, event } = this.faults[i];
      // Done when the timeline has stamped what it left (replicasAfter); a deploy takes seconds.
      const endMs = event.replicasAfter === undefined ? facts.nowMs : firedMs + event.tookMs;
      const sentMs = Number.isNaN(facts.lossSentMs) ? facts.nowMs : facts.lossSentMs;
      if (!(facts.loginAckMs < endMs) || !(sentMs > firedMs)) continue;
      const loss = FAULTS.get(event.kind)?.losesSessions?.(event);
      if (loss === undefined) continue;
      if (loss.cause === 'replica-died') {
        if (c.home !== 'replica') continue;
        if (loss.replicas !== undefined && facts.home !== undefined && !loss.replicas.includes(facts.home)) continue;
        return 'replica-died';
      }
      if (c.home !== 'store') continue;
      if (loss.cause === 'store-restarted' && c.storePersists) continue;
      return loss.cause;
    }
    if (facts.nowMs - facts.renewSentMs >= c.sessionTtlMs) return 'expired';
    if (c.storeEvicts && c.home === 'store') return 'evicted';
    return 'unexplained';
  }
}

/** Counts by cause, every cause present (0 when none). */
export function emptyCauseCounts(): Record<SessionLossCause, number> {
  return Object.fromEntries(SESSION_LOSS_CAUSES.map((c) => [c, 0])) as Record<SessionLossCause, number>;
}
