import { EventEmitter } from 'node:events';
import http from 'node:http';
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Architecture } from '../architectures/architecture.js';
import { EXIT, StatebenchError } from '../errors.js';
import { waitHealthy } from '../process/health-check.js';
import { HEADER_REPLICA } from '../../targets/protocol.js';
import { EXTERNAL_COMMANDS, type ExternalReplicaSpec, type ExternalTargets } from './external-spec.js';
import { commandFailure, fillCommand, runShellCommand } from './shell-command.js';
import type { FrontBalancer, Replica, ReplicaState, StoreHandle, Topology } from './types.js';

/** How long a replica has to answer `/healthz` when the topology is discovered. */
const IDENTIFY_TIMEOUT_MS = 3000;
/** How often host names are resolved again, so pods a Deployment replaced join and deleted ones leave. */
const DEFAULT_REFRESH_MS = 2000;

/** One problem with an external topology, at a path inside its entry (`replicas[1]`). */
export interface ExternalProblem {
  path: string;
  message: string;
}

/**
 * The external topology cannot be used as described: a replica that does not answer, two that
 * answer with one name, a command that needs a `{pid}` nobody gave. Invalid input (exit 2): it is
 * found before any load starts.
 */
export class ExternalTopologyError extends StatebenchError {
  constructor(readonly problems: ExternalProblem[]) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join('; '), 'STATEBENCH_EXTERNAL_TOPOLOGY', EXIT.invalidInput);
  }
}

/** An operation the external topology cannot carry out (no command for it, or a command that failed). */
export class ExternalOperationError extends StatebenchError {
  constructor(message: string) {
    super(message, 'STATEBENCH_EXTERNAL_OPERATION', EXIT.runFailed);
  }
}

/** Resolves a host name to the addresses to use: IPv4 when it has any (a headless Service's pods), else IPv6. */
export type HostLookup = (host: string) => Promise<string[]>;

const defaultLookup: HostLookup = async (host) => {
  if (isIP(host) !== 0) return [host];
  const all = await dnsLookup(host, { all: true });
  const v4 = all.filter((a) => a.family === 4).map((a) => a.address);
  return v4.length > 0 ? v4 : all.map((a) => a.address);
};

/** A replica found behind an entry of `replicas:`. */
interface Found {
  url: string;
  host: string;
  port: number;
  pid?: number;
  /** Index of the entry in `replicas:`. */
  entry: number;
}

/** `http://10.0.0.7:8080` for an address and the entry's port. */
function originOf(address: string, port: number): string {
  return `http://${isIP(address) === 6 ? `[${address}]` : address}:${port}`;
}

/** The addresses behind every entry; problems name the entry. */
async function resolveEntries(specs: readonly ExternalReplicaSpec[], lookup: HostLookup): Promise<{ found: Found[]; problems: ExternalProblem[] }> {
  const problems: ExternalProblem[] = [];
  const lists = await Promise.all(
    specs.map(async (spec, entry): Promise<Found[]> => {
      const parsed = new URL(spec.url);
      const port = Number(parsed.port || 80);
      const host = parsed.hostname.replace(/^\[|\]$/g, '');
      let addresses: string[];
      try {
        addresses = await lookup(host);
      } catch (err) {
        problems.push({ path: `replicas[${entry}]`, message: `${spec.url}: the host name does not resolve (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` });
        return [];
      }
      if (addresses.length === 0) problems.push({ path: `replicas[${entry}]`, message: `${spec.url}: the host name resolves to no address` });
      // A pid belongs to one process: it cannot stand for every address of a name.
      const pid = addresses.length === 1 ? spec.pid : undefined;
      return addresses.map((address) => ({ url: originOf(address, port), host: address, port, entry, ...(pid === undefined ? {} : { pid }) }));
    }),
  );
  return { found: lists.flat(), problems };
}

/** The name a replica answers `/healthz` with (its `X-Replica`), or why it does not answer. */
function identify(url: string, timeoutMs: number): Promise<{ name: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/healthz`, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      const name = res.headers[HEADER_REPLICA];
      if (res.statusCode !== 200) resolve({ error: `/healthz answered ${res.statusCode}` });
      else if (typeof name !== 'string' || name === '') resolve({ error: `/healthz answered without an \`${HEADER_REPLICA}\` header: not statebench's shop` });
      else resolve({ name });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: `nothing answers /healthz (${err.code ?? err.message})` }));
  });
}

/** A replica found and named, with what its commands may say about it. */
export interface ExternalReplicaInfo {
  name: string;
  url: string;
  host: string;
  port: number;
  pid?: number;
  entry: number;
}

/**
 * Every replica of an external topology: its entries resolved, each address asked for its name on
 * `/healthz`. Throws {@link ExternalTopologyError} naming each entry that does not resolve or
 * answer, and names answered twice.
 */
export async function discoverReplicas(specs: readonly ExternalReplicaSpec[], lookup: HostLookup = defaultLookup): Promise<ExternalReplicaInfo[]> {
  const { found, problems } = await resolveEntries(specs, lookup);
  const named = await Promise.all(found.map(async (f) => ({ f, id: await identify(f.url, IDENTIFY_TIMEOUT_MS) })));
  const byName = new Map<string, Found>();
  const replicas: ExternalReplicaInfo[] = [];
  for (const { f, id } of named) {
    if ('error' in id) {
      problems.push({ path: `replicas[${f.entry}]`, message: `${f.url}: ${id.error}` });
      continue;
    }
    const twin = byName.get(id.name);
    if (twin !== undefined) {
      problems.push({ path: `replicas[${f.entry}]`, message: `${f.url} and ${twin.url} both answer as \`${id.name}\`: the same replica listed twice, or replicas without their own name` });
      continue;
    }
    byName.set(id.name, f);
    replicas.push({ name: id.name, ...f });
  }
  if (problems.length > 0) throw new ExternalTopologyError(problems);
  return replicas;
}

class ExternalReplica implements Replica {
  state: ReplicaState = 'up';
  constructor(
    readonly name: string,
    public url: string,
    readonly host: string,
    readonly port: number,
    public pid: number | undefined,
  ) {}
}

/** Options of {@link startExternalTopology}. */
export interface ExternalTopologyOptions {
  architecture: Architecture;
  targets: ExternalTargets;
  /**
   * `--allow-exec`: without it no command runs, whatever the scenario says (the run refuses such
   * a scenario before it starts; this is the second lock).
   */
  allowExec: boolean;
  /** How often host names are resolved again; default 2 s. Static addresses are never re-resolved. */
  refreshMs?: number;
  lookup?: HostLookup;
}

/**
 * Replicas and a store someone else runs (pods, containers, another machine's processes), under
 * the same Topology interface as the ones statebench starts, so the load, the router and the
 * faults work unchanged. What statebench cannot do itself it asks of the scenario's commands;
 * operations without a command (scale, deploy, store latency) are refused.
 */
export async function startExternalTopology(opts: ExternalTopologyOptions): Promise<Topology> {
  const lookup = opts.lookup ?? defaultLookup;
  const found = await discoverReplicas(opts.targets.replicas, lookup);
  return new ExternalTopology(opts, found, lookup);
}

class ExternalTopology extends EventEmitter implements Topology {
  readonly store: StoreHandle | undefined;
  readonly balancer: FrontBalancer | undefined = undefined;
  private list: ExternalReplica[];
  private refresher: NodeJS.Timeout | undefined;
  private refreshing = false;
  private stopped = false;

  constructor(
    private readonly opts: ExternalTopologyOptions,
    found: ExternalReplicaInfo[],
    private readonly lookup: HostLookup,
  ) {
    super();
    this.list = found.map((f) => new ExternalReplica(f.name, f.url, f.host, f.port, f.pid));
    const store = opts.targets.store;
    this.store = store === undefined ? undefined : { kind: store.kind, url: store.url, pid: undefined, version: undefined };
    if (opts.targets.replicas.some((r) => isIP(new URL(r.url).hostname.replace(/^\[|\]$/g, '')) === 0)) {
      this.refresher = setInterval(() => void this.refresh(), opts.refreshMs ?? DEFAULT_REFRESH_MS);
      this.refresher.unref();
    }
  }

  get architecture(): Architecture {
    return this.opts.architecture;
  }

  get replicas(): readonly Replica[] {
    return this.list;
  }

  /** Replicas on this machine whose pid the scenario gave, while they run: their CPU is the run's, not foreign. */
  processes(): Map<string, number> {
    const pids = new Map<string, number>();
    for (const r of this.list) if (r.pid !== undefined && (r.state === 'up' || r.state === 'paused')) pids.set(r.name, r.pid);
    return pids;
  }

  attachBalancer(): void {
    throw new ExternalOperationError('an external topology has no balancer statebench starts: route with the in-process router');
  }

  async killBalancer(): Promise<void> {
    this.unsupported('balancer-kill');
  }

  async restartBalancer(): Promise<void> {
    this.unsupported('balancer-restart');
  }

  async kill(name?: string): Promise<Replica> {
    const r = this.choose(name, (x) => x.state === 'up' || x.state === 'paused', 'kill');
    await this.run('kill', this.replicaValues(r));
    this.setState(r, 'killed');
    return r;
  }

  async restart(name?: string): Promise<Replica> {
    const r = name !== undefined ? this.find(name) : (this.list.find((x) => x.state === 'killed' || x.state === 'stopped') ?? this.choose(undefined, () => true, 'restart'));
    this.setState(r, 'starting');
    await this.run('restart', this.replicaValues(r));
    await this.healthy(r, 'restart');
    this.setState(r, 'up');
    return r;
  }

  async pause(name?: string): Promise<Replica> {
    const r = this.choose(name, (x) => x.state === 'up', 'pause');
    await this.run('pause', this.replicaValues(r));
    this.setState(r, 'paused');
    return r;
  }

  async resume(name?: string): Promise<Replica> {
    const r = this.choose(name, (x) => x.state === 'paused', 'resume');
    await this.run('resume', this.replicaValues(r));
    await this.healthy(r, 'resume');
    this.setState(r, 'up');
    return r;
  }

  async addReplica(): Promise<Replica> {
    return this.unsupported('scale');
  }

  async removeReplica(): Promise<Replica> {
    return this.unsupported('scale');
  }

  async redeploy(): Promise<Replica> {
    return this.unsupported('deploy');
  }

  async killStore(): Promise<void> {
    await this.run('store-kill', this.storeValues());
  }

  async restartStore(): Promise<void> {
    await this.run('store-restart', this.storeValues());
  }

  async pauseStore(): Promise<void> {
    await this.run('store-pause', this.storeValues());
  }

  async resumeStore(): Promise<void> {
    await this.run('store-resume', this.storeValues());
  }

  async setStoreLatency(): Promise<void> {
    this.unsupported('store-latency');
  }

  async setStoreToxic(): Promise<void> {
    this.unsupported('a network fault between replicas and store');
  }

  async failoverStore(): Promise<{ promoted: string; tookMs: number }> {
    return this.unsupported('store-failover');
  }

  /** Stops re-resolving; what runs out there is not statebench's to stop. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.refresher !== undefined) clearInterval(this.refresher);
  }

  killSync(): void {
    void this.stop();
  }

  private unsupported(kind: string): never {
    throw new ExternalOperationError(`\`${kind}\` is not supported on an external topology: statebench cannot do it to replicas it did not start`);
  }

  /** Runs the scenario's command for `key`; rejects with the command's failure. */
  private async run(key: string, values: Record<string, string | undefined>): Promise<void> {
    if (this.stopped) throw new ExternalOperationError('the topology has been stopped');
    const template = this.opts.targets.commands[key];
    if (template === undefined) throw new ExternalOperationError(`no \`${key}\` command for ${this.opts.architecture.name} in topology.external`);
    if (!this.opts.allowExec) throw new ExternalOperationError(`\`${key}\` would run a command, and this run was not given --allow-exec`);
    const command = fillCommand(template, values);
    const timeoutMs = this.opts.targets.commandTimeoutMs;
    const record = await runShellCommand(command, timeoutMs);
    const failure = commandFailure(record, timeoutMs);
    if (failure !== undefined) throw new ExternalOperationError(failure);
  }

  /** Waits, within the command timeout, for the replica to answer `/healthz` again. */
  private async healthy(r: ExternalReplica, op: string): Promise<void> {
    const timeoutMs = this.opts.targets.commandTimeoutMs;
    if (!(await waitHealthy(r.url, Date.now() + timeoutMs, 50))) {
      throw new ExternalOperationError(`${op}: ${r.name} did not answer ${r.url}/healthz within ${timeoutMs} ms after its command`);
    }
  }

  private replicaValues(r: ExternalReplica): Record<string, string | undefined> {
    return { replica: r.name, url: r.url, host: r.host, port: String(r.port), pid: r.pid === undefined ? undefined : String(r.pid) };
  }

  private storeValues(): Record<string, string | undefined> {
    const store = this.opts.targets.store;
    if (store === undefined) return {};
    let host: string | undefined;
    let port: string | undefined;
    try {
      const parsed = new URL(store.url);
      host = parsed.hostname || undefined;
      port = parsed.port || undefined;
    } catch {
      // A path (an SQLite file) has no host.
    }
    return { store_kind: store.kind, store_url: store.url, store_host: host, store_port: port };
  }

  private setState(r: ExternalReplica, state: ReplicaState): void {
    r.state = state;
    this.emit('replica-state', r);
  }

  private find(name: string): ExternalReplica {
    const r = this.list.find((x) => x.name === name);
    if (r === undefined) throw new ExternalOperationError(`no replica named ${name} (have ${this.list.map((x) => x.name).join(', ')})`);
    return r;
  }

  private choose(name: string | undefined, eligible: (r: ExternalReplica) => boolean, op: string): ExternalReplica {
    if (name !== undefined) return this.find(name);
    const candidates = this.list.filter(eligible);
    if (candidates.length === 0) throw new ExternalOperationError(`${op}: no replica in a state that allows it`);
    return candidates[Math.floor(Math.random() * candidates.length)];
  }

  /**
   * Host names again: an address that appeared is a new replica once it answers `/healthz` (a pod
   * a Deployment made), one that disappeared leaves (a deleted pod). Never overlapping, never
   * throwing: a failed lookup leaves the list as it is.
   */
  private async refresh(): Promise<void> {
    if (this.refreshing || this.stopped) return;
    this.refreshing = true;
    try {
      const { found } = await resolveEntries(this.opts.targets.replicas, this.lookup);
      if (this.stopped) return;
      const urls = new Set(found.map((f) => f.url));
      for (const r of [...this.list]) {
        if (urls.has(r.url)) continue;
        this.list = this.list.filter((x) => x !== r);
        this.emit('replica-removed', r);
      }
      for (const f of found) {
        if (this.list.some((r) => r.url === f.url)) continue;
        const id = await identify(f.url, IDENTIFY_TIMEOUT_MS);
        if ('error' in id || this.stopped || this.list.some((r) => r.name === id.name)) continue;
        const r = new ExternalReplica(id.name, f.url, f.host, f.port, f.pid);
        this.list = [...this.list, r];
        this.emit('replica-added', r);
      }
    } catch {
      // Next time.
    } finally {
      this.refreshing = false;
    }
  }
}

/** The command keys a scenario may give, for validation messages. */
export const EXTERNAL_COMMAND_KEYS: readonly string[] = Object.keys(EXTERNAL_COMMANDS);
