import { createHash } from 'node:crypto';
import { mkdir, open, readFile, stat, statfs, unlink } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { InvalidInputError } from '../errors.js';
import { readProcStat } from '../process/proc-stat.js';
import { guardDir, releaseDir } from '../process/reaper.js';
import { formatSize } from '../syntax/units.js';
import { defaultResultPathFor, writeFileDurably } from './write-result.js';

/** Less free space than this where the result goes is refused before the run: a result is a few MB at most. */
const MIN_FREE_BYTES = 4 * 1024 * 1024;
/** The longest file name most file systems take, in bytes. */
const MAX_NAME_BYTES = 255;
/** Default names tried (`…-2.json`, `…-3.json`) when runs started in the same second. */
const MAX_SUFFIX = 100;

/** What `save` and `finish` write: a run's result, or a sweep's (its points instead of architectures). */
export interface SavedResult {
  complete: boolean;
  incompleteReason?: string;
  startedAt: string;
  finishedAt: string;
  architectures?: readonly unknown[];
  points?: readonly unknown[];
}

/** How the final write went: at the path asked for, in a fallback file instead, or nowhere. */
export type SaveOutcome =
  | { saved: 'asked'; path: string }
  | { saved: 'fallback'; path: string; asked: string; error: string }
  | { saved: 'nowhere'; asked: string; error: string };

export interface ReserveOptions {
  /** `--out`, when given. */
  requested?: string;
  scenarioName: string;
  /** ISO time, for the default name. */
  startedAt: string;
  /** Replace an existing file at `requested` (`--force`). */
  force?: boolean;
  /** Where default names go (default `results`). */
  dir?: string;
}

/**
 * The result file of one run, from before the run to its end. `reserve` checks the path and
 * claims it (a lock file beside it, so two runs never write the same file, removed by the
 * watchdog should statebench be killed); `save` rewrites it after every architecture, marked
 * unfinished, so a SIGKILL loses at most the architecture in progress; `finish` writes the final
 * result, or, when that fails, a fallback file whose path it returns.
 */
export class ResultFile {
  private chain: Promise<void> = Promise.resolve();
  private saveError: string | undefined;

  private constructor(
    /** Where the result is written. */
    readonly path: string,
    private readonly lockPath: string,
  ) {}

  /**
   * Checks and claims the result path before anything starts. Throws InvalidInputError (exit 2)
   * naming `--out` for an empty path, a directory, an existing file without `force`, a name too
   * long, a directory that cannot be created or written, a full disk, or another run writing it.
   */
  static async reserve(opts: ReserveOptions): Promise<ResultFile> {
    const field = opts.requested === undefined ? 'result path' : '--out';
    if (opts.requested !== undefined) return ResultFile.claim(opts.requested, field, opts.force ?? false);
    const base = defaultResultPathFor(opts.scenarioName, opts.startedAt, opts.dir);
    for (let n = 1; n <= MAX_SUFFIX; n++) {
      const candidate = n === 1 ? base : base.replace(/\.json$/, `-${n}.json`);
      try {
        return await ResultFile.claim(candidate, field, false, true);
      } catch (err) {
        if (!(err instanceof TakenError)) throw err;
      }
    }
    throw refusal(field, base, `${MAX_SUFFIX} results of this name already exist`);
  }

  private static async claim(file: string, field: string, force: boolean, quietlyTaken = false): Promise<ResultFile> {
    if (file.trim() === '') throw refusal(field, file, 'the path is empty: give a file such as `results/mine.json`');
    const resolved = path.resolve(file);
    if (Buffer.byteLength(path.basename(resolved)) > MAX_NAME_BYTES) throw refusal(field, file, `the file name is longer than ${MAX_NAME_BYTES} bytes`);
    const existing = await stat(resolved).catch(() => undefined);
    if (existing?.isDirectory()) throw refusal(field, file, 'is a directory: give a file path such as `results/mine.json`');
    if (existing !== undefined && !existing.isFile()) throw refusal(field, file, 'is not a regular file');
    if (existing !== undefined && quietlyTaken) throw new TakenError();
    if (existing !== undefined && !force) {
      throw refusal(field, file, 'already exists: pass `--force` to replace it, or choose another path (an existing result is never replaced silently)');
    }
    const dir = path.dirname(resolved);
    try {
      await mkdir(dir, { recursive: true });
    } catch (err) {
      throw refusal(field, file, `cannot create its directory ${dir}: ${errnoWords(err)}`);
    }
    const lockPath = path.join(dir, `.statebench-lock-${createHash('sha256').update(path.basename(resolved)).digest('hex').slice(0, 16)}`);
    await takeLock(lockPath, field, file, quietlyTaken);
    try {
      const fs = await statfs(dir);
      const free = fs.bavail * fs.bsize;
      if (free < MIN_FREE_BYTES) throw refusal(field, file, `only ${formatSize(free)} free on its file system: at least ${formatSize(MIN_FREE_BYTES)} needed`);
    } catch (err) {
      if (err instanceof InvalidInputError) {
        await unlink(lockPath).catch(() => {});
        throw err;
      }
      // statfs is not everywhere; the lock file written above already proved the directory writable.
    }
    guardDir(lockPath);
    return new ResultFile(file, lockPath);
  }

  /**
   * Rewrites the file with what is measured so far, marked unfinished (`complete: false`), after
   * the writes before it. Never rejects: a failure is kept for `finish` to report.
   */
  save(result: SavedResult, total: number): Promise<void> {
    const done = result.points === undefined ? `${result.architectures?.length ?? 0} of ${total} architecture runs` : `${result.points.length} of ${total} points`;
    const snapshot: SavedResult = {
      ...result,
      complete: false,
      incompleteReason: result.complete ? `unfinished: saved after ${done} (statebench stopped, or was still running)` : result.incompleteReason,
      finishedAt: new Date().toISOString(),
    };
    const text = `${JSON.stringify(snapshot, null, 2)}\n`;
    this.chain = this.chain.then(() =>
      writeFileDurably(this.path, text).then(
        () => {
          this.saveError = undefined;
        },
        (err: unknown) => {
          this.saveError = errnoWords(err);
        },
      ),
    );
    return this.chain;
  }

  /** Writes the final result where asked, or in a fallback file when that fails; never rejects. */
  async finish(result: SavedResult): Promise<SaveOutcome> {
    await this.chain;
    const text = `${JSON.stringify(result, null, 2)}\n`;
    let error: string;
    try {
      await writeFileDurably(this.path, text);
      return { saved: 'asked', path: this.path };
    } catch (err) {
      error = errnoWords(err);
    }
    const name = `statebench-result-${result.startedAt.replace(/[:.]/g, '-')}-${process.pid}.json`;
    for (const dir of [tmpdir(), homedir(), process.cwd()]) {
      const fallback = path.join(dir, name);
      try {
        await writeFileDurably(fallback, text);
        return { saved: 'fallback', path: fallback, asked: this.path, error };
      } catch {
        // Next place.
      }
    }
    return { saved: 'nowhere', asked: this.path, error };
  }

  /** The last incremental save's failure, if the latest one failed. */
  get lastSaveError(): string | undefined {
    return this.saveError;
  }

  /** Gives the path up for other runs. */
  async release(): Promise<void> {
    await this.chain;
    await unlink(this.lockPath).catch(() => {});
    releaseDir(this.lockPath);
  }
}

/** A default name some other run has or had: try the next one. */
class TakenError extends Error {}

async function takeLock(lockPath: string, field: string, file: string, quietlyTaken: boolean): Promise<void> {
  const me = `${process.pid} ${readProcStat(process.pid)?.startTime ?? ''}\n`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockPath, 'wx', 0o644);
      try {
        await handle.writeFile(me);
        await handle.sync();
      } finally {
        await handle.close();
      }
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw refusal(field, file, `cannot write in its directory: ${errnoWords(err)}`);
    }
    const owner = await readFile(lockPath, 'utf8').catch(() => '');
    const [pid, startTime] = owner.trim().split(' ');
    if (ownerAlive(Number(pid), startTime)) {
      if (quietlyTaken) throw new TakenError();
      throw refusal(field, file, `another statebench run (pid ${pid}) is writing it: two runs never write the same file`);
    }
    // Left by a run that was killed before its watchdog could remove it.
    await unlink(lockPath).catch(() => {});
  }
  throw refusal(field, file, 'could not claim it: another run keeps taking it');
}

function ownerAlive(pid: number, startTime: string | undefined): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  const stat = readProcStat(pid);
  if (stat !== undefined) return stat.state !== 'Z' && (startTime === undefined || startTime === '' || stat.startTime === startTime);
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function refusal(field: string, file: string, message: string): InvalidInputError {
  return new InvalidInputError([{ file: field, path: '', message: `${file === '' ? "''" : file}: ${message}` }]);
}

/** A file system error in plain words, with its code for searching. */
export function errnoWords(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  const words: Record<string, string> = {
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is exceeded',
    EROFS: 'the file system is read-only',
    EACCES: 'permission denied',
    EPERM: 'not permitted',
    EISDIR: 'is a directory',
    ENOTDIR: 'a part of the path is not a directory',
    EEXIST: 'a file is in the way',
    ENAMETOOLONG: 'the name is too long',
    ENOENT: 'no such directory',
    EIO: 'an input/output error',
  };
  return code !== undefined && code in words ? `${words[code]} (${code})` : ((err as Error)?.message ?? String(err));
}
