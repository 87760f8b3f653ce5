import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidInputError } from '../errors.js';
import { processCpuMs } from '../process/proc-stat.js';
import { freePort } from '../process/free-port.js';
import { sleep } from '../process/health-check.js';
import { hasExited, killNow, terminate, waitExit } from '../process/process-signals.js';
import { dieWithParent } from '../process/parent-death.js';
import { guardDir, guardPid, releaseDir, releasePid } from '../process/reaper.js';
import { BalancerCommandError, BalancerStartError, BalancerUnavailableError } from './balancer-errors.js';
import {
  BACKEND_NAME,
  FRONTEND_NAME,
  haproxyConfig,
  haproxyConfigProblems,
  serverAddress,
  serverKeywords,
  type BalancerServer,
  type HaproxyConfigOptions,
  type ServerAdminState,
} from './haproxy-config.js';
import { parseFrontendRequests, parseServerStats, runtimeCommand, type ServerStatus } from './haproxy-runtime-api.js';
import { haproxyVersion, type HaproxyVersion } from './haproxy-version.js';

/** How long a starting haproxy has to accept connections and answer on its runtime socket. */
const READY_TIMEOUT_MS = 5000;
/** Fresh ports to try when another process grabs ours between probe and bind. */
const PORT_ATTEMPTS = 3;
/** SIGTERM (HAProxy's hard stop: it exits at once, closing connections), then SIGKILL. */
const STOP_GRACE_MS = 2000;
/** `del server` is refused while the server still has idle pooled connections; they close within a few seconds. */
const DEL_SERVER_TIMEOUT_MS = 10_000;
/** Default longest wait in {@link HaproxyProcess.drain} for a server's in-flight requests to finish. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 5000;
const POLL_MS = 50;
/** Pre-declared server slots when servers cannot be added with `add server`. */
export const DEFAULT_SPARE_SLOTS = 4;
/** Placeholder address of a free slot; never contacted, since a free slot is in maintenance. */
const SLOT_PLACEHOLDER = { host: '127.0.0.1', port: 1 };

/**
 * How servers join at run time. `dynamic`: the runtime API's `add server` / `del server`
 * (HAProxy 2.4+). `slots`: the config declares spare servers in maintenance; adding one sets a
 * free slot's address (`set server … addr … port …`) and state `ready`, removing one puts it back
 * in maintenance. `slots` is the only way for `cookie` stickiness, since HAProxy 2.6 refuses a
 * `cookie` value on a dynamic server, and for HAProxy older than 2.4.
 */
export type AddServerMethod = 'dynamic' | 'slots';

export interface HaproxyProcessOptions extends Omit<HaproxyConfigOptions, 'port' | 'socketPath'> {
  /** Bind this port; default a free one (retried on EADDRINUSE). */
  port?: number;
  /** Default `haproxy` from the PATH. */
  binary?: string;
  /** Default: `dynamic` where the version allows it and stickiness is not `cookie`, else `slots`. */
  addServerMethod?: AddServerMethod;
  /** Slots declared for `slots` (default {@link DEFAULT_SPARE_SLOTS}); ignored for `dynamic`. */
  spareSlots?: number;
}

export interface DrainResult {
  /** True when the server's current sessions reached 0 before the timeout. */
  drained: boolean;
  tookMs: number;
  /** Current sessions when the wait ended (0 when drained). */
  currentSessions: number;
}

/** A server as statebench knows it: `name` is the replica's, `slot` the HAProxy server carrying it. */
interface ServerEntry {
  name: string;
  slot: string;
  host: string;
  port: number;
  state: ServerAdminState;
}

/** Balancers started and not yet stopped, so a normal exit that skipped stop() still ends them. */
const live = new Set<HaproxyProcess>();
let exitHookInstalled = false;

/** Stops every balancer still running (never throws); for the CLI's signal and crash handlers. */
export async function stopAllBalancers(): Promise<void> {
  await Promise.allSettled([...live].map((b) => b.stop()));
}

/**
 * One haproxy process statebench owns, in front of the replicas: 127.0.0.1 on a free port, in its
 * own process group, guarded by the watchdog (killed if statebench dies), restarted on the same
 * port so clients keep the one URL they know. Servers are changed the way an operator changes
 * them, through the runtime API on its unix socket; the config is rewritten from the current
 * servers on every (re)start, as a configuration manager would.
 */
export class HaproxyProcess {
  readonly version: HaproxyVersion;
  readonly addServerMethod: AddServerMethod;
  private readonly binary: string;
  private readonly configOptions: Omit<HaproxyConfigOptions, 'port' | 'socketPath' | 'servers'>;
  /** Replica name → entry. */
  private readonly servers = new Map<string, ServerEntry>();
  /** HAProxy servers declared in maintenance, carrying no replica (slots method only). */
  private readonly freeSlots: string[] = [];
  private child: ChildProcess | undefined;
  private dir: string | undefined;
  private portNumber: number;
  private config = '';
  private stderrTail = '';

  /** Undefined when `binary` is not installed; else its version. */
  static available(binary = 'haproxy'): HaproxyVersion | undefined {
    return haproxyVersion(binary);
  }

  /**
   * Checks everything before anything starts: throws {@link BalancerUnavailableError} when
   * haproxy is missing, {@link InvalidInputError} listing every bad setting.
   */
  constructor(options: HaproxyProcessOptions) {
    this.binary = options.binary ?? 'haproxy';
    const version = haproxyVersion(this.binary);
    if (version === undefined) throw new BalancerUnavailableError(this.binary);
    this.version = version;
    const { port, binary: _binary, addServerMethod, spareSlots, servers, ...configOptions } = options;
    this.configOptions = configOptions;
    this.portNumber = port ?? 0;
    const problems = haproxyConfigProblems({ ...configOptions, servers, port: port ?? 1, socketPath: '/tmp/x.sock' });
    const method = addServerMethod ?? (version.dynamicServers && !(options.mode === 'sticky' && options.stickiness === 'cookie') ? 'dynamic' : 'slots');
    if (method === 'dynamic' && !version.dynamicServers) {
      problems.push({ file: 'balancer', path: 'addServerMethod', message: `dynamic servers need HAProxy 2.4 or later (found ${version.text})` });
    }
    if (method === 'dynamic' && options.mode === 'sticky' && options.stickiness === 'cookie') {
      problems.push({ file: 'balancer', path: 'addServerMethod', message: 'cookie stickiness needs slots: HAProxy refuses a cookie on a dynamic server' });
    }
    const slots = spareSlots ?? DEFAULT_SPARE_SLOTS;
    if (!Number.isInteger(slots) || slots < 0) problems.push({ file: 'balancer', path: 'spareSlots', message: 'must be an integer of at least 0' });
    if (problems.length > 0) throw new InvalidInputError(problems);
    this.addServerMethod = method;
    for (const s of servers) this.servers.set(s.name, { name: s.name, slot: s.name, host: s.host, port: s.port, state: s.state ?? 'ready' });
    if (method === 'slots') for (let i = 1; i <= slots; i++) this.freeSlots.push(this.unusedSlotName(i));
  }

  get port(): number {
    return this.portNumber;
  }

  /** The one URL clients aim at: `http://127.0.0.1:PORT`. */
  get url(): string {
    return `http://127.0.0.1:${this.portNumber}`;
  }

  get pid(): number | undefined {
    return this.child !== undefined && !hasExited(this.child) ? this.child.pid : undefined;
  }

  get running(): boolean {
    return this.pid !== undefined;
  }

  /** The haproxy.cfg of the last (re)start. */
  get configText(): string {
    return this.config;
  }

  get socketPath(): string {
    if (this.dir === undefined) throw new BalancerStartError('haproxy has not been started');
    return join(this.dir, 'admin.sock');
  }

  /** utime + stime of the process so far, ms (undefined once it is gone): for CPU per request. */
  cpuMs(): number | undefined {
    const pid = this.pid;
    return pid === undefined ? undefined : processCpuMs(pid);
  }

  /** Starts on the given or a free port; resolves once it accepts connections and the runtime API answers. */
  async start(): Promise<void> {
    if (this.running) return;
    this.ensureDir();
    if (this.portNumber !== 0) {
      await this.spawnOn(this.portNumber);
      return;
    }
    let lastError: Error | undefined;
    for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
      try {
        await this.spawnOn(await freePort());
        return;
      } catch (err) {
        lastError = err as Error;
        if (!isAddressInUse(lastError)) break;
      }
    }
    throw lastError ?? new BalancerStartError('haproxy did not start');
  }

  /**
   * Starts again on the same port (clients know only this URL), from a config rewritten with the
   * current servers and addresses; drains set before are applied again. The stick table starts
   * empty: every sticky pin is forgotten, as with any single balancer restarted.
   */
  async restart(): Promise<void> {
    if (this.child !== undefined && !hasExited(this.child)) await terminate(this.child, STOP_GRACE_MS);
    if (this.portNumber === 0) return this.start();
    this.ensureDir();
    await this.spawnOn(this.portNumber);
    for (const s of this.servers.values()) {
      if (s.state === 'drain') await this.expectSilent(`set server ${BACKEND_NAME}/${s.slot} state drain`);
    }
  }

  /** SIGKILL, the `balancer-kill` fault: every connection through it is cut. Keeps the port for restart. */
  async kill(): Promise<void> {
    if (this.child !== undefined) await killNow(this.child);
  }

  /** Stops the process and removes its files. Idempotent; never throws. */
  async stop(): Promise<void> {
    try {
      if (this.child !== undefined) await terminate(this.child, STOP_GRACE_MS);
    } catch {
      // Already gone.
    }
    live.delete(this);
    if (this.dir !== undefined) {
      rmSync(this.dir, { recursive: true, force: true });
      releaseDir(this.dir);
      this.dir = undefined;
    }
  }

  /** One runtime API command line; the raw reply. */
  async command(line: string): Promise<string> {
    return runtimeCommand(this.socketPath, line);
  }

  /**
   * `set server replicas/<name> state ready|drain|maint`. `drain` stops new sessions but, per
   * HAProxy, still lets persistent (sticky) ones in; `maint` stops all traffic and checks.
   */
  async setServerState(name: string, state: ServerAdminState): Promise<void> {
    const s = this.entry(name);
    await this.expectSilent(`set server ${BACKEND_NAME}/${s.slot} state ${state}`);
    s.state = state;
  }

  /** `set server replicas/<name> addr <host> port <port>`: the replica came back elsewhere (a restart on a new port). */
  async setServerAddress(name: string, host: string, port: number): Promise<void> {
    const s = this.entry(name);
    await this.setSlotAddress(s.slot, host, port);
    s.host = host;
    s.port = port;
  }

  /**
   * Puts a new server in the balancer, taking traffic at once (health checks on): `add server`
   * + `enable health` + `enable server` (dynamic), or a free slot's address + `ready` (slots).
   */
  async addServer(name: string, host: string, port: number): Promise<void> {
    if (this.servers.has(name)) throw new BalancerCommandError(`add server ${name}`, `a server named ${name} is already in the balancer`);
    const problems = haproxyConfigProblems({ ...this.configOptions, servers: [{ name, host, port }], port: 1, socketPath: '/tmp/x.sock' });
    if (problems.length > 0) throw new InvalidInputError(problems);
    if (this.addServerMethod === 'dynamic') {
      const id = `${BACKEND_NAME}/${name}`;
      const words = serverKeywords(this.configOptions, { name }).join(' ');
      const reply = await this.command(`${this.version.dynamicServerPrefix}add server ${id} ${serverAddress(host, port)} ${words}`);
      if (!/New server registered/i.test(reply)) throw new BalancerCommandError(`add server ${id}`, reply);
      await this.expectSilent(`enable health ${id}`);
      await this.expectSilent(`set server ${id} state ready`);
      this.servers.set(name, { name, slot: name, host, port, state: 'ready' });
      return;
    }
    const slot = this.freeSlots[0];
    if (slot === undefined) throw new BalancerCommandError(`add server ${name}`, `no free server slot left (spareSlots)`);
    await this.setSlotAddress(slot, host, port);
    await this.expectSilent(`set server ${BACKEND_NAME}/${slot} state ready`);
    this.freeSlots.shift();
    this.servers.set(name, { name, slot, host, port, state: 'ready' });
  }

  /**
   * Takes a server out for good: maintenance first (no new traffic), then `del server`, retried
   * while HAProxy still holds pooled connections to it (dynamic); a slot goes back to the free list.
   * Drain first (see {@link drain}) for a graceful removal.
   */
  async delServer(name: string, timeoutMs = DEL_SERVER_TIMEOUT_MS): Promise<void> {
    const s = this.entry(name);
    const id = `${BACKEND_NAME}/${s.slot}`;
    await this.expectSilent(`set server ${id} state maint`);
    s.state = 'maint';
    if (this.addServerMethod === 'slots') {
      this.servers.delete(name);
      this.freeSlots.push(s.slot);
      return;
    }
    const deadlineMs = Date.now() + timeoutMs;
    for (;;) {
      const reply = await this.command(`${this.version.dynamicServerPrefix}del server ${id}`);
      if (/Server deleted/i.test(reply)) break;
      if (!/still has connections|connections attached|queue/i.test(reply) || Date.now() >= deadlineMs) {
        throw new BalancerCommandError(`del server ${id}`, reply);
      }
      await sleep(POLL_MS * 2);
    }
    this.servers.delete(name);
  }

  /** Every server carrying a replica (free slots left out), named by replica. */
  async serverStates(): Promise<ServerStatus[]> {
    const byslot = new Map([...this.servers.values()].map((s) => [s.slot, s.name]));
    const stats = parseServerStats(await this.command(`show stat ${BACKEND_NAME} 4 -1`), BACKEND_NAME);
    return stats.filter((st) => byslot.has(st.name)).map((st) => ({ ...st, name: byslot.get(st.name)! }));
  }

  /** One server's status; undefined when it is not in the balancer. */
  async serverState(name: string): Promise<ServerStatus | undefined> {
    return (await this.serverStates()).find((s) => s.name === name);
  }

  /** Requests the frontend has received since this process started (`req_tot`). */
  async requestsTotal(): Promise<number> {
    const reply = await this.command(`show stat ${FRONTEND_NAME} 1 -1`);
    const n = parseFrontendRequests(reply, FRONTEND_NAME);
    if (n === undefined) throw new BalancerCommandError('show stat', reply);
    return n;
  }

  /**
   * Sets `drain`, then waits until the server has no request in flight (`scur` 0) or `timeoutMs`
   * passes. Under round robin that takes about one request's time. Under sticky persistence a
   * drained server still receives its pinned sessions, so it empties only as those sessions end:
   * expect `drained: false` while pinned users keep shopping, and decide then (stop it anyway,
   * losing them, as a rolling deploy of sticky servers does).
   */
  async drain(name: string, opts: { timeoutMs?: number; pollMs?: number } = {}): Promise<DrainResult> {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS;
    const t0 = Date.now();
    await this.setServerState(name, 'drain');
    let current = Number.NaN;
    for (;;) {
      current = (await this.serverState(name))?.currentSessions ?? 0;
      if (current === 0) return { drained: true, tookMs: Date.now() - t0, currentSessions: 0 };
      if (Date.now() - t0 >= timeoutMs) return { drained: false, tookMs: Date.now() - t0, currentSessions: current };
      await sleep(opts.pollMs ?? POLL_MS);
    }
  }

  /** Polls until `predicate` holds for the server's status (undefined: not in the balancer); false after `timeoutMs`. */
  async waitForServer(name: string, predicate: (s: ServerStatus | undefined) => boolean, timeoutMs: number): Promise<boolean> {
    const deadlineMs = Date.now() + timeoutMs;
    for (;;) {
      if (predicate(await this.serverState(name))) return true;
      if (Date.now() >= deadlineMs) return false;
      await sleep(POLL_MS);
    }
  }

  private entry(name: string): ServerEntry {
    const s = this.servers.get(name);
    if (s === undefined) throw new BalancerCommandError(`server ${name}`, `no server named ${name} in the balancer`);
    return s;
  }

  private async setSlotAddress(slot: string, host: string, port: number): Promise<void> {
    const line = `set server ${BACKEND_NAME}/${slot} addr ${host} port ${port}`;
    const reply = await this.command(line);
    // HAProxy answers "IP changed from … port changed from …" or "no need to change the addr…".
    if (!/changed|no need to change/i.test(reply)) throw new BalancerCommandError(line, reply);
  }

  /** Commands that answer nothing (or a blank line) when they succeed. */
  private async expectSilent(line: string): Promise<void> {
    const reply = await this.command(line);
    if (reply.trim() !== '') throw new BalancerCommandError(line, reply);
  }

  private unusedSlotName(i: number): string {
    let name = `slot-${i}`;
    while (this.servers.has(name)) name = `${name}x`;
    return name;
  }

  private ensureDir(): void {
    if (this.dir !== undefined) return;
    this.dir = mkdtempSync(join(tmpdir(), 'statebench-haproxy-'));
    guardDir(this.dir);
  }

  private writeConfig(port: number): string {
    const servers: BalancerServer[] = [...this.servers.values()].map((s) => ({
      name: s.slot,
      host: s.host,
      port: s.port,
      state: s.state === 'maint' ? 'maint' : undefined,
    }));
    for (const slot of this.freeSlots) servers.push({ name: slot, ...SLOT_PLACEHOLDER, state: 'maint' });
    this.config = haproxyConfig({ ...this.configOptions, servers, port, socketPath: this.socketPath });
    const path = join(this.dir!, 'haproxy.cfg');
    writeFileSync(path, this.config);
    return path;
  }

  private async spawnOn(port: number): Promise<void> {
    const cfgPath = this.writeConfig(port);
    this.stderrTail = '';
    // -db: foreground, no master process, so the pid we hold is the one serving. Own process
    // group, so a terminal Ctrl-C reaches statebench alone and the stop order is ours.
    // Through setpriv where available: it dies with statebench even when the watchdog is gone.
    const run = dieWithParent(this.binary, ['-db', '-f', cfgPath]);
    const child = spawn(run.command, run.args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString('utf8')).slice(-4000);
    });
    child.on('error', (err) => {
      this.stderrTail += String(err);
    });
    if (child.pid !== undefined) {
      const pid = child.pid;
      guardPid(pid);
      child.once('exit', () => releasePid(pid));
    }
    this.child = child;
    this.portNumber = port;
    live.add(this);
    installExitHook();
    await this.waitReady(child, port);
  }

  private async waitReady(child: ChildProcess, port: number): Promise<void> {
    const deadlineMs = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadlineMs) {
      if (hasExited(child) || child.pid === undefined) {
        await waitExit(child, 100);
        throw new BalancerStartError(`haproxy exited during startup: ${alerts(this.stderrTail)}`);
      }
      if ((await accepts(port)) && (await this.command('show info').then((r) => r.includes('Name: HAProxy'), () => false))) return;
      await sleep(10);
    }
    await killNow(child);
    throw new BalancerStartError(`haproxy did not accept connections within ${READY_TIMEOUT_MS} ms: ${alerts(this.stderrTail)}`);
  }

  /** For the exit hook: SIGKILL now, synchronously. */
  killSync(): void {
    const pid = this.pid;
    if (pid === undefined) return;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const b of live) b.killSync();
  });
}

function isAddressInUse(err: Error): boolean {
  return /address already in use|cannot bind/i.test(err.message);
}

/** True when something accepts a TCP connection on 127.0.0.1:port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(300, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The [ALERT] lines of haproxy's stderr (why it refused to start), else its last lines. */
function alerts(stderr: string): string {
  const lines = stderr.trim().split('\n');
  const alertLines = lines.filter((l) => l.includes('[ALERT]'));
  return (alertLines.length > 0 ? alertLines : lines.slice(-3)).map((l) => l.trim()).join(' | ') || 'no output';
}
