import { parentPort, workerData } from 'node:worker_threads';
import { runDemo, type DemoListener } from './run-demo.js';
import type { FromStage, ToStage, StageData } from './demo-thread.js';

/**
 * The demo's load, topologies and faults, on a thread of their own: the live view's renders
 * (tens of milliseconds each) then never delay a request completion, so the latencies the
 * audience sees are the servers', not the screen's.
 */
const port = parentPort!;
const data = workerData as StageData;
const post = (message: FromStage): void => port.postMessage(message);

const abort = new AbortController();
let go: (() => void)[] = [];
port.on('message', (message: ToStage) => {
  if (message.kind === 'abort') abort.abort();
  if (message.kind === 'go') {
    const waiting = go;
    go = [];
    for (const resolve of waiting) resolve();
  }
});

// Every listener call crosses to the main thread as is: they are a few per second.
const listener = new Proxy({} as DemoListener, {
  get: (_target, name: string) => (...args: unknown[]) => post({ kind: 'event', name: name as keyof DemoListener, args }),
});

try {
  const result = await runDemo({
    story: data.story,
    lineup: data.lineup,
    redisUrl: data.redisUrl,
    signal: abort.signal,
    listener,
    waitForPresenter: data.paced
      ? () =>
          new Promise<void>((resolve) => {
            go.push(resolve);
            post({ kind: 'wait' });
          })
      : undefined,
  });
  post({ kind: 'result', result });
} catch (err) {
  post({ kind: 'error', message: (err as Error).stack ?? String(err) });
} finally {
  port.close();
}
