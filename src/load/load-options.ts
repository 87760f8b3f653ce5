import type { Router, Topology } from '../topology/types.js';
import type { ClosedModelStats } from './closed-model.js';
import type { LoadRecorder } from './load-recorder.js';
import type { LoadSpec, SessionMix } from './load-spec.js';
import type { OpenModelStats } from './open-model.js';
import type { HttpClientKind } from './replica-clients.js';
import type { VirtualUser } from './virtual-user.js';

/** What `runLoad` drives: the router, the load and session mix, the warm-up and measured window, the recorder, an abort signal. */
export interface RunLoadOptions {
  router: Router;
  recorder: LoadRecorder;
  load: LoadSpec;
  mix: SessionMix;
  warmupMs: number;
  durationMs: number;
  /** Ends the window early (Ctrl-C, a failed store); what was measured is kept. */
  signal?: AbortSignal;
  /** Called before any load with the window's bounds (performance.now() ms), e.g. to start a recorder. */
  onWindowPlanned?: (startMs: number, endMs: number) => void;
  /** Called when the measured window starts (performance.now() ms), e.g. to start the fault timeline. */
  onWindowStart?: (startMs: number) => void;
  /** Called when the window closes, before the grace period. */
  onWindowEnd?: (endMs: number) => void;
  /**
   * Receives the virtual users once, before any load, to be read, never changed: e.g. a test
   * counting the sessions pinned to a replica (`token` set, `pinned`) just before killing it.
   * Costs nothing per request.
   */
  onUsers?: (users: readonly VirtualUser[]) => void;
  /**
   * The HTTP client: `builtin` (default), statebench's own keep-alive HTTP/1.1 connection, or
   * `undici` (for comparison). Both classify failures the same way.
   */
  httpClient?: HttpClientKind;
  /**
   * Engines to run, each in a worker thread on its own event loop (default 1: in this thread).
   * Users, sessions and the arrival rate are split between them, and every call they make to
   * the recorder is replayed into `recorder` in time order, so histograms and counts are exactly
   * those of one engine. Needs `topology` (each worker routes by its own copy of the replica
   * list); `onUsers` is not called. Worth it only with cores to spare: on 2 cores, the servers
   * need the other one.
   */
  workers?: number;
  /** The topology behind `router`; required when `workers` > 1. */
  topology?: Topology;
  /**
   * When this load is one part of a larger one (`run --shard i/n`): the number of its first
   * virtual user (parts number users disjointly), and how far its arrivals are shifted, ms, so
   * that the parts' arrivals interleave instead of coinciding. Default 0 for both.
   */
  firstUserId?: number;
  phaseMs?: number;
}

/** Where and when this engine runs, when it is one of several (see load-workers.ts). */
export interface EngineShard {
  /** The run's start (performance.now() ms), shared by every worker; default: now. */
  startMs?: number;
  /** Shift of this engine's arrivals, ms, so that the workers' arrivals interleave. */
  phaseMs?: number;
  /** This engine's first user among the workers' (added to RunLoadOptions.firstUserId). */
  firstUserId?: number;
}

/** When the measured window ran, whether it was cut short, what was left in flight, and each load model's own figures. */
export interface LoadStats {
  windowStartMs: number;
  windowEndMs: number;
  /** Length of the window actually run (shorter than asked when aborted). */
  measuredMs: number;
  aborted: boolean;
  /**
   * Counted requests not completed when the grace period ended: still in flight, or (open
   * model) due in the window but still waiting in the backlog for a free session.
   */
  unfinished: number;
  open?: OpenModelStats;
  closed?: ClosedModelStats;
  /**
   * Sessions the virtual users held when the load ended (logged in, not yet logged out or lost):
   * what the replicas or the store should be holding then, for memory per session.
   */
  sessionsHeld?: number;
  /**
   * HTTP statuses of the window's failed answers (`http-4xx`, `http-5xx`), by code: a `413` (a
   * session too large for a cookie) told apart from any other 4xx. Absent when there were none.
   */
  errorStatuses?: Record<string, number>;
}
