import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TargetStartError } from '../errors.js';
import type { LatencySetting, ProxyToxic } from './latency-proxy.js';
import { hasExited, killNow } from '../process/process-signals.js';
import { forkDyingWithParent } from '../process/parent-death.js';
import { guardPid, releasePid } from '../process/reaper.js';

/** Parent → proxy process. */
export type LatencyProxyRequest = { type: 'set'; latencyMs: number; jitterMs: number } | { type: 'toxic'; toxic: ProxyToxic; on: boolean };
/** Proxy process → parent. */
export type LatencyProxyMessage =
  | { type: 'ready'; port: number }
  | { type: 'set'; ok: boolean; message?: string }
  | { type: 'toxic'; ok: boolean; message?: string }
  | { type: 'fatal'; message: string };

const START_TIMEOUT_MS = 10_000;
const SET_TIMEOUT_MS = 5000;

/** Compiled output sits next to this file; under vitest this file is the .ts source, so use dist. */
function proxyScript(): string {
  const here = fileURLToPath(new URL('./latency-proxy-main.js', import.meta.url));
  return existsSync(here) ? here : fileURLToPath(new URL('../../dist/src/topology/latency-proxy-main.js', import.meta.url));
}

/**
 * A {@link LatencyProxy} in a child process between the replicas and the store: replicas connect
 * to `port`, the proxy to the store. Guarded by the watchdog like every child statebench starts.
 */
export class LatencyProxyProcess {
  port = 0;
  private child: ChildProcess | undefined;
  private setting: LatencySetting;

  constructor(
    private readonly upstream: { host: string; port: number },
    setting: LatencySetting,
  ) {
    this.setting = { ...setting };
  }

  get pid(): number | undefined {
    return this.child !== undefined && !hasExited(this.child) ? this.child.pid : undefined;
  }

  get latency(): LatencySetting {
    return { ...this.setting };
  }

  /** Resolves once the proxy listens. */
  async start(): Promise<void> {
    const child = fork(proxyScript(), ['--config', JSON.stringify({ ...this.upstream, ...this.setting })], {
      // Dies with statebench, whatever kills it (parent-death.ts).
      ...forkDyingWithParent(),
      // Own process group, like replicas: a terminal Ctrl-C reaches statebench alone.
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderrTail = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderrTail = (stderrTail + d.toString('utf8')).slice(-1000);
    });
    child.on('error', () => {});
    this.child = child;
    if (child.pid !== undefined) {
      const pid = child.pid;
      guardPid(pid);
      child.once('exit', () => releasePid(pid));
    }
    try {
      const ready = await this.next(child, (m) => m.type === 'ready' || m.type === 'fatal', START_TIMEOUT_MS, () => stderrTail);
      if (ready.type !== 'ready') throw new TargetStartError(`store latency proxy failed to start: ${ready.type === 'fatal' ? ready.message : ''}`);
      this.port = ready.port;
    } catch (err) {
      await killNow(child);
      throw err;
    }
  }

  /** Changes the delay for chunks arriving from now on; resolves once the proxy applied it. */
  async set(setting: LatencySetting): Promise<void> {
    const child = this.child;
    if (child === undefined || hasExited(child)) throw new TargetStartError('the store latency proxy is not running');
    const reply = this.next(child, (m) => m.type === 'set', SET_TIMEOUT_MS, () => '');
    child.send({ type: 'set', ...setting } satisfies LatencyProxyRequest);
    const m = await reply;
    if (m.type === 'set' && !m.ok) throw new RangeError(m.message ?? 'the proxy refused the setting');
    this.setting = { ...setting };
  }

  /** Puts a network fault on the link (`on`) or lifts it; resolves once the proxy applied it. */
  async toxic(toxic: ProxyToxic, on: boolean): Promise<void> {
    const child = this.child;
    if (child === undefined || hasExited(child)) throw new TargetStartError('the store latency proxy is not running');
    const reply = this.next(child, (m) => m.type === 'toxic', SET_TIMEOUT_MS, () => '');
    child.send({ type: 'toxic', toxic, on } satisfies LatencyProxyRequest);
    const m = await reply;
    if (m.type === 'toxic' && !m.ok) throw new RangeError(m.message ?? 'the proxy refused the toxic');
  }

  async stop(): Promise<void> {
    if (this.child !== undefined) await killNow(this.child);
  }

  /** The next message matching `accept`, or a rejection when the child exits or time runs out. */
  private next(
    child: ChildProcess,
    accept: (m: LatencyProxyMessage) => boolean,
    timeoutMs: number,
    tail: () => string,
  ): Promise<LatencyProxyMessage> {
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      const onMessage = (m: LatencyProxyMessage): void => {
        if (!accept(m)) return;
        done();
        resolve(m);
      };
      const onExit = (code: number | null, signal: string | null): void => {
        done();
        reject(new TargetStartError(`store latency proxy exited (${signal ?? code})${tail() ? `: ${tail().trim()}` : ''}`));
      };
      const timer = setTimeout(() => {
        done();
        reject(new TargetStartError(`store latency proxy did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  }
}
