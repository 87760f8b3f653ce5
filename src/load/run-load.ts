import type { LoadSpec, SessionMix } from '../scenario/types.js';
import type { Router, Topology } from '../topology/types.js';
import { startClosedModel, type ClosedModelStats } from './closed-model.js';
import { Engine } from './engine.js';
import type { LoadRecorder } from './load-recorder.js';
import type { HttpClientKind } from './replica-clients.js';
import { LoopDelay } from './loop-delay.js';
import { startOpenModel, type OpenModelStats } from './open-model.js';
import type { VirtualUser } from './virtual-user.js';

/** How often the recorder's timeline is moved on without a request completing. */
const TICK_MS = 200;

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
}

/** Where and when this engine runs, when it is one of several (see load-workers.ts). */
export interface EngineShard {
  /** The run's start (performance.now() ms), shared by every worker; default: now. */
  startMs?: number;
  /** Shift of this engine's arrivals, ms, so that the workers' arrivals interleave. */
  phaseMs?: number;
}

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
}

/**
 * Drives the replicas behind `router` with virtual users for warm-up plus the measured window,
 * then waits up to the grace period for requests in flight. Records into `recorder`; never
 * prints, never throws for failed requests.
 */
export async function runLoad(opts: RunLoadOptions): Promise<LoadStats> {
  if ((opts.workers ?? 1) > 1) {
    const { runLoadInWorkers } = await import('./load-workers.js');
    return runLoadInWorkers(opts);
  }
  return runLoadHere(opts);
}

/** {@link runLoad} with one engine on this thread's event loop. */
export async function runLoadHere(opts: RunLoadOptions, shard: EngineShard = {}): Promise<LoadStats> {
  const { load } = opts;
  const users = load.model === 'closed' ? load.users : load.sessions;
  const engine = new Engine({
    router: opts.router,
    recorder: opts.recorder,
    mix: opts.mix,
    users,
    parallelPerSession: load.parallelPerSession,
    timeoutMs: load.timeoutMs,
    httpClient: opts.httpClient,
  });
  const startMs = shard.startMs ?? performance.now();
  engine.windowStartMs = startMs + opts.warmupMs;
  engine.windowEndMs = engine.windowStartMs + opts.durationMs;
  opts.onWindowPlanned?.(engine.windowStartMs, engine.windowEndMs);
  opts.onUsers?.(engine.users);

  // While nothing completes (a stalled replica), only this moves the recorder's seconds on.
  // Stopped when the window closes, so the grace period adds no empty second to the timeline.
  const recorder = opts.recorder;
  const tick = recorder.tick?.bind(recorder);
  const ticker =
    tick === undefined
      ? undefined
      : setInterval(() => {
          const nowMs = performance.now();
          if (nowMs < engine.windowEndMs) tick(nowMs);
        }, TICK_MS).unref(); // never what keeps the process alive, should runLoad exit early

  const open = load.model === 'open' ? startOpenModel(engine, load, opts.recorder, startMs, shard.phaseMs ?? 0) : undefined;
  const closed = load.model === 'closed' ? startClosedModel(engine, load, opts.mix, startMs) : undefined;
  const loopDelay = closed === undefined ? undefined : new LoopDelay();

  let aborted = false;
  await new Promise<void>((resolve) => {
    const finish = (): void => {
      clearTimeout(warmupTimer);
      clearTimeout(endTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    const onAbort = (): void => {
      aborted = true;
      // A worker is told when the run was aborted (the signal's reason); otherwise now.
      const reason: unknown = opts.signal?.reason;
      engine.shortenWindow(typeof reason === 'number' ? reason : performance.now());
      finish();
    };
    const warmupTimer = setTimeout(() => {
      loopDelay?.start();
      opts.onWindowStart?.(engine.windowStartMs);
    }, engine.windowStartMs - performance.now());
    const endTimer = setTimeout(finish, engine.windowEndMs - performance.now());
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
  });
  if (!aborted && performance.now() < engine.windowEndMs) {
    // setTimeout may fire a little early; the window is exact.
    await new Promise((r) => setTimeout(r, engine.windowEndMs - performance.now()));
  }
  clearInterval(ticker);
  const windowEndMs = engine.windowEndMs;
  // Due in the window but still waiting for a free session: counted as sent and unfinished.
  const neverSent = open?.stop() ?? 0;
  closed?.stop();
  loopDelay?.stop();
  opts.onWindowEnd?.(windowEndMs);

  const graceEndMs = performance.now() + (aborted ? 0 : load.graceMs);
  while (engine.countedInFlight > 0 && performance.now() < graceEndMs) {
    await new Promise((r) => setTimeout(r, 5));
  }
  const unfinished = engine.countedInFlight + neverSent;
  await engine.destroy();
  return {
    windowStartMs: engine.windowStartMs,
    windowEndMs,
    // The asked duration when the window ran to its end: start + duration - start is not
    // always exactly the duration in floating point (24000.000000000007), and one ulp over a
    // whole second would add an empty second to every per-second figure.
    measuredMs: aborted ? Math.max(0, windowEndMs - engine.windowStartMs) : opts.durationMs,
    aborted,
    unfinished,
    open: open?.stats(),
    closed: closed === undefined ? undefined : { ...closed.stats(), loopDelayUs: loopDelay!.stats() },
  };
}
