import { spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { TargetStartError } from '../errors.js';
import { freePort } from '../process/free-port.js';
import { sleep } from '../process/health-check.js';
import { hasExited, killNow, stopProcess, waitExit } from '../process/process-signals.js';
import type { CpuBudget } from '../process/cpu-budget.js';
import { spawnOwned, type OwnedProcess } from './owned-process.js';
import type { StoreCounterReading, StoreInstance, StoreMemory, StoreStartOptions } from './store-backend.js';

const BINARY = 'memcached';
/** How long a starting or resumed memcached has to answer `version`. */
const READY_TIMEOUT_MS = 10_000;
const PROBE_TIMEOUT_MS = 300;
/** Fresh ports to try when another process grabs ours between probe and bind. */
const PORT_ATTEMPTS = 3;
const MIB = 1024 * 1024;
/**
 * memcached refuses `-m` below twice its largest item (`-I`, 1 MiB by default): "Cannot set item
 * size limit higher than 1/2 of memory max". Smaller limits are raised to this, and the limit
 * actually used is `memoryLimitBytes`. Note that memcached gives each slab class that holds
 * items a 1 MiB page, so a tiny limit holds a little more than it says.
 */
export const MEMCACHED_MIN_MEMORY_MB = 2;
/** memcached's own default `-m`, used when no limit is asked for. */
const DEFAULT_MEMORY_MB = 64;

let available: boolean | undefined;

/** True when `memcached` is on the PATH (checked once). */
export function memcachedAvailable(): boolean {
  if (available === undefined) {
    const r = spawnSync(BINARY, ['-V'], { stdio: 'ignore', timeout: 5000 });
    available = r.error === undefined && r.status === 0;
  }
  return available;
}

/** `memcached -V` as a bare version, e.g. `1.6.18`, for the result's environment. */
export function memcachedVersion(): string | undefined {
  const r = spawnSync(BINARY, ['-V'], { encoding: 'utf8', timeout: 5000 });
  return /memcached (\S+)/.exec(r.stdout ?? '')?.[1];
}

/**
 * Sends one text-protocol command to 127.0.0.1:port and resolves with the reply once it ends
 * with `endMarker`, or undefined on error or timeout. A fresh connection each time, so a probe
 * never shares a socket with the replicas' traffic.
 */
function ask(port: number, command: string, endMarker: string, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let reply = '';
    const done = (text: string | undefined): void => {
      socket.destroy();
      resolve(text);
    };
    socket.setTimeout(timeoutMs, () => done(undefined));
    socket.on('connect', () => socket.write(command + '\r\n'));
    socket.on('data', (d) => {
      reply += d.toString('latin1');
      if (reply.endsWith(endMarker)) done(reply);
      else if (/^(ERROR|SERVER_ERROR|CLIENT_ERROR)/.test(reply) && reply.endsWith('\r\n')) done(undefined);
    });
    socket.on('error', () => done(undefined));
  });
}

/** The version memcached at 127.0.0.1:port reports (`version` command), or undefined when it does not answer. */
export async function pingMemcached(port: number, timeoutMs = PROBE_TIMEOUT_MS): Promise<string | undefined> {
  const reply = await ask(port, 'version', '\r\n', timeoutMs);
  return reply === undefined ? undefined : /^VERSION (\S+)/.exec(reply)?.[1];
}

/**
 * memcached's general-purpose `stats` (e.g. `evictions`, `curr_items`, `limit_maxbytes`) as
 * numbers by name; rejects when it does not answer. Lets a run say how many sessions memcached
 * threw out to stay in its memory limit.
 */
export async function memcachedStats(port: number, timeoutMs = 1000): Promise<Map<string, number>> {
  const reply = await ask(port, 'stats', 'END\r\n', timeoutMs);
  if (reply === undefined) throw new Error(`memcached at 127.0.0.1:${port} did not answer stats`);
  const stats = new Map<string, number>();
  for (const m of reply.matchAll(/^STAT (\S+) (\S+)\r$/gm)) stats.set(m[1], Number(m[2]));
  return stats;
}

/** memcached's `-m` in MiB for a limit in bytes: rounded up, and never below what memcached accepts. */
export function memcachedMemoryMb(maxMemoryBytes: number | undefined): number {
  if (maxMemoryBytes === undefined) return DEFAULT_MEMORY_MB;
  return Math.max(MEMCACHED_MIN_MEMORY_MB, Math.ceil(maxMemoryBytes / MIB));
}

/**
 * A memcached process statebench owns: started on a free port bound to 127.0.0.1 (no UDP),
 * restarted on the same port (so replicas reconnect to the URL they know), killed, paused and
 * resumed as store faults. memcached keeps nothing on disk, so `persistence` cannot apply: a kill
 * loses every session, whatever the scenario asks. Its memory limit is real: past it memcached
 * evicts the least recently used sessions (see `memcachedStats(port).get('evictions')`).
 */
export class MemcachedServer implements StoreInstance {
  /** The `-m` actually passed, in bytes (see MEMCACHED_MIN_MEMORY_MB). */
  readonly memoryLimitBytes: number;
  readonly version: string | undefined;
  private port = 0;
  private proc: OwnedProcess | undefined;
  /** Every start and restart runs inside it (`hosts.storeCpu`). */
  private readonly cpu: CpuBudget | undefined;
  /** `-M`: at the memory limit, refuse writes (SERVER_ERROR out of memory) instead of evicting. */
  private readonly noEviction: boolean;

  private constructor(options: StoreStartOptions) {
    this.noEviction = options.maxMemoryPolicy === 'noeviction';
    this.memoryLimitBytes = memcachedMemoryMb(options.maxMemoryBytes) * MIB;
    this.version = memcachedVersion();
    this.cpu = options.cpuBudget?.('store');
  }

  /** Starts memcached on a free port; resolves when it answers `version`. */
  static async start(options: StoreStartOptions): Promise<MemcachedServer> {
    const server = new MemcachedServer(options);
    let lastError: Error | undefined;
    for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
      try {
        await server.spawnOn(await freePort());
        return server;
      } catch (err) {
        lastError = err as Error;
        if (!/Address already in use|failed to listen/i.test(lastError.message)) break;
      }
    }
    throw lastError ?? new TargetStartError('memcached did not start');
  }

  get url(): string {
    return `memcached://127.0.0.1:${this.port}`;
  }

  get address(): { host: string; port: number } {
    return { host: '127.0.0.1', port: this.port };
  }

  /** The pid while it runs, else undefined. */
  get pid(): number | undefined {
    const child = this.proc?.child;
    return child !== undefined && !hasExited(child) ? child.pid : undefined;
  }

  processes(): Map<string, number> {
    const pid = this.pid;
    return pid === undefined ? new Map() : new Map([['store', pid]]);
  }

  /** SIGKILL; resolves once it has exited. Every session is gone. */
  async kill(): Promise<void> {
    if (this.proc !== undefined) await killNow(this.proc.child);
  }

  /** Starts again, empty, on the same port; resolves when it answers. */
  async restart(): Promise<void> {
    if (this.proc !== undefined) await killNow(this.proc.child);
    await this.spawnOn(this.port);
  }

  /** SIGSTOP: connections stay open and commands hang, as with a stalled host. */
  async pause(): Promise<void> {
    const child = this.proc?.child;
    if (child !== undefined && !hasExited(child)) await stopProcess(child);
  }

  /** SIGCONT; resolves when it answers `version` again. */
  async resume(): Promise<void> {
    const child = this.proc?.child;
    if (child === undefined || hasExited(child)) return;
    child.kill('SIGCONT');
    await this.waitReady(child);
  }

  /** `bytes` from `stats`: what its items take, keys and values with their headers; `curr_items` sessions. */
  async memory(): Promise<StoreMemory | undefined> {
    try {
      const stats = await memcachedStats(this.port);
      const bytes = stats.get('bytes');
      if (bytes === undefined) return undefined;
      const items = stats.get('curr_items');
      return { bytes, measure: 'bytes (stats)', ...(items === undefined ? {} : { sessions: items }) };
    } catch {
      return undefined;
    }
  }

  /** memcached's own eviction count (`stats`: `evictions`); it keeps no count of expired keys that compares. */
  async counters(): Promise<StoreCounterReading> {
    const stats = await memcachedStats(this.port);
    return { source: 'memcached stats', evictedKeys: stats.get('evictions') };
  }

  /** Nothing to flush (no persistence), so SIGKILL is a complete stop. */
  async stop(): Promise<void> {
    try {
      await this.kill();
    } catch {
      // stop never throws: the process is gone or the watchdog ends it.
    }
  }

  killSync(): void {
    const pid = this.pid;
    if (pid === undefined) return;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }

  private async spawnOn(port: number): Promise<void> {
    const args = [
      '-l', '127.0.0.1',
      '-p', String(port),
      '-U', '0',
      '-m', String(this.memoryLimitBytes / MIB),
      ...(this.noEviction ? ['-M'] : []),
      // memcached refuses to run as root without -u; nobody owns nothing memcached could harm.
      ...(process.getuid?.() === 0 ? ['-u', 'nobody'] : []),
    ];
    const proc = spawnOwned(BINARY, args, {}, this.cpu);
    this.proc = proc;
    this.port = port;
    await this.waitReady(proc.child);
  }

  private async waitReady(child: ChildProcess): Promise<void> {
    const deadlineMs = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadlineMs) {
      if (hasExited(child) || child.pid === undefined) {
        await waitExit(child, 100);
        throw new TargetStartError(`memcached exited during startup: ${this.proc?.logTail() ?? 'no output'}`);
      }
      if ((await pingMemcached(this.port)) !== undefined) return;
      await sleep(10);
    }
    await killNow(child);
    throw new TargetStartError(`memcached did not answer within ${READY_TIMEOUT_MS} ms`);
  }
}
