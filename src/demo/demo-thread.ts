import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RunResult } from '../result/types.js';
import type { DemoLineup } from './demo-lineup.js';
import { runDemo, type DemoListener, type RunDemoOptions } from './run-demo.js';
import type { Story } from './story.js';

/** What the stage thread is started with. */
export interface StageData {
  story: Story;
  lineup: DemoLineup;
  redisUrl?: string;
  paced: boolean;
}

/** Messages from the stage thread. */
export type FromStage =
  | { kind: 'event'; name: keyof DemoListener; args: unknown[] }
  | { kind: 'wait' }
  | { kind: 'result'; result: RunResult }
  | { kind: 'error'; message: string };

/** Messages to the stage thread. */
export type ToStage = { kind: 'abort' } | { kind: 'go' };

/**
 * Runs {@link runDemo} on a worker thread and relays its events to `opts.listener` on this
 * one, where the screen is drawn. Same contract as runDemo. From the TypeScript sources (under
 * vitest) there is no compiled worker to start, so it runs on this thread instead.
 */
export async function runDemoOnStageThread(opts: RunDemoOptions): Promise<RunResult> {
  const script = fileURLToPath(new URL('./demo-worker.js', import.meta.url));
  if (!existsSync(script)) return runDemo(opts);

  const data: StageData = { story: opts.story, lineup: opts.lineup, redisUrl: opts.redisUrl, paced: opts.waitForPresenter !== undefined };
  const worker = new Worker(script, { workerData: data });
  const send = (message: ToStage): void => worker.postMessage(message);
  const onAbort = (): void => send({ kind: 'abort' });
  if (opts.signal?.aborted) onAbort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await new Promise<RunResult>((resolve, reject) => {
      worker.on('message', (message: FromStage) => {
        switch (message.kind) {
          case 'event': {
            const call = opts.listener?.[message.name] as ((...args: unknown[]) => void) | undefined;
            call?.apply(opts.listener, message.args);
            break;
          }
          case 'wait':
            void opts.waitForPresenter!().then(() => send({ kind: 'go' }));
            break;
          case 'result':
            resolve(message.result);
            break;
          case 'error':
            reject(new Error(`the demo's stage thread failed: ${message.message}`));
            break;
        }
      });
      worker.on('error', reject);
      worker.on('exit', (code) => reject(new Error(`the demo's stage thread exited (code ${code}) without a result`)));
    });
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    // Everything it started is stopped before it posts the result; nothing is left to wait for.
    await worker.terminate();
  }
}
