import type { LoadSpec, SessionMix } from '../scenario/types.js';
import type { Router } from '../topology/types.js';
import { startClosedModel } from './closed-model.js';
import { Engine } from './engine.js';
import type { LoadRecorder } from './load-recorder.js';
import { startOpenModel, type OpenModelStats } from './open-model.js';

export interface RunLoadOptions {
  router: Router;
  recorder: LoadRecorder;
  load: LoadSpec;
  mix: SessionMix;
  warmupMs: number;
  durationMs: number;
  /** Ends the window early (Ctrl-C, a failed store); what was measured is kept. */
  signal?: AbortSignal;
  /** Called when the measured window starts (performance.now() ms), e.g. to start the fault timeline. */
  onWindowStart?: (startMs: number) => void;
  /** Called when the window closes, before the grace period. */
  onWindowEnd?: (endMs: number) => void;
}

export interface LoadStats {
  windowStartMs: number;
  windowEndMs: number;
  /** Length of the window actually run (shorter than asked when aborted). */
  measuredMs: number;
  aborted: boolean;
  /** Counted requests still in flight when the grace period ended. */
  unfinished: number;
  open?: OpenModelStats;
}

/**
 * Drives the replicas behind `router` with virtual users for warm-up plus the measured window,
 * then waits up to the grace period for requests in flight. Records into `recorder`; never
 * prints, never throws for failed requests.
 */
export async function runLoad(opts: RunLoadOptions): Promise<LoadStats> {
  const { load } = opts;
  const users = load.model === 'closed' ? load.users : load.sessions;
  const engine = new Engine({
    router: opts.router,
    recorder: opts.recorder,
    mix: opts.mix,
    users,
    parallelPerSession: load.parallelPerSession,
    timeoutMs: load.timeoutMs,
  });
  const startMs = performance.now();
  engine.windowStartMs = startMs + opts.warmupMs;
  engine.windowEndMs = engine.windowStartMs + opts.durationMs;

  const open = load.model === 'open' ? startOpenModel(engine, load, opts.recorder, startMs) : undefined;
  const stopClosed = load.model === 'closed' ? startClosedModel(engine, load, opts.mix, startMs) : undefined;

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
      engine.windowEndMs = Math.min(engine.windowEndMs, performance.now());
      finish();
    };
    const warmupTimer = setTimeout(() => opts.onWindowStart?.(engine.windowStartMs), opts.warmupMs);
    const endTimer = setTimeout(finish, engine.windowEndMs - performance.now());
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
  });
  if (!aborted && performance.now() < engine.windowEndMs) {
    // setTimeout may fire a little early; the window is exact.
    await new Promise((r) => setTimeout(r, engine.windowEndMs - performance.now()));
  }
  const windowEndMs = engine.windowEndMs;
  open?.stop();
  stopClosed?.();
  opts.onWindowEnd?.(windowEndMs);

  const graceEndMs = performance.now() + (aborted ? 0 : load.graceMs);
  while (engine.countedInFlight > 0 && performance.now() < graceEndMs) {
    await new Promise((r) => setTimeout(r, 5));
  }
  const unfinished = engine.countedInFlight;
  await engine.destroy();
  return {
    windowStartMs: engine.windowStartMs,
    windowEndMs,
    measuredMs: Math.max(0, windowEndMs - engine.windowStartMs),
    aborted,
    unfinished,
    open: open?.stats(),
  };
}
