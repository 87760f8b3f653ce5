import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReplicaConfig } from '../../targets/protocol.js';
import { ARCHITECTURE_NAMES, ARCHITECTURES, type Architecture } from '../architectures/index.js';
import { EXIT, InvalidInputError, StatebenchError } from '../errors.js';
import { CpuBudget } from '../process/cpu-budget.js';
import { guardDir, releaseDir } from '../process/reaper.js';
import type { StoreCounterReading, StoreInstance } from '../stores/store-backend.js';
import { STORE_DEFAULTS, type StoreOptions } from '../stores/store-options.js';
import { LatencyProxyProcess } from './latency-proxy-process.js';
import type { ProxyToxic } from './latency-proxy.js';
import { ReplicaProcess } from './replica-process.js';
import type { FrontBalancer, Replica, StoreHandle, Topology, TopologyOptions } from './types.js';

/** A fault the topology cannot apply, e.g. a store fault against a Redis it did not start. */
export class TopologyOperationError extends StatebenchError {
  constructor(message: string) {
    super(message, 'STATEBENCH_TOPOLOGY_OPERATION', EXIT.runFailed);
  }
}

/** Topologies started and not yet stopped, so the CLI can stop them all on Ctrl-C or a crash. */
const live = new Set<LiveTopology>();
let exitHookInstalled = false;

/**
 * Stops every live topology (never throws). The CLI calls it from its SIGINT/SIGTERM and
 * uncaught-error handlers; library code installs no signal handlers of its own.
 */
export async function stopAllTopologies(): Promise<void> {
  await Promise.allSettled([...live].map((t) => t.stop()));
}

/**
 * Starts the architecture's store (through its backend: a server on a free port, or a file in a
 * fresh temp dir), the latency proxy when asked, then `opts.replicas` replicas in parallel named
 * `replica-1..N`; resolves once every replica answers /healthz. On failure everything already
 * started is stopped before the error is thrown.
 */
export async function startTopology(opts: TopologyOptions): Promise<Topology> {
  const architecture = validate(opts);
  const topology = new LiveTopology(architecture, opts);
  live.add(topology);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // A normal exit that skipped stop(): children are still ours to end, synchronously.
    process.once('exit', () => {
      for (const t of live) t.killSync();
    });
  }
  try {
    await topology.init();
    return topology;
  } catch (err) {
    await topology.stop();
    throw err;
  }
}

function validate(opts: TopologyOptions): Architecture {
  const problems: { file: string; path: string; message: string }[] = [];
  const architecture = ARCHITECTURES.get(opts.architecture);
  if (architecture === undefined) {
    problems.push({ file: 'topology', path: 'architecture', message: `must be one of ${ARCHITECTURE_NAMES.join(', ')}` });
  }
  if (!Number.isInteger(opts.replicas) || opts.replicas < 1) {
    problems.push({ file: 'topology', path: 'replicas', message: 'must be an integer of at least 1' });
  }
  if (problems.length > 0 || architecture === undefined) throw new InvalidInputError(problems);
  return architecture;
}

class LiveTopology extends EventEmitter implements Topology {
  store: StoreHandle | undefined;
  balancer: FrontBalancer | undefined;
  private readonly list: ReplicaProcess[] = [];
  /** Every replica ever created, including ones starting or removed, so stop() misses none. */
  private readonly all = new Set<ReplicaProcess>();
  private readonly storeOptions: StoreOptions;
  private instance: StoreInstance | undefined;
  private proxy: LatencyProxyProcess | undefined;
  /** Latency proxies on the store's own links (replication lag), stopped with the topology. */
  private readonly linkProxies: LatencyProxyProcess[] = [];
  private tempDir: string | undefined;
  private readonly replicaConfig: Omit<ReplicaConfig, 'name' | 'port'>;
  /** Shared by every replica (the store's password, or a random cookie HMAC key); reaches them by environment only. */
  private secret = randomBytes(32).toString('base64url');
  /** Where replicas find the store (the proxy's address when there is one); by environment too. */
  private storeUrl: string | undefined;
  private nextIndex = 1;
  private stopping: Promise<void> | undefined;
  /** Every CPU budget made (removed at stop), and the cores of each component that has one. */
  private readonly budgets: CpuBudget[] = [];
  private readonly budgetCores = new Map<string, number>();

  constructor(
    readonly architecture: Architecture,
    private readonly opts: TopologyOptions,
  ) {
    super();
    this.storeOptions = { ...STORE_DEFAULTS, ...opts.store };
    this.replicaConfig = {
      store: architecture.targetStore,
      sessionTtlS: this.storeOptions.sessionTtlS,
      ...(this.storeOptions.rolling === undefined ? {} : { rolling: this.storeOptions.rolling }),
    };
  }

  get replicas(): readonly Replica[] {
    return this.list;
  }

  async init(): Promise<void> {
    await this.startStore();
    await Promise.all(Array.from({ length: this.opts.replicas }, () => this.createReplica()));
    // Parallel starts finish in any order; keep creation order as the contract says.
    this.list.sort((a, b) => replicaIndex(a) - replicaIndex(b));
  }

  async storeMemory() {
    try {
      return await this.instance?.memory?.();
    } catch {
      return undefined;
    }
  }

  processes(): Map<string, number> {
    const pids = new Map<string, number>();
    for (const r of this.list) if (r.running && r.pid !== undefined) pids.set(r.name, r.pid);
    for (const [name, pid] of this.instance?.processes() ?? []) {
      pids.set(name, pid);
      // Store processes are named by the backend (a failover renames them): recorded as seen.
      const storeCores = this.opts.hosts?.storeCpuCores;
      if (storeCores !== undefined) this.budgetCores.set(name.split('#')[0], storeCores);
    }
    const proxyPid = this.proxy?.pid;
    if (proxyPid !== undefined) pids.set('store-proxy', proxyPid);
    this.linkProxies.forEach((p, i) => {
      if (p.pid !== undefined) pids.set(`store-link-proxy-${i + 1}`, p.pid);
    });
    const balancerPid = this.balancer?.pid;
    if (balancerPid !== undefined) pids.set('balancer', balancerPid);
    return pids;
  }

  attachBalancer(balancer: FrontBalancer): void {
    this.assertRunning();
    this.balancer = balancer;
  }

  async killBalancer(): Promise<void> {
    await this.frontBalancer('balancer-kill').kill();
  }

  async restartBalancer(): Promise<void> {
    await this.frontBalancer('balancer-restart').restart();
  }

  private frontBalancer(op: string): FrontBalancer {
    this.assertRunning();
    if (this.balancer === undefined) throw new TopologyOperationError(`${op}: no balancer in front (requests go through the in-process router)`);
    return this.balancer;
  }

  cpuBudgets(): Map<string, number> {
    this.processes();
    return new Map(this.budgetCores);
  }

  async kill(name?: string): Promise<Replica> {
    const r = this.choose(name, (x) => x.state === 'up', 'kill');
    await r.kill();
    return r;
  }

  async restart(name?: string): Promise<Replica> {
    this.assertRunning();
    const r =
      name !== undefined
        ? this.find(name)
        : (this.list.find((x) => x.state === 'killed' || x.state === 'stopped') ?? this.choose(undefined, (x) => x.state === 'up', 'restart'));
    if (r.state === 'starting') throw new TopologyOperationError(`${r.name} is already starting`);
    if (r.running) await r.stop();
    await r.start();
    // Health checks bring it back on its old port by themselves; on a new port it must be told.
    await this.balancer?.join(r, { isNew: false });
    return r;
  }

  async pause(name?: string): Promise<Replica> {
    const r = this.choose(name, (x) => x.state === 'up', 'pause');
    await r.pause();
    return r;
  }

  async resume(name?: string): Promise<Replica> {
    const r = this.choose(name, (x) => x.state === 'paused', 'resume');
    await r.resume();
    return r;
  }

  async addReplica(): Promise<Replica> {
    this.assertRunning();
    return this.createReplica();
  }

  async removeReplica(name?: string): Promise<Replica> {
    this.assertRunning();
    let r: ReplicaProcess | undefined;
    if (name !== undefined) r = this.find(name);
    else {
      for (let i = this.list.length - 1; i >= 0 && r === undefined; i--) {
        if (this.list[i].state === 'up' || this.list[i].state === 'paused') r = this.list[i];
      }
    }
    if (r === undefined) throw new TopologyOperationError('removeReplica: no live replica to remove');
    // Out of the balancer first, as an orchestrator deregisters a replica before stopping it:
    // in-flight requests drain and no new one is sent to a closing port.
    this.list.splice(this.list.indexOf(r), 1);
    this.emit('replica-removed', r);
    await this.balancer?.leave(r, { forGood: true });
    await r.stop();
    this.all.delete(r);
    return r;
  }

  async redeploy(name: string): Promise<Replica> {
    this.assertRunning();
    const r = this.find(name);
    if (r.state === 'starting') throw new TopologyOperationError(`${r.name} is already starting`);
    this.emit('replica-removed', r);
    await this.balancer?.leave(r, { forGood: false });
    try {
      if (r.running) await r.stop();
      await r.start();
    } finally {
      // Back in the balancer even if the start failed: it then learns so from refusals and
      // health checks, as it would of any broken replica.
      if (this.list.includes(r)) {
        this.emit('replica-added', r);
        await this.balancer?.join(r, { isNew: false });
      }
    }
    return r;
  }

  async killStore(node?: string): Promise<void> {
    await this.ownedStore('process').kill(node);
  }

  async restartStore(node?: string): Promise<void> {
    await this.ownedStore('process').restart(node);
  }

  async pauseStore(): Promise<void> {
    await this.ownedStore('pause').pause();
  }

  async resumeStore(): Promise<void> {
    await this.ownedStore('pause').resume();
  }

  async setStoreLatency(setting: { latencyMs: number; jitterMs: number }): Promise<void> {
    this.assertRunning();
    if (this.proxy === undefined) {
      throw new TopologyOperationError(`setStoreLatency: no latency proxy in front of the store (architecture ${this.architecture.name}); start the topology with storeLatency`);
    }
    await this.proxy.set(setting);
  }

  async setStoreToxic(toxic: ProxyToxic, on: boolean): Promise<void> {
    this.assertRunning();
    if (this.proxy === undefined) {
      throw new TopologyOperationError(`setStoreToxic: no proxy in front of the store (architecture ${this.architecture.name}); start the topology with storeLatency`);
    }
    await this.proxy.toxic(toxic, on);
  }

  async failoverStore(): Promise<{ promoted: string; tookMs: number }> {
    const store = this.ownedStore('failover');
    if (store.failover === undefined) throw new TopologyOperationError('failoverStore: this store has no replica to promote');
    return store.failover();
  }

  stop(): Promise<void> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  /** Last resort from the process 'exit' hook, where nothing asynchronous can run. */
  killSync(): void {
    for (const r of this.all) if (r.running && r.pid !== undefined) trySignal(r.pid);
    this.instance?.killSync();
    this.balancer?.killSync();
    if (this.proxy?.pid !== undefined) trySignal(this.proxy.pid);
    for (const p of this.linkProxies) if (p.pid !== undefined) trySignal(p.pid);
    if (this.tempDir !== undefined) rmSync(this.tempDir, { recursive: true, force: true });
  }

  private async stopAll(): Promise<void> {
    live.delete(this);
    // The balancer first: no new request reaches replicas that are stopping.
    await this.balancer?.stop();
    await Promise.allSettled([...this.all].map((r) => r.stop()));
    // Both never throw; the watchdog still guards the pids if they failed.
    await Promise.allSettled([this.instance?.stop(), this.proxy?.stop(), ...this.linkProxies.map((p) => p.stop())]);
    // Empty now; one still holding a process is left to the watchdog.
    await Promise.allSettled(this.budgets.map((b) => b.remove()));
    if (this.tempDir !== undefined) {
      try {
        rmSync(this.tempDir, { recursive: true, force: true });
        releaseDir(this.tempDir);
      } catch {
        // Left for the watchdog, which removes it when statebench exits.
      }
    }
  }

  private async startStore(): Promise<void> {
    const backend = this.architecture.store;
    if (backend === undefined) return;
    const instance = await backend.start(
      {
        dir: this.makeTempDir(),
        persistence: this.storeOptions.persistence,
        sessionTtlS: this.storeOptions.sessionTtlS,
        maxMemoryBytes: this.storeOptions.maxMemoryBytes,
        ...(this.storeOptions.maxMemoryPolicy === undefined ? {} : { maxMemoryPolicy: this.storeOptions.maxMemoryPolicy }),
        linkProxy: (upstream, oneWayMs) => this.linkProxy(upstream, oneWayMs),
        ...(this.opts.hosts?.storeCpuCores === undefined ? {} : { cpuBudget: (name: string) => this.budget(name, this.opts.hosts!.storeCpuCores!) }),
      },
      this.storeOptions,
    );
    this.instance = instance;
    this.storeUrl = await this.proxied(instance);
    if (instance.secret !== undefined) this.secret = instance.secret;
    this.store = {
      kind: backend.name,
      get url() {
        return instance.url;
      },
      get pid() {
        return instance.processes().get('store');
      },
      version: instance.version,
    };
  }

  /**
   * The URL replicas should use: the store's own, or one pointing at the latency proxy in front
   * of it when the topology asks for store latency (from the start, so every connection goes
   * through it).
   */
  private async proxied(instance: StoreInstance): Promise<string> {
    if (this.opts.storeLatency === undefined) return instance.url;
    const address = instance.address;
    if (address === undefined) throw new TopologyOperationError(`${this.architecture.name}: its store has no network address for the latency proxy`);
    this.proxy = new LatencyProxyProcess(address, this.opts.storeLatency);
    await this.proxy.start();
    const parsed = new URL(instance.url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(this.proxy.port);
    return parsed.toString();
  }

  /** A latency proxy on one of the store's own links, delaying each direction by `oneWayMs`; resolves with its port. */
  private async linkProxy(upstream: { host: string; port: number }, oneWayMs: number): Promise<number> {
    // The proxy's figure is a round trip, half each way.
    const proxy = new LatencyProxyProcess(upstream, { latencyMs: 2 * oneWayMs, jitterMs: 0 });
    this.linkProxies.push(proxy);
    await proxy.start();
    return proxy.port;
  }

  /** The store's own counters now (Redis `INFO stats`); undefined when it has none. */
  async storeCounters(): Promise<StoreCounterReading | undefined> {
    return this.instance?.counters?.();
  }

  private makeTempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), `statebench-${this.architecture.name}-`));
    this.tempDir = dir;
    guardDir(dir);
    return dir;
  }

  /** A CPU budget for one process, removed when the topology stops. */
  private budget(name: string, cores: number): CpuBudget {
    const budget = CpuBudget.create(`${this.architecture.name}-${name}`, cores);
    this.budgets.push(budget);
    return budget;
  }

  private async createReplica(): Promise<ReplicaProcess> {
    const name = `replica-${this.nextIndex++}`;
    const cores = this.opts.hosts?.replicaCpuCores;
    const cpu = cores === undefined ? undefined : this.budget(name, cores);
    if (cores !== undefined) this.budgetCores.set(name, cores);
    const r = new ReplicaProcess(name, this.replicaConfig, { storeUrl: this.storeUrl, secret: this.secret }, (x) => this.emit('replica-state', x), cpu);
    this.all.add(r);
    try {
      await r.start();
    } catch (err) {
      this.all.delete(r);
      throw err;
    }
    if (this.stopping !== undefined) {
      // stop() ran while this replica was starting; it was in `all`, so it has been stopped.
      await r.stop();
      throw new TopologyOperationError('topology stopped while a replica was starting');
    }
    this.list.push(r);
    // Replicas started together (init, `scale: +N`) come up in any order; the list stays in
    // creation order, so "the newest" that removeReplica takes is the highest-numbered one.
    this.list.sort((a, b) => replicaIndex(a) - replicaIndex(b));
    this.emit('replica-added', r);
    // Replicas of the first start are in the balancer's configuration already.
    await this.balancer?.join(r, { isNew: true });
    return r;
  }

  private find(name: string): ReplicaProcess {
    const r = this.list.find((x) => x.name === name);
    if (r === undefined) {
      throw new TopologyOperationError(`no replica named ${name} (have ${this.list.map((x) => x.name).join(', ')})`);
    }
    return r;
  }

  /** The named replica, or a random one matching `eligible`. */
  private choose(name: string | undefined, eligible: (r: ReplicaProcess) => boolean, op: string): ReplicaProcess {
    this.assertRunning();
    if (name !== undefined) return this.find(name);
    const candidates = this.list.filter(eligible);
    if (candidates.length === 0) throw new TopologyOperationError(`${op}: no replica in a state that allows it`);
    return candidates[Math.floor(Math.random() * candidates.length)];
  }

  /** The running store, when the store fault needing `action` can act on it; else why not. */
  private ownedStore(action: 'process' | 'pause' | 'failover'): StoreInstance {
    this.assertRunning();
    const backend = this.architecture.store;
    if (backend === undefined || this.instance === undefined) {
      throw new TopologyOperationError(`${this.architecture.name} keeps sessions ${this.architecture.stateLives}: there is no store to act on`);
    }
    const refusal = backend.refuses(action, this.storeOptions);
    if (refusal !== undefined) throw new TopologyOperationError(`${this.architecture.name}: ${refusal}`);
    return this.instance;
  }

  private assertRunning(): void {
    if (this.stopping !== undefined) throw new TopologyOperationError('the topology has been stopped');
  }
}

function replicaIndex(r: Replica): number {
  return Number(r.name.slice(r.name.lastIndexOf('-') + 1));
}

function trySignal(pid: number): void {
  try {
    process.kill(pid, 'SIGCONT');
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
