import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitExit } from '../src/process/process-signals.js';
import { stop, track } from './children.js';

export interface ChildRunOptions {
  /** Extra Node flags for the child, e.g. `--cpu-prof`. */
  execArgv?: string[];
  /** Called with the child's pid once it runs (e.g. to sample its RSS). */
  onStart?: (pid: number) => void;
  /** Called when the child says its measured window began. */
  onWindowStart?: () => void;
  /** Any other message the child sends (`{type:'memory'}`...). */
  onMessage?: (message: { type: string; [key: string]: unknown }) => void;
}

/**
 * Forks `bench/<name>.js`, sends it one job over IPC and resolves with the result it sends back
 * (`{type:'result'}`); the child then exits by itself. Tracked, so Ctrl-C stops it by pid.
 */
export async function runChild<Job, Result>(name: string, job: Job, opts: ChildRunOptions = {}): Promise<Result> {
  const script = fileURLToPath(new URL(`./${name}.js`, import.meta.url));
  const child = track(fork(script, [], { execArgv: opts.execArgv ?? [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  opts.onStart?.(child.pid!);
  try {
    return await new Promise<Result>((resolve, reject) => {
      child.on('message', (m: { type: string; result?: Result; message?: string }) => {
        if (m.type === 'window-start') opts.onWindowStart?.();
        else if (m.type === 'result') resolve(m.result!);
        else if (m.type === 'error') reject(new Error(`${name} failed: ${m.message}`));
        else opts.onMessage?.(m);
      });
      child.once('exit', (code, signal) => reject(new Error(`${name} exited (${code ?? signal}) before reporting`)));
      child.send(job as object);
    });
  } finally {
    // The child exits by itself after reporting (writing a CPU profile first); wait for that.
    if (!(await waitExit(child, 10_000))) await stop(child);
  }
}
