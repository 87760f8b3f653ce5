import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import net from 'node:net';
import { TargetStartError } from '../errors.js';
import { freePort } from '../process/free-port.js';
import { sleep } from '../process/health-check.js';
import { hasExited, killNow, stopProcess, terminate, waitExit } from '../process/process-signals.js';
import { dieWithParent } from '../process/parent-death.js';
import type { CpuBudget } from '../process/cpu-budget.js';
import { guardPid, releasePid } from '../process/reaper.js';

/** How long a starting or resumed redis-server has to answer PING. */
const READY_TIMEOUT_MS = 10_000;
const PING_TIMEOUT_MS = 300;
/** Fresh ports to try when another process grabs ours between probe and bind. */
const PORT_ATTEMPTS = 3;

let available: boolean | undefined;

/** True when `redis-server` is on the PATH (checked once). */
export function redisAvailable(): boolean {
  if (available === undefined) {
    const r = spawnSync('redis-server', ['--version'], { stdio: 'ignore', timeout: 5000 });
    available = r.error === undefined && r.status === 0;
  }
  return available;
}

/** `redis-server --version` output, e.g. `7.0.15`, for the result's environment. */
export function redisVersion(): string | undefined {
  const r = spawnSync('redis-server', ['--version'], { encoding: 'utf8', timeout: 5000 });
  return /v=(\S+)/.exec(r.stdout ?? '')?.[1];
}

/**
 * True when something at 127.0.0.1:port answers an inline PING with +PONG, after `AUTH password`
 * when one is given (a server with `requirepass` answers PING with -NOAUTH otherwise).
 */
export function pingRedis(port: number, timeoutMs = PING_TIMEOUT_MS, password?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let reply = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    // RESP, not inline: a password is sent as one bulk string whatever it holds.
    const auth = password === undefined ? '' : `*2\r\n$4\r\nAUTH\r\n$${Buffer.byteLength(password)}\r\n${password}\r\n`;
    socket.on('connect', () => socket.write(`${auth}PING\r\n`));
    socket.on('data', (d) => {
      reply += d.toString('latin1');
      const lines = reply.split('\r\n');
      const expected = password === undefined ? 1 : 2;
      if (lines.length > expected) done(lines[expected - 1] === '+PONG' && (password === undefined || lines[0] === '+OK'));
    });
    socket.on('error', () => done(false));
  });
}

/**
 * `INFO <section>` of the Redis at 127.0.0.1:port as `field → value` (numbers only), after AUTH
 * when a password is given; rejects when it does not answer in time.
 */
export function redisInfo(port: number, password: string | undefined, section: string, timeoutMs = 1000): Promise<Map<string, number>> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let reply = '';
    const fail = (why: string): void => {
      socket.destroy();
      reject(new Error(`redis at 127.0.0.1:${port} did not answer INFO ${section}: ${why}`));
    };
    socket.setTimeout(timeoutMs, () => fail('timed out'));
    const bulk = (word: string): string => `$${Buffer.byteLength(word)}\r\n${word}\r\n`;
    const auth = password === undefined ? '' : `*2\r\n${bulk('AUTH')}${bulk(password)}`;
    socket.on('connect', () => socket.write(`${auth}*2\r\n${bulk('INFO')}${bulk(section)}`));
    socket.on('data', (d) => {
      reply += d.toString('latin1');
      if (password !== undefined && !reply.startsWith('+OK\r\n')) {
        if (reply.includes('\r\n')) fail(reply.split('\r\n')[0]);
        return;
      }
      const body = password === undefined ? reply : reply.slice(5);
      const header = /^\$(\d+)\r\n/.exec(body);
      if (body.startsWith('-')) return fail(body.split('\r\n')[0]);
      if (header === null || body.length < header[0].length + Number(header[1])) return;
      socket.destroy();
      const fields = new Map<string, number>();
      for (const m of body.slice(header[0].length).matchAll(/^([a-z_]+):(-?\d+(?:\.\d+)?)\r$/gm)) fields.set(m[1], Number(m[2]));
      resolve(fields);
    });
    socket.on('error', (err) => fail(err.message));
  });
}

export interface RedisServerOptions {
  /** Directory for redis-server's working files (owned and removed by the caller). */
  dir: string;
  /** `appendonly yes`: data survives `kill` + `restart`. Off by default, like a cache. */
  persistence?: boolean;
  /** More arguments, e.g. `['--replicaof', '127.0.0.1', '6380']` for a replica. */
  args?: string[];
  /**
   * Run as a Sentinel with this config file (Sentinel rewrites it, so it must be writable); its
   * own authentication settings are the caller's to write there.
   */
  sentinelConfig?: string;
  /**
   * The password clients must give (`requirepass`, and `masterauth` for a replica). Default: a
   * random one. It goes into a config file of mode 0600 in `dir`, never on the command line,
   * where any local user reads it with `ps`.
   */
  password?: string;
  /** Every start and restart runs inside this CPU budget (`hosts.storeCpu`). */
  cpu?: CpuBudget;
}

/** A password for a Redis statebench starts: 144 random bits, URL-safe. */
export function randomRedisPassword(): string {
  return randomBytes(18).toString('base64url');
}

let configSequence = 0;

/**
 * A redis-server process statebench owns: started on a free port, restarted on the same port
 * (so replicas reconnect to the URL they know), killed, paused and resumed as store faults.
 */
export class RedisServer {
  port = 0;
  /** What clients authenticate with (see RedisServerOptions.password). */
  readonly password: string;
  private child: ChildProcess | undefined;
  private logTail = '';

  constructor(private readonly options: RedisServerOptions) {
    this.password = options.password ?? randomRedisPassword();
  }

  /** `redis://:<password>@127.0.0.1:<port>`: reaches replicas by environment only (targets/protocol.ts). */
  get url(): string {
    return `redis://:${encodeURIComponent(this.password)}@127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child !== undefined && !hasExited(this.child) ? this.child.pid : undefined;
  }

  /** Starts on a free port; resolves when it answers PING. */
  async start(): Promise<void> {
    let lastError: Error | undefined;
    for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
      try {
        await this.spawnOn(await freePort());
        return;
      } catch (err) {
        lastError = err as Error;
        if (!/Address already in use/i.test(lastError.message)) break;
      }
    }
    throw lastError ?? new TargetStartError('redis-server did not start');
  }

  /** SIGKILL; resolves once it has exited. Without persistence every session is gone. */
  async kill(): Promise<void> {
    if (this.child !== undefined) await killNow(this.child);
  }

  /** Starts again on the same port (the one replicas know); resolves when it answers PING. */
  async restart(): Promise<void> {
    if (this.child !== undefined && !hasExited(this.child)) await terminate(this.child, 2000);
    await this.spawnOn(this.port);
  }

  /** SIGSTOP: connections stay open and commands hang, as with a stalled host. */
  async pause(): Promise<void> {
    if (this.child !== undefined && !hasExited(this.child)) await stopProcess(this.child);
  }

  /** SIGCONT; resolves when it answers PING again. */
  async resume(): Promise<void> {
    if (this.child === undefined || hasExited(this.child)) return;
    this.child.kill('SIGCONT');
    await this.waitReady(this.child);
  }

  /** Stops the process; without persistence there is nothing to flush, so SIGKILL is enough. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    if (this.options.persistence) await terminate(child, 2000);
    else await killNow(child);
  }

  private async spawnOn(port: number): Promise<void> {
    const args = [
      ...(this.options.sentinelConfig === undefined ? [this.writeAuthConfig()] : [this.options.sentinelConfig, '--sentinel']),
      '--port', String(port),
      '--bind', '127.0.0.1',
      '--save', '',
      '--appendonly', this.options.persistence ? 'yes' : 'no',
      '--daemonize', 'no',
      '--dir', this.options.dir,
      '--logfile', '',
      ...(this.options.args ?? []),
    ];
    this.logTail = '';
    // Own process group, so a terminal Ctrl-C reaches statebench alone and the stop order is ours.
    // Through setpriv where available: it dies with statebench even when the watchdog is gone.
    const run = dieWithParent('redis-server', args);
    const line = this.options.cpu?.command(run.command, run.args) ?? run;
    const child = spawn(line.command, line.args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const keepTail = (d: Buffer): void => {
      this.logTail = (this.logTail + d.toString('utf8')).slice(-2000);
    };
    child.stdout?.on('data', keepTail);
    child.stderr?.on('data', keepTail);
    child.on('error', (err) => keepTail(Buffer.from(String(err))));
    if (child.pid !== undefined) {
      const pid = child.pid;
      guardPid(pid);
      child.once('exit', () => releasePid(pid));
    }
    this.child = child;
    this.port = port;
    await this.waitReady(child);
  }

  /** The config file with the password (mode 0600 in the server's directory); its path is all `ps` shows. */
  private writeAuthConfig(): string {
    const file = join(this.options.dir, `redis-auth-${process.pid}-${++configSequence}.conf`);
    // A password with a quote or newline could not be written here; ours never has one.
    if (/["\s\\]/.test(this.password)) throw new TargetStartError('a Redis password must not contain spaces, quotes or backslashes');
    writeFileSync(file, `requirepass "${this.password}"\nmasterauth "${this.password}"\n`, { mode: 0o600 });
    return file;
  }

  private async waitReady(child: ChildProcess): Promise<void> {
    const deadlineMs = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadlineMs) {
      if (hasExited(child) || child.pid === undefined) {
        await waitExit(child, 100);
        throw new TargetStartError(`redis-server exited during startup: ${lastLine(this.logTail)}`);
      }
      if (await pingRedis(this.port, PING_TIMEOUT_MS, this.password)) return;
      await sleep(10);
    }
    await killNow(child);
    throw new TargetStartError(`redis-server did not answer PING within ${READY_TIMEOUT_MS} ms`);
  }
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines.slice(-3).join(' | ') || 'no output';
}
