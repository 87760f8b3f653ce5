import type { CommandRecord } from '../topology/command-log.js';

/** What one fault did during a run, as result files store it (the fault timeline records these). */
export interface FaultEvent {
  /** Relative to the start of the measured window. */
  atMs: number;
  kind: string;
  target?: string;
  /** How long the operation took to take effect. */
  tookMs: number;
  ok: boolean;
  error?: string;
  detail?: string;
  /** Replica names once the fault took effect (after a `scale`, the new set). */
  replicasAfter?: string[];
  /** Set when the run undid what the fault left broken (FaultTimeline.heal): whether that worked. */
  healed?: boolean;
  /**
   * The commands an external topology ran for it (`topology.external`), in order: each with its
   * exit code, time and output. Absent when none ran.
   */
  commands?: CommandRecord[];
}

/**
 * Why a session the client held was lost (answered 401), as the report breaks lost sessions
 * down: the replica holding it in memory died (sticky), the store restarted empty, a failover
 * promoted a replica that had not received it, it expired (its time to live ran out while the
 * user paused), the store evicted it (memory pressure), or none of these fits.
 */
export type SessionLossCause = 'replica-died' | 'store-restarted' | 'failover' | 'expired' | 'evicted' | 'unexplained';
export const SESSION_LOSS_CAUSES: readonly SessionLossCause[] = ['replica-died', 'store-restarted', 'failover', 'expired', 'evicted', 'unexplained'];
