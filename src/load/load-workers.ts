import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { decodeHistogram, mergeHistograms } from '../hdr/histogram.js';
import type { Replica } from '../topology/types.js';
import type { ClosedModelStats } from './closed-model.js';
import { delayStatsOf, type DelayStats } from './delay-stats.js';
import type { FromWorker, ReplicaCopy, ToWorker, WorkerJob } from './load-worker.js';
import type { OpenModelStats } from './open-model.js';
import { LogReplayer } from './recorder-log.js';
import type { LoadStats, RunLoadOptions } from './load-options.js';
import { firstUserOf, shareOfLoad } from './divide-load.js';

/** How often the recorder's timeline is moved on while nothing completes (as in runLoad). */
const TICK_MS = 200;
/**
 * Each worker's heap, sized as src/load/heap-sizing.ts sizes the main process's (4 MiB
 * semi-spaces make a 12 MiB young generation), so memory stays flat on long runs.
 */
const WORKER_RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 12, maxOldGenerationSizeMb: 512 };

export { shareOfLoad, splitCount } from './divide-load.js';

/** The compiled worker entry (under vitest the sources are TypeScript; workers run dist/). */
function workerUrl(): URL {
  const here = new URL('./load-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  return new URL('../../dist/src/load/load-worker.js', import.meta.url);
}

const copy = (r: Replica): ReplicaCopy => ({ name: r.name, url: r.url, pid: r.pid, state: r.state });

/**
 * {@link runLoad} with `workers` engines, each in a worker thread. The main thread starts them,
 * keeps their replica lists in step with the topology, replays their recorder calls into
 * `opts.recorder` in time order (recorder-log.ts), runs the window's callbacks, and adds up
 * their statistics (lateness and loop-delay histograms merged exactly).
 */
export async function runLoadInWorkers(opts: RunLoadOptions): Promise<LoadStats> {
  const topology = opts.topology;
  if (topology === undefined) throw new Error('runLoad: `workers` > 1 needs `topology`');
  const { load } = opts;
  const users = load.model === 'closed' ? load.users : load.sessions;
  const n = Math.max(1, Math.min(opts.workers ?? 1, users));
  const replayer = new LogReplayer(opts.recorder, n);
  const rateRps = load.model === 'open' ? load.rateRps : 0;

  const workers = Array.from({ length: n }, (_, index) => {
    const job: WorkerJob = {
      index,
      load: shareOfLoad(load, n, index),
      mix: opts.mix,
      warmupMs: opts.warmupMs,
      durationMs: opts.durationMs,
      sticky: opts.router.sticky,
      replicas: topology.replicas.map(copy),
      httpClient: opts.httpClient,
      // Worker i's arrivals fall between the others': the rate's interval times i.
      phaseMs: (opts.phaseMs ?? 0) + (rateRps > 0 ? (index * 1000) / rateRps : 0),
      firstUserId: (opts.firstUserId ?? 0) + firstUserOf(load, n, index),
      mainOriginMs: performance.timeOrigin,
    };
    return new Worker(workerUrl(), { workerData: job, resourceLimits: WORKER_RESOURCE_LIMITS });
  });
  const post = (m: ToWorker): void => {
    for (const w of workers) w.postMessage(m);
  };
  const forward = (type: 'replica-added' | 'replica-removed' | 'replica-state') => (r: Replica) => post({ type, replica: copy(r) });
  const onAdded = forward('replica-added');
  const onRemoved = forward('replica-removed');
  const onState = forward('replica-state');
  topology.on('replica-added', onAdded);
  topology.on('replica-removed', onRemoved);
  topology.on('replica-state', onState);

  let windowStartMs = Number.POSITIVE_INFINITY;
  let windowEndMs = Number.POSITIVE_INFINITY;
  let aborted = false;
  const timers: NodeJS.Timeout[] = [];
  const onAbort = (): void => {
    aborted = true;
    const atMs = performance.now();
    windowEndMs = Math.min(windowEndMs, atMs);
    post({ type: 'abort', atMs });
  };
  try {
    const results = await new Promise<LoadStats[]>((resolve, reject) => {
      let ready = 0;
      let ended = 0;
      let done = 0;
      const stats: LoadStats[] = new Array(n);
      const start = (): void => {
        const startMs = performance.now();
        windowStartMs = startMs + opts.warmupMs;
        windowEndMs = windowStartMs + opts.durationMs;
        opts.onWindowPlanned?.(windowStartMs, windowEndMs);
        post({ type: 'go', startAtMs: startMs });
        timers.push(setTimeout(() => opts.onWindowStart?.(windowStartMs), opts.warmupMs));
        const tick = opts.recorder.tick?.bind(opts.recorder);
        if (tick !== undefined) {
          // Only up to where every worker's calls are in: a second closes once all its calls are.
          const ticker = setInterval(() => {
            const nowMs = Math.min(performance.now(), replayer.completeToMs());
            if (nowMs < windowEndMs) tick(nowMs);
          }, TICK_MS);
          ticker.unref();
          timers.push(ticker);
        }
        if (opts.signal?.aborted) onAbort();
        else opts.signal?.addEventListener('abort', onAbort, { once: true });
      };
      workers.forEach((w, i) => {
        w.on('message', (m: FromWorker) => {
          switch (m.type) {
            case 'ready':
              if (++ready === n) start();
              return;
            case 'log':
              replayer.add(i, m.batch);
              return;
            case 'window-end':
              replayer.add(i, m.batch);
              // Every worker's calls up to its window's end are replayed: the window can close.
              if (++ended === n) {
                for (const t of timers) clearTimeout(t);
                opts.onWindowEnd?.(windowEndMs);
              }
              return;
            case 'done':
              replayer.add(i, m.batch);
              replayer.end(i);
              stats[i] = m.stats;
              if (++done === n) resolve(stats);
              return;
            case 'failed':
              reject(new Error(`load worker ${i} failed: ${m.message}`));
          }
        });
        w.on('error', reject);
        w.on('exit', (code) => {
          if (stats[i] === undefined) reject(new Error(`load worker ${i} exited (${code}) before reporting`));
        });
      });
    });
    return mergeStats(results, { windowStartMs, windowEndMs, aborted, durationMs: opts.durationMs });
  } finally {
    for (const t of timers) clearTimeout(t);
    opts.signal?.removeEventListener('abort', onAbort);
    topology.off('replica-added', onAdded);
    topology.off('replica-removed', onRemoved);
    topology.off('replica-state', onState);
    await Promise.allSettled(workers.map((w) => w.terminate()));
  }
}

function mergeDelays(parts: (DelayStats | undefined)[]): DelayStats | undefined {
  const present = parts.filter((p): p is DelayStats => p !== undefined);
  if (present.length === 0) return undefined;
  return delayStatsOf(mergeHistograms(present.map((p) => decodeHistogram(p.histogram))));
}

/** The workers' statistics as one engine's: counts added, histograms merged. */
export function mergeStats(
  parts: LoadStats[],
  window: { windowStartMs: number; windowEndMs: number; aborted: boolean; durationMs: number },
): LoadStats {
  const sum = <T>(xs: T[], f: (x: T) => number): number => xs.reduce((a, x) => a + f(x), 0);
  const opens = parts.map((p) => p.open).filter((o): o is OpenModelStats => o !== undefined);
  const closeds = parts.map((p) => p.closed).filter((c): c is ClosedModelStats => c !== undefined);
  const aborted = window.aborted || parts.some((p) => p.aborted);
  const statuses: Record<string, number> = {};
  for (const p of parts) for (const [code, n] of Object.entries(p.errorStatuses ?? {})) statuses[code] = (statuses[code] ?? 0) + n;
  return {
    windowStartMs: window.windowStartMs,
    windowEndMs: window.windowEndMs,
    measuredMs: aborted ? Math.max(0, window.windowEndMs - window.windowStartMs) : window.durationMs,
    aborted,
    unfinished: sum(parts, (p) => p.unfinished),
    open:
      opens.length === 0
        ? undefined
        : {
            due: sum(opens, (o) => o.due),
            dropped: sum(opens, (o) => o.dropped),
            targetRps: sum(opens, (o) => o.targetRps),
            // The sum of each engine's peak: at most that many waited at once.
            maxBacklog: sum(opens, (o) => o.maxBacklog),
            latenessUs: mergeDelays(opens.map((o) => o.latenessUs))!,
            wakeUps: sum(opens, (o) => o.wakeUps),
            spinMs: sum(opens, (o) => o.spinMs),
          },
    closed:
      closeds.length === 0
        ? undefined
        : {
            betweenRequestsMs: sum(closeds, (c) => c.betweenRequestsMs),
            loopDelayUs: mergeDelays(closeds.map((c) => c.loopDelayUs)),
          },
    ...(parts.every((p) => p.sessionsHeld !== undefined) ? { sessionsHeld: sum(parts, (p) => p.sessionsHeld!) } : {}),
    ...(Object.keys(statuses).length === 0 ? {} : { errorStatuses: statuses }),
  };
}
