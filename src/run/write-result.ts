import { mkdir, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { RunResult } from '../result/types.js';

/** `results/2026-11-27T05-04-23-kill-one-replica.json`: sortable, and safe in every file system. */
export function defaultResultPath(result: Pick<RunResult, 'startedAt'> & { scenario: { name: string } }, dir = 'results'): string {
  return defaultResultPathFor(result.scenario.name, result.startedAt, dir);
}

/** The default result path for a scenario name and an ISO start time. */
export function defaultResultPathFor(scenarioName: string, startedAt: string, dir = 'results'): string {
  const stamp = startedAt.replace(/\.\d+Z$/, '').replace(/:/g, '-');
  // Cut to stay far below the 255-byte file name limit whatever the scenario is called.
  const name = scenarioName.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 100);
  return path.join(dir, `${stamp}-${name}.json`);
}

let tmpSequence = 0;

/**
 * Writes `text` to `file` atomically and durably: a temporary file beside it (a short name of
 * its own, so a long target name cannot make it too long), fsynced, renamed over the target,
 * and the directory fsynced, so a reader never sees half a file and a crash or power loss right
 * after leaves the old content or the new one, never nothing. The temporary file is removed
 * when anything fails.
 */
export async function writeFileDurably(file: string, text: string): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  await mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.statebench-${process.pid}-${++tmpSequence}.tmp`);
  try {
    const handle = await open(tmp, 'w', 0o644);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
  await syncDirectory(dir);
}

/** fsync of a directory makes a rename in it durable; some file systems refuse it, which is harmless. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // EISDIR/EINVAL/EPERM on some platforms: the rename itself is still atomic.
  }
}

/** Writes a result file atomically and durably (see writeFileDurably). */
export async function writeResultFile(result: object, file: string): Promise<void> {
  await writeFileDurably(file, `${JSON.stringify(result, null, 2)}\n`);
}
