import net from 'node:net';
import { PreciseTimer, clockMs } from '../timing/precise-timer.js';

/** Delay a {@link LatencyProxy} adds, per store round trip. */
export interface LatencySetting {
  /** Added to each request/response exchange: half on the way there, half on the way back. */
  latencyMs: number;
  /** Each chunk's share varies uniformly by up to ± half of this (so a round trip by ± this). */
  jitterMs: number;
}

/**
 * A network fault on the proxied link, after Toxiproxy's toxics: `partition` (nothing passes
 * either way; connections stay open and what was sent is delivered when it heals, as TCP
 * retransmission would), `reset` (every connection is reset, and new ones are while it lasts),
 * `bandwidth` (each direction of each connection limited to a rate), `slow-close` (a connection
 * one side closes or breaks stays open on the other side for `delayMs`).
 */
export type ProxyToxic =
  | { kind: 'partition' }
  | { kind: 'reset' }
  | { kind: 'bandwidth'; bytesPerSecond: number }
  | { kind: 'slow-close'; delayMs: number };

/**
 * Chunks due this soon are delivered now: the timer's wake-up is not finer than this, and a
 * second wake-up for them would make them later than the slack does.
 */
const DUE_SLACK_MS = 0.05;

interface Queued {
  /** `null`: the sender ended its side, delivered in order after the data before it. */
  chunk: Buffer | null;
  dueMs: number;
}

/** One direction of one connection: bytes from `from` are written to `to`, in order. */
interface Direction {
  readonly from: net.Socket;
  readonly to: net.Socket;
  queue: Queued[];
  head: number;
  /** Due time of the last queued chunk: a later chunk never overtakes it (order is kept). */
  lastDueMs: number;
}

/** The two sockets of one proxied connection. */
interface Pair {
  client: net.Socket;
  upstream: net.Socket;
}

/**
 * A TCP proxy that delays every chunk in each direction, like Toxiproxy's latency toxic, so a
 * store on loopback can behave like one on another host. The latency is a round-trip figure:
 * each direction gets half, so a command and its reply together pay `latencyMs`, which is what
 * "store round trip +2 ms" means to a reader. Jitter never reorders bytes: a chunk is never
 * delivered before the one sent ahead of it. At 0 ms with nothing queued, chunks are written
 * through at once and no timer runs: the proxy then costs one loopback hop and nothing more.
 */
export class LatencyProxy {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private readonly pairs = new Set<Pair>();
  private readonly pending = new Set<Direction>();
  private timer: PreciseTimer | undefined;
  private setting: LatencySetting;
  private closed = false;
  // Toxics in place (see ProxyToxic).
  private partitioned = false;
  private resetting = false;
  /** Bytes per millisecond each direction may carry; 0: no limit. */
  private bytesPerMs = 0;
  private slowCloseMs = 0;

  constructor(
    private readonly upstream: { host: string; port: number },
    setting: LatencySetting = { latencyMs: 0, jitterMs: 0 },
  ) {
    this.setting = { ...setting };
    this.server = net.createServer((client) => this.accept(client));
    this.server.on('error', () => {});
  }

  /** Listens on 127.0.0.1 (`port` 0: a free one) and resolves with the bound port. */
  listen(port = 0): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve((this.server.address() as net.AddressInfo).port);
      });
    });
  }

  get latency(): LatencySetting {
    return { ...this.setting };
  }

  /** Applies to chunks arriving from now on; chunks already queued keep their due time. */
  setLatency(setting: LatencySetting): void {
    if (!(setting.latencyMs >= 0) || !(setting.jitterMs >= 0)) throw new RangeError('latency and jitter must be >= 0 ms');
    this.setting = { ...setting };
  }

  /** The toxics in place, for tests and messages. */
  get toxics(): ProxyToxic[] {
    const out: ProxyToxic[] = [];
    if (this.partitioned) out.push({ kind: 'partition' });
    if (this.resetting) out.push({ kind: 'reset' });
    if (this.bytesPerMs > 0) out.push({ kind: 'bandwidth', bytesPerSecond: this.bytesPerMs * 1000 });
    if (this.slowCloseMs > 0) out.push({ kind: 'slow-close', delayMs: this.slowCloseMs });
    return out;
  }

  /** Puts a toxic in place (`on`) or lifts it; a `reset` put in place resets every open connection at once. */
  setToxic(toxic: ProxyToxic, on: boolean): void {
    switch (toxic.kind) {
      case 'partition':
        if (on === this.partitioned) return;
        this.partitioned = on;
        // Nothing is read while partitioned: what senders write waits in the kernel's buffers
        // (and the queue here keeps what had arrived), so it all flows, in order, on healing.
        for (const s of this.sockets) {
          if (on) s.pause();
          else s.resume();
        }
        if (!on) this.arm();
        return;
      case 'reset':
        this.resetting = on;
        if (on) for (const pair of [...this.pairs]) resetPair(pair);
        return;
      case 'bandwidth':
        if (on && !(toxic.bytesPerSecond > 0)) throw new RangeError('bandwidth must be above 0 bytes per second');
        this.bytesPerMs = on ? toxic.bytesPerSecond / 1000 : 0;
        return;
      case 'slow-close':
        if (on && !(toxic.delayMs >= 0)) throw new RangeError('slow-close delay must be >= 0 ms');
        this.slowCloseMs = on ? toxic.delayMs : 0;
        return;
    }
  }

  /** Closes the listener and every proxied connection. */
  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.sockets) s.destroy();
    this.pending.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.timer?.close();
    this.timer = undefined;
  }

  private accept(client: net.Socket): void {
    if (this.closed) {
      client.destroy();
      return;
    }
    if (this.resetting) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect({ host: this.upstream.host, port: this.upstream.port });
    // Nagle on a proxied request/response protocol would add tens of ms to small writes.
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const pair: Pair = { client, upstream };
    this.pairs.add(pair);
    let tearing = false;
    // A crash on either side (store killed, replica gone) ends the pair at once, as a real
    // network path would: the peer sees a reset, not a hang; with `slow-close`, only after its delay.
    const teardown = (): void => {
      if (tearing) return;
      tearing = true;
      const end = (): void => {
        client.destroy();
        upstream.destroy();
      };
      if (this.slowCloseMs > 0) setTimeout(end, this.slowCloseMs).unref();
      else end();
    };
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      if (this.partitioned) s.pause();
      s.on('error', teardown);
      // A clean close arrives as an `end` queued behind the data before it (see pipe()).
      s.on('close', (hadError) => {
        this.sockets.delete(s);
        if (client.destroyed && upstream.destroyed) this.pairs.delete(pair);
        if (hadError) teardown();
      });
    }
    this.pipe(client, upstream);
    this.pipe(upstream, client);
  }

  private pipe(from: net.Socket, to: net.Socket): void {
    const dir: Direction = { from, to, queue: [], head: 0, lastDueMs: 0 };
    from.on('data', (chunk: Buffer) => this.arrive(dir, chunk));
    from.on('end', () => this.arrive(dir, null));
  }

  private arrive(dir: Direction, chunk: Buffer | null): void {
    const { latencyMs, jitterMs } = this.setting;
    let oneWayMs = Math.max(0, latencyMs / 2 + (jitterMs > 0 ? (Math.random() - 0.5) * jitterMs : 0));
    // `slow-close`: the end of a stream reaches the other side this much later.
    if (chunk === null) oneWayMs += this.slowCloseMs;
    const transmitMs = chunk !== null && this.bytesPerMs > 0 ? chunk.length / this.bytesPerMs : 0;
    if (oneWayMs === 0 && transmitMs === 0 && dir.head === dir.queue.length && !this.partitioned) {
      deliver(dir, chunk);
      return;
    }
    // With a bandwidth limit a chunk leaves once the one before it has, and takes its size ÷ rate.
    const dueMs = Math.max(clockMs() + oneWayMs, dir.lastDueMs) + transmitMs;
    dir.lastDueMs = dueMs;
    dir.queue.push({ chunk, dueMs });
    this.pending.add(dir);
    this.arm();
  }

  private fire(): void {
    if (this.partitioned) return; // held until the partition heals (setToxic arms again)
    const now = clockMs() + DUE_SLACK_MS;
    for (const dir of this.pending) {
      while (dir.head < dir.queue.length && dir.queue[dir.head].dueMs <= now) {
        deliver(dir, dir.queue[dir.head].chunk);
        dir.head++;
      }
      if (dir.head === dir.queue.length) {
        dir.queue = [];
        dir.head = 0;
        this.pending.delete(dir);
      }
    }
    this.arm();
  }

  private arm(): void {
    if (this.partitioned) {
      this.timer?.disarm();
      return;
    }
    let next = Number.POSITIVE_INFINITY;
    for (const dir of this.pending) {
      const due = dir.queue[dir.head].dueMs;
      if (due < next) next = due;
    }
    if (next === Number.POSITIVE_INFINITY) {
      this.timer?.disarm();
      return;
    }
    this.timer ??= new PreciseTimer(() => this.fire());
    this.timer.arm(next);
  }
}

/** Both sides see a TCP reset (ECONNRESET), as Toxiproxy's reset_peer does. */
function resetPair(pair: Pair): void {
  if (!pair.client.destroyed) pair.client.resetAndDestroy();
  if (!pair.upstream.destroyed) pair.upstream.resetAndDestroy();
}

function deliver(dir: Direction, chunk: Buffer | null): void {
  if (dir.to.destroyed) return;
  if (chunk === null) {
    dir.to.end();
    return;
  }
  // Backpressure: a slow reader pauses the sender instead of growing buffers without bound.
  if (!dir.to.write(chunk) && !dir.from.isPaused()) {
    dir.from.pause();
    dir.to.once('drain', () => dir.from.resume());
  }
}
