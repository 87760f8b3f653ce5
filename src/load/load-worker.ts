/**
 * The entry of a worker thread running one engine (see load-workers.ts): routes by its own copy
 * of the topology's replica list, records into a log that it hands to the main thread every
 * few tens of milliseconds, and answers with its LoadStats. Never started directly.
 */
import { EventEmitter } from 'node:events';
import { parentPort, workerData } from 'node:worker_threads';
import type { LoadSpec, SessionMix } from './load-spec.js';
import { createRouter } from '../topology/router.js';
import type { Replica, Topology } from '../topology/types.js';
import { LogRecorder } from './recorder-log.js';
import type { HttpClientKind } from './replica-clients.js';
import { runLoadHere } from './run-engine.js';

/** How often the worker hands its log to the main thread, ms. */
const FLUSH_MS = 20;

/** The replica fields a worker needs, as sent between threads. */
export interface ReplicaCopy {
  name: string;
  url: string;
  pid: number | undefined;
  state: Replica['state'];
}

export interface WorkerJob {
  index: number;
  load: LoadSpec;
  mix: SessionMix;
  warmupMs: number;
  durationMs: number;
  sticky: boolean;
  replicas: ReplicaCopy[];
  httpClient?: HttpClientKind;
  phaseMs: number;
  /** This worker's first user across the run. */
  firstUserId: number;
  /** The main thread's performance.timeOrigin: times cross threads on its performance.now(). */
  mainOriginMs: number;
}

/** Main thread → worker. */
export type ToWorker =
  | { type: 'go'; startAtMs: number }
  | { type: 'abort'; atMs: number }
  | { type: 'replica-added' | 'replica-removed' | 'replica-state'; replica: ReplicaCopy };

/** Worker → main thread. Times are the main thread's performance.now() ms. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'log'; batch: import('./recorder-log.js').LogBatch }
  | { type: 'window-end'; batch: import('./recorder-log.js').LogBatch }
  | { type: 'done'; stats: import('./load-options.js').LoadStats; batch: import('./recorder-log.js').LogBatch }
  | { type: 'failed'; message: string };

const port = parentPort!;
const job = workerData as WorkerJob;

/** The topology as the router sees it: the replica list, kept in step with the main thread's. */
const topology = Object.assign(new EventEmitter(), { replicas: job.replicas.map((r) => ({ ...r })) as Replica[] });
const find = (name: string): Replica | undefined => topology.replicas.find((r) => r.name === name);

// Times cross threads on the main thread's performance.now(): this thread's plus the difference
// of the origins (0 where Node gives workers the process's origin).
const offsetMs = performance.timeOrigin - job.mainOriginMs;
const toLocal = (mainMs: number): number => mainMs - offsetMs;
const recorder = new LogRecorder(offsetMs);
const abort = new AbortController();
const send = (m: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
const flush = (type: 'log' | 'window-end'): void => {
  const batch = recorder.take();
  send({ type, batch }, [batch.records.buffer as ArrayBuffer]);
};

port.on('message', (m: ToWorker) => {
  switch (m.type) {
    case 'go':
      void run(toLocal(m.startAtMs));
      break;
    case 'abort':
      abort.abort(toLocal(m.atMs));
      break;
    case 'replica-added':
      if (find(m.replica.name) === undefined) {
        const r = { ...m.replica } as Replica;
        topology.replicas.push(r);
        topology.emit('replica-added', r);
      }
      break;
    case 'replica-removed': {
      const r = find(m.replica.name);
      if (r !== undefined) {
        topology.replicas = topology.replicas.filter((x) => x !== r);
        topology.emit('replica-removed', r);
      }
      break;
    }
    case 'replica-state': {
      const r = find(m.replica.name);
      if (r !== undefined) {
        r.url = m.replica.url;
        r.pid = m.replica.pid;
        r.state = m.replica.state;
        topology.emit('replica-state', r);
      }
      break;
    }
  }
});

async function run(startMs: number): Promise<void> {
  const router = createRouter(topology as unknown as Topology, { sticky: job.sticky });
  const flusher = setInterval(() => flush('log'), FLUSH_MS);
  try {
    const stats = await runLoadHere(
      {
        router,
        recorder,
        load: job.load,
        mix: job.mix,
        warmupMs: job.warmupMs,
        durationMs: job.durationMs,
        signal: abort.signal,
        httpClient: job.httpClient,
        onWindowEnd: () => flush('window-end'),
      },
      { startMs, phaseMs: job.phaseMs, firstUserId: job.firstUserId },
    );
    clearInterval(flusher);
    const batch = recorder.take();
    batch.completeToMs = Number.POSITIVE_INFINITY;
    send({ type: 'done', stats, batch }, [batch.records.buffer as ArrayBuffer]);
  } catch (err) {
    clearInterval(flusher);
    send({ type: 'failed', message: String((err as Error)?.stack ?? err) });
  } finally {
    router.close();
  }
}

send({ type: 'ready' });
