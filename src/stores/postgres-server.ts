import { spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, chmodSync, chownSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { Client } from 'pg';
import { TargetStartError } from '../errors.js';
import { freePort } from '../process/free-port.js';
import { sleep } from '../process/health-check.js';
import { hasExited, killNow, stopProcess, waitExit } from '../process/process-signals.js';
import { guardPid, releasePid } from '../process/reaper.js';
import { SESSION_TABLE, SESSION_TABLE_DDL } from '../../targets/stores/postgres-schema.js';
import type { CpuBudget } from '../process/cpu-budget.js';
import { spawnOwned, type OwnedProcess } from './owned-process.js';
import { childProcesses, isRunning, isStoppedOrGone, signalProcess, type ProcessRef } from './process-tree.js';
import type { StoreInstance, StoreMemory, StoreStartOptions } from './store-backend.js';

/** The role and database replicas use; the role is the throwaway cluster's only (super)user. */
export const POSTGRES_USER = 'statebench';
export const POSTGRES_DATABASE = 'statebench';

/** initdb of an empty cluster takes about a second here; a busy machine gets ample slack. */
const INITDB_TIMEOUT_MS = 60_000;
/** Startup, crash recovery after a kill, or a resume: until it accepts a login and answers. */
const READY_TIMEOUT_MS = 30_000;
const PROBE_TIMEOUT_MS = 500;
/** Readiness probes log in here: it always exists, and nothing else uses it. */
const PROBE_DATABASE = 'template1';
/** How long backends get to notice their postmaster's death before they are killed too. */
const ORPHAN_EXIT_MS = 5000;
/** A fast shutdown (SIGINT) ends sessions and checkpoints; past this, SIGKILL. */
const SHUTDOWN_GRACE_MS = 3000;
/** Fresh ports to try when another process grabs ours between probe and bind. */
const PORT_ATTEMPTS = 3;
/** Unix socket paths longer than this do not fit `sockaddr_un` (108 bytes with the NUL). */
const MAX_SOCKET_PATH = 100;

/**
 * What `persistence` changes. Off, the cluster trades durability for speed as a cache would:
 * no fsync, commits acknowledged before their WAL is written (a kill loses the last ~0.6 s of
 * commits, 3 × wal_writer_delay), no full-page images. On, PostgreSQL's defaults.
 */
export const POSTGRES_DURABILITY: Record<'persistent' | 'volatile', Record<string, string>> = {
  persistent: { fsync: 'on', synchronous_commit: 'on', full_page_writes: 'on' },
  volatile: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' },
};

/** Where initdb and postgres are, and their version. */
export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  /** e.g. `15.20`. */
  version: string | undefined;
}

let binaries: PostgresBinaries | null | undefined;

/**
 * The PostgreSQL server binaries: from the PATH when both `initdb` and `postgres` are on it,
 * else Debian's /usr/lib/postgresql/<major>/bin, highest major first (Debian keeps them off the
 * PATH). Looked up once; undefined when there are none.
 */
export function findPostgresBinaries(): PostgresBinaries | undefined {
  if (binaries !== undefined) return binaries ?? undefined;
  const candidates = (process.env.PATH ?? '').split(delimiter).filter((d) => d !== '');
  let versions: string[] = [];
  try {
    versions = readdirSync('/usr/lib/postgresql').filter((v) => /^\d+(\.\d+)?$/.test(v));
  } catch {
    // No Debian layout.
  }
  versions.sort((a, b) => Number(b) - Number(a));
  candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  binaries = null;
  for (const dir of candidates) {
    const initdb = join(dir, 'initdb');
    const postgres = join(dir, 'postgres');
    if (!isExecutable(initdb) || !isExecutable(postgres)) continue;
    const r = spawnSync(postgres, ['--version'], { encoding: 'utf8', timeout: 5000 });
    if (r.error !== undefined || r.status !== 0) continue;
    binaries = { initdb, postgres, version: /\(PostgreSQL\) (\S+)/.exec(r.stdout ?? '')?.[1] };
    break;
  }
  return binaries ?? undefined;
}

/** True when statebench can run its own PostgreSQL here: the binaries exist, and as root an unprivileged user to run them as. */
export function postgresAvailable(): boolean {
  return findPostgresBinaries() !== undefined && (!isRoot() || unprivilegedUser() !== undefined);
}

/** The server version, e.g. `15.20`, for the result's environment. */
export function postgresVersion(): string | undefined {
  return findPostgresBinaries()?.version;
}

/** A user to run PostgreSQL as. */
export interface RunAs {
  name: string;
  uid: number;
  gid: number;
}

/**
 * PostgreSQL refuses to run as root. Then it runs as `postgres` (the user Debian's package
 * creates for its own cluster; it owns nothing of ours) or, without that user, as `nobody`.
 */
export function unprivilegedUser(): RunAs | undefined {
  let passwd: string;
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch {
    return undefined;
  }
  for (const name of ['postgres', 'nobody']) {
    const line = passwd.split('\n').find((l) => l.startsWith(name + ':'));
    const fields = line?.split(':');
    if (fields !== undefined && fields.length >= 4 && Number(fields[2]) > 0) {
      return { name, uid: Number(fields[2]), gid: Number(fields[3]) };
    }
  }
  return undefined;
}

/**
 * A PostgreSQL cluster statebench owns, never the machine's own: `initdb` into the caller's
 * temporary directory, then `postgres` on a free port bound to 127.0.0.1 (its Unix socket in the
 * data directory, which only the server's user can enter). The one role logs in over TCP with a
 * random password (SCRAM), handed out in `url`; it never appears on a command line (initdb reads
 * it from a file that is deleted at once).
 *
 * Faults: `kill` is SIGKILL of the postmaster, then a wait until its backends, which notice their
 * parent's death, are gone (`restart` on the same port then runs crash recovery); `pause`
 * SIGSTOPs the postmaster and every child it has (each backend sits in a process group of its
 * own, so one signal to a group would miss them); `resume` continues them all.
 */
export class PostgresServer implements StoreInstance {
  readonly version: string | undefined;
  /** The role's password (also inside `url`), for callers that pass the secret apart from the address. */
  readonly password = randomBytes(18).toString('base64url');

  /** Replicas log in with it (StoreInstance.secret). */
  get secret(): string {
    return this.password;
  }
  /** The settings `persistence` chose (see POSTGRES_DURABILITY). */
  readonly durability: Record<string, string>;
  /** The user the server runs as when statebench runs as root, else undefined (statebench's own user). */
  readonly runAs: RunAs | undefined;
  private readonly dataDir: string;
  private port = 0;
  private proc: OwnedProcess | undefined;
  /** The postmaster starts inside it (`hosts.storeCpu`), so every backend it forks is born there. */
  private readonly cpu: CpuBudget | undefined;
  /** Children frozen by `pause`, guarded by the watchdog until resumed (a stopped backend cannot see its postmaster die). */
  private paused: ProcessRef[] = [];

  private constructor(
    private readonly bin: PostgresBinaries,
    private readonly options: StoreStartOptions,
  ) {
    this.version = bin.version;
    this.durability = POSTGRES_DURABILITY[options.persistence ? 'persistent' : 'volatile'];
    this.dataDir = join(options.dir, 'pgdata');
    this.runAs = isRoot() ? unprivilegedUser() : undefined;
    this.cpu = options.cpuBudget?.('store');
  }

  /** initdb, start on a free port, create the database and the session table; resolves when ready. */
  static async start(options: StoreStartOptions): Promise<PostgresServer> {
    const bin = findPostgresBinaries();
    if (bin === undefined) {
      throw new TargetStartError('PostgreSQL server binaries (initdb, postgres) not found: install the postgresql package');
    }
    const server = new PostgresServer(bin, options);
    if (isRoot() && server.runAs === undefined) {
      throw new TargetStartError('PostgreSQL will not run as root, and there is no postgres or nobody user to run it as');
    }
    try {
      await server.initdb();
      await server.listen();
      await server.createSchema();
    } catch (err) {
      await server.stop();
      throw err;
    }
    return server;
  }

  get url(): string {
    return `postgres://${POSTGRES_USER}:${this.password}@127.0.0.1:${this.port}/${POSTGRES_DATABASE}`;
  }

  get address(): { host: string; port: number } {
    return { host: '127.0.0.1', port: this.port };
  }

  /** The postmaster's pid while it runs. */
  get pid(): number | undefined {
    const child = this.proc?.child;
    return child !== undefined && !hasExited(child) ? child.pid : undefined;
  }

  /** `store`: the postmaster; `store#<pid>`: each process it forked (backends, checkpointer, WAL writer…), whose CPU is the store's too. */
  processes(): Map<string, number> {
    const pid = this.pid;
    if (pid === undefined) return new Map();
    const pids = new Map([['store', pid]]);
    for (const child of childProcesses(pid)) pids.set(`store#${child.pid}`, child.pid);
    return pids;
  }

  /** SIGKILL of the postmaster; resolves once it and every backend it had are gone. */
  async kill(): Promise<void> {
    const child = this.proc?.child;
    if (child === undefined || hasExited(child)) return;
    const orphans = child.pid === undefined ? [] : childProcesses(child.pid);
    await killNow(child);
    // Backends frozen by a pause cannot notice their parent's death: they go down with it, as on a power-cycled host.
    for (const c of this.paused) signalProcess(c, 'SIGKILL');
    await this.awaitGone([...orphans, ...this.paused]);
  }

  /** Starts again on the same port; after a kill PostgreSQL runs crash recovery first. Resolves when it answers. */
  async restart(): Promise<void> {
    await this.kill();
    // A killed postmaster leaves its lock file; nothing of ours runs on this directory any more.
    rmSync(join(this.dataDir, 'postmaster.pid'), { force: true });
    await this.spawnOn(this.port);
  }

  /**
   * SIGSTOP of the postmaster first (so it forks nothing new), then of each child; resolves once
   * the kernel reports them all stopped. Connections stay open and queries hang.
   */
  async pause(): Promise<void> {
    const child = this.proc?.child;
    if (child === undefined || hasExited(child) || child.pid === undefined) return;
    await stopProcess(child);
    const children = childProcesses(child.pid);
    for (const c of children) {
      guardPid(c.pid);
      signalProcess(c, 'SIGSTOP');
    }
    this.paused.push(...children);
    const deadlineMs = Date.now() + 2000;
    while (Date.now() < deadlineMs && !children.every(isStoppedOrGone)) await sleep(2);
  }

  /** SIGCONT to every process `pause` stopped; resolves when the server accepts a login again. */
  async resume(): Promise<void> {
    this.continueAll();
    const child = this.proc?.child;
    if (child !== undefined && !hasExited(child)) await this.waitReady(child);
  }

  /** A fast shutdown (SIGINT: sessions ended, a checkpoint), SIGKILL past the grace; never throws. */
  async stop(): Promise<void> {
    try {
      const child = this.proc?.child;
      if (child !== undefined && !hasExited(child)) {
        const orphans = child.pid === undefined ? [] : childProcesses(child.pid);
        this.continueAll();
        child.kill('SIGINT');
        if (!(await waitExit(child, SHUTDOWN_GRACE_MS))) await killNow(child);
        await this.awaitGone(orphans);
      }
      this.continueAll();
    } catch {
      // stop never throws: what is left, the watchdog ends.
    }
  }

  killSync(): void {
    const pid = this.pid;
    if (pid === undefined) return;
    const children = childProcesses(pid);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    for (const c of children) signalProcess(c, 'SIGKILL');
  }

  private continueAll(): void {
    this.proc?.child.kill('SIGCONT');
    for (const c of this.paused) {
      signalProcess(c, 'SIGCONT');
      releasePid(c.pid);
    }
    this.paused = [];
  }

  /** Waits until these processes have exited; SIGKILLs those still there after ORPHAN_EXIT_MS. */
  private async awaitGone(refs: ProcessRef[]): Promise<void> {
    const deadlineMs = Date.now() + ORPHAN_EXIT_MS;
    while (refs.some(isRunning) && Date.now() < deadlineMs) await sleep(10);
    for (const r of refs) signalProcess(r, 'SIGKILL');
    while (refs.some(isRunning) && Date.now() < deadlineMs + 2000) await sleep(10);
    for (const r of refs) releasePid(r.pid);
    this.paused = this.paused.filter(isRunning);
  }

  /** The spawn options that run a server binary as the right user, with nothing of our environment that libpq or initdb would read. */
  private spawnOptions(): { cwd: string; env: NodeJS.ProcessEnv; uid?: number; gid?: number } {
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' };
    return this.runAs === undefined ? { cwd: this.dataDir, env } : { cwd: this.dataDir, env, uid: this.runAs.uid, gid: this.runAs.gid };
  }

  private async initdb(): Promise<void> {
    const pwFile = join(this.options.dir, 'pgpass');
    mkdirSync(this.dataDir, { mode: 0o700 });
    writeFileSync(pwFile, this.password + '\n', { mode: 0o600 });
    if (this.runAs !== undefined) {
      // The server's user must reach its data directory inside ours; it may not list ours.
      chmodSync(this.options.dir, 0o711);
      chownSync(this.dataDir, this.runAs.uid, this.runAs.gid);
      chownSync(pwFile, this.runAs.uid, this.runAs.gid);
    }
    const args = [
      '-D', this.dataDir,
      '-U', POSTGRES_USER,
      `--pwfile=${pwFile}`,
      // TCP logins need the password; the socket lives in the 0700 data directory, so trust there
      // lets in only the server's own user (and root).
      '--auth-host=scram-sha-256',
      '--auth-local=trust',
      '-E', 'UTF8',
      '--locale=C',
      // A throwaway cluster: skipping initdb's fsync of ~40 MB saves seconds on a busy disk.
      '--no-sync',
      '--no-instructions',
    ];
    try {
      const proc = spawnOwned(this.bin.initdb, args, this.spawnOptions());
      if (!(await waitExit(proc.child, INITDB_TIMEOUT_MS))) {
        await killNow(proc.child);
        throw new TargetStartError(`initdb did not finish within ${INITDB_TIMEOUT_MS} ms`);
      }
      if (proc.child.exitCode !== 0) throw new TargetStartError(`initdb failed: ${proc.logTail()}`);
    } finally {
      rmSync(pwFile, { force: true });
    }
  }

  private async listen(): Promise<void> {
    let lastError: Error | undefined;
    for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
      try {
        await this.spawnOn(await freePort());
        return;
      } catch (err) {
        lastError = err as Error;
        if (!/already in use|could not create any TCP\/IP sockets/i.test(lastError.message)) break;
      }
    }
    throw lastError ?? new TargetStartError('postgres did not start');
  }

  private async spawnOn(port: number): Promise<void> {
    const socketDir = join(this.dataDir, `.s.PGSQL.${port}`).length <= MAX_SOCKET_PATH ? this.dataDir : '';
    const settings: Record<string, string> = {
      listen_addresses: '127.0.0.1',
      unix_socket_directories: socketDir,
      ...this.durability,
    };
    const args = ['-D', this.dataDir, '-p', String(port)];
    for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);
    const proc = spawnOwned(this.bin.postgres, args, this.spawnOptions(), this.cpu);
    this.proc = proc;
    this.port = port;
    await this.waitReady(proc.child);
  }

  /** Polls with a real login until the server answers `SELECT 1` (it refuses logins while starting or recovering). */
  private async waitReady(child: ChildProcess): Promise<void> {
    const deadlineMs = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadlineMs) {
      if (hasExited(child) || child.pid === undefined) {
        await waitExit(child, 100);
        throw new TargetStartError(`postgres exited during startup: ${this.proc?.logTail() ?? 'no output'}`);
      }
      if (await this.answers(PROBE_DATABASE)) return;
      await sleep(20);
    }
    await killNow(child);
    throw new TargetStartError(`postgres did not accept a login within ${READY_TIMEOUT_MS} ms: ${this.proc?.logTail() ?? ''}`);
  }

  /**
   * The session table's size with its index and TOAST (`pg_total_relation_size`: what the
   * sessions take on disk and in shared buffers) and its row count; undefined when it does not answer.
   */
  async memory(): Promise<StoreMemory | undefined> {
    if (this.pid === undefined) return undefined;
    const client = this.client(POSTGRES_DATABASE, PROBE_TIMEOUT_MS);
    try {
      await client.connect();
      const { rows } = await client.query<{ bytes: string; sessions: string }>(
        `SELECT pg_total_relation_size('${SESSION_TABLE}') AS bytes, (SELECT count(*) FROM ${SESSION_TABLE}) AS sessions`,
      );
      return { bytes: Number(rows[0].bytes), measure: 'session table size (pg_total_relation_size)', sessions: Number(rows[0].sessions) };
    } catch {
      return undefined;
    } finally {
      await client.end().catch(() => {});
    }
  }

  private async answers(database: string): Promise<boolean> {
    const client = this.client(database, PROBE_TIMEOUT_MS);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  }

  private async createSchema(): Promise<void> {
    const admin = this.client(PROBE_DATABASE, 5000);
    try {
      await admin.connect();
      // initdb's empty `postgres` database becomes ours: instant, where CREATE DATABASE copies
      // template1 through the WAL (1.5 s here on a busy machine).
      await admin.query(`ALTER DATABASE postgres RENAME TO ${POSTGRES_DATABASE}`);
    } finally {
      await admin.end().catch(() => {});
    }
    const db = this.client(POSTGRES_DATABASE, 5000);
    try {
      await db.connect();
      for (const statement of SESSION_TABLE_DDL) await db.query(statement);
    } finally {
      await db.end().catch(() => {});
    }
  }

  private client(database: string, timeoutMs: number): Client {
    const client = new Client({
      host: '127.0.0.1',
      port: this.port,
      user: POSTGRES_USER,
      password: this.password,
      database,
      connectionTimeoutMillis: timeoutMs,
      query_timeout: timeoutMs,
    });
    // A server killed under an open probe must not crash statebench with an unhandled 'error'.
    client.on('error', () => {});
    return client;
  }
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return existsSync(path);
  } catch {
    return false;
  }
}
