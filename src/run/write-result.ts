import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunResult } from '../result/types.js';

/** `results/2026-11-27T05-04-23-kill-one-replica.json`: sortable, and safe in every file system. */
export function defaultResultPath(result: RunResult, dir = 'results'): string {
  const stamp = result.startedAt.replace(/\.\d+Z$/, '').replace(/:/g, '-');
  const name = result.scenario.name.replace(/[^A-Za-z0-9._-]+/g, '-');
  return path.join(dir, `${stamp}-${name}.json`);
}

/** Writes atomically (temp file, then rename), so a reader never sees half a result. */
export async function writeResultFile(result: RunResult, file: string): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(result, null, 2)}\n`);
  await rename(tmp, file);
}
