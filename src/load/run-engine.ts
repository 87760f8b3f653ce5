import type { EngineShard, LoadStats, RunLoadOptions } from './load-options.js';
import { startClosedModel } from './closed-model.js';
import { Engine } from './engine.js';
import { LoopDelay } from './loop-delay.js';
import { startOpenModel } from './open-model.js';

/** How often the recorder's timeline is moved on without a request completing. */
const TICK_MS = 200;

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
    firstUserId: (opts.firstUserId ?? 0) + (shard.firstUserId ?? 0),
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

  const open = load.model === 'open' ? startOpenModel(engine, load, opts.recorder, startMs, (opts.phaseMs ?? 0) + (shard.phaseMs ?? 0)) : undefined;
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
  const sessionsHeld = engine.sessionsHeld();
  const errorStatuses = engine.errorStatuses.size === 0 ? undefined : Object.fromEntries([...engine.errorStatuses].map(([code, n]) => [String(code), n]));
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
    sessionsHeld,
    ...(errorStatuses === undefined ? {} : { errorStatuses }),
  };
}
