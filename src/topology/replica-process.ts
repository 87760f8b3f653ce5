import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SECRET_ENV, STORE_URL_ENV, type ReplicaConfig, type ReplicaMessage } from '../../targets/protocol.js';
import { TargetStartError } from '../errors.js';
import type { CpuBudget } from '../process/cpu-budget.js';
import { waitHealthy } from '../process/health-check.js';
import { hasExited, killNow, stopProcess, terminate } from '../process/process-signals.js';
import { forkDyingWithParent } from '../process/parent-death.js';
import { guardPid, releasePid } from '../process/reaper.js';
import type { Replica, ReplicaState } from './types.js';

/** A replica that has not reported ready and answered /healthz by then failed to start. */
const START_TIMEOUT_MS = 10_000;
/** SIGTERM grace for a graceful stop before SIGKILL. */
const STOP_GRACE_MS = 3000;

/**
 * dist/src/topology → dist/targets/server.js. Under vitest this module is the .ts source in
 * src/topology, so fall back to the compiled server in dist (replicas always run compiled code).
 */
export function serverScript(): string {
  const here = fileURLToPath(new URL('../../targets/server.js', import.meta.url));
  return existsSync(here) ? here : fileURLToPath(new URL('../../dist/targets/server.js', import.meta.url));
}

/** One replica process: the `Replica` the rest of statebench sees, plus the means to break it. */
export class ReplicaProcess implements Replica {
  url = '';
  pid: number | undefined;
  state: ReplicaState = 'starting';
  private child: ChildProcess | undefined;
  private port = 0;
  private stderrTail = '';
  /** Set while statebench itself ends the process, so the exit is not mistaken for a crash. */
  private ending = false;

  /** `onState` hears every state change (the topology re-emits it as `replica-state`). */
  constructor(
    readonly name: string,
    private readonly config: Omit<ReplicaConfig, 'name' | 'port'>,
    /** The store's address and the topology's secret: given to the process by environment, never on its command line. */
    private readonly access: { storeUrl: string | undefined; secret: string },
    private readonly onState: (replica: ReplicaProcess) => void = () => {},
    /** Its CPU budget (`hosts.replicaCpu`): every start, restart and redeploy runs inside it. */
    private readonly cpu?: CpuBudget,
  ) {}

  /** Starts (again), on the previous port when there is one and it is still free. */
  async start(): Promise<void> {
    this.setState('starting');
    if (this.port !== 0) {
      try {
        await this.spawnOn(this.port);
        return;
      } catch (err) {
        if (!/EADDRINUSE/.test((err as Error).message)) throw err;
      }
    }
    await this.spawnOn(0);
  }

  /** SIGKILL; resolves once the process has exited. */
  async kill(): Promise<void> {
    this.ending = true;
    if (this.child !== undefined) await killNow(this.child);
    this.exited('killed');
  }

  /** SIGTERM (graceful: in-flight requests finish), SIGKILL after a grace period. */
  async stop(): Promise<void> {
    this.ending = true;
    if (this.child !== undefined) await terminate(this.child, STOP_GRACE_MS);
    this.exited('stopped');
  }

  async pause(): Promise<void> {
    if (this.child === undefined || hasExited(this.child)) throw new TargetStartError(`${this.name} is not running`);
    await stopProcess(this.child);
    this.setState('paused');
  }

  /** SIGCONT; resolves once /healthz answers. */
  async resume(): Promise<void> {
    if (this.child === undefined || hasExited(this.child)) throw new TargetStartError(`${this.name} is not running`);
    this.child.kill('SIGCONT');
    if (!(await waitHealthy(this.url, Date.now() + START_TIMEOUT_MS))) {
      throw new TargetStartError(`${this.name} did not answer /healthz after SIGCONT`);
    }
    this.setState('up');
  }

  /** True while the process exists (up, paused or starting). */
  get running(): boolean {
    return this.child !== undefined && !hasExited(this.child);
  }

  private exited(state: ReplicaState): void {
    this.pid = undefined;
    this.setState(state);
  }

  private setState(state: ReplicaState): void {
    if (this.state === state) return;
    this.state = state;
    this.onState(this);
  }

  private async spawnOn(port: number): Promise<void> {
    const config: ReplicaConfig = { ...this.config, name: this.name, port };
    this.stderrTail = '';
    this.ending = false;
    // Not the parent's flags (vitest loaders, --inspect): a replica is a plain node process, that
    // dies with statebench even when paused and the watchdog is gone (parent-death.ts).
    const dying = forkDyingWithParent();
    // Inside a budget, that is started by a shell that joins the group first (same pid, exec).
    const budgeted = this.cpu?.command(dying.execPath, dying.execArgv);
    const child = fork(serverScript(), ['--config', JSON.stringify(config)], {
      ...(budgeted === undefined ? dying : { execPath: budgeted.command, execArgv: budgeted.args }),
      env: { ...process.env, [SECRET_ENV]: this.access.secret, ...(this.access.storeUrl === undefined ? {} : { [STORE_URL_ENV]: this.access.storeUrl }) },
      // Own process group: a terminal Ctrl-C must reach statebench only, which then stops
      // replicas in order. IPC closing is how a replica learns statebench is gone.
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    child.stderr?.on('data', (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString('utf8')).slice(-2000);
    });
    child.on('error', () => {});
    this.child = child;
    const pid = child.pid;
    if (pid !== undefined) {
      guardPid(pid);
      child.once('exit', () => releasePid(pid));
    }
    // A replica that dies on its own (crash, OOM, external kill) is seen as killed.
    child.once('exit', () => {
      if (this.child === child && !this.ending && (this.state === 'up' || this.state === 'paused')) this.exited('killed');
    });

    const boundPort = await this.waitReady(child);
    this.port = boundPort;
    this.url = `http://127.0.0.1:${boundPort}`;
    if (!(await waitHealthy(this.url, Date.now() + START_TIMEOUT_MS))) {
      await killNow(child);
      throw new TargetStartError(`${this.name} reported ready but /healthz did not answer`);
    }
    this.pid = pid;
    this.setState('up');
  }

  private waitReady(child: ChildProcess): Promise<number> {
    return new Promise((resolve, reject) => {
      const fail = (message: string): void => {
        cleanup();
        killNow(child).finally(() => reject(new TargetStartError(`${this.name} failed to start: ${message}`)));
      };
      const onMessage = (m: ReplicaMessage): void => {
        if (m?.type === 'ready') {
          cleanup();
          resolve(m.port);
        } else if (m?.type === 'fatal') fail(m.message);
      };
      const onExit = (code: number | null, signal: string | null): void =>
        fail(`exited (${signal ?? code}) before ready${this.stderrTail ? `: ${this.stderrTail.trim()}` : ''}`);
      const timer = setTimeout(() => fail(`not ready within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
      const cleanup = (): void => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  }
}
