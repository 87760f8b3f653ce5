import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import type { RunResult } from '../../src/result/types.js';
import { ResultFile } from '../../src/run/result-file.js';
import { craftArchitecture, craftRun } from '../demo/crafted-result.js';

/** Issue 12: the result path is checked and claimed before the run; nothing measured is lost. */

const dir = mkdtempSync(join(tmpdir(), 'statebench-result-file-'));
const mounts: string[] = [];
afterAll(() => {
  for (const m of mounts) spawnSync('umount', [m]);
  rmSync(dir, { recursive: true, force: true });
});

async function refusal(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InvalidInputError);
  expect((err as InvalidInputError).exitCode).toBe(2);
  return (err as InvalidInputError).message;
}

const reserve = (requested: string | undefined, extra: { force?: boolean; dir?: string } = {}): Promise<ResultFile> =>
  ResultFile.reserve({ requested, scenarioName: 'shared', startedAt: '2026-01-01T00:00:00.000Z', ...extra });

const result = (): RunResult => craftRun([craftArchitecture({ architecture: 'sticky', lost: 0, p99Us: 1000, throughputRps: 10 })]);

/** A tmpfs mounted in our temp dir (root in a container can); undefined where mounting is not allowed. */
function tmpfs(name: string, options: string): string | undefined {
  const at = join(dir, name);
  mkdirSync(at, { recursive: true });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', at], { stdio: 'ignore' });
  if (r.status !== 0) return undefined;
  mounts.push(at);
  return at;
}
const CAN_MOUNT = process.platform === 'linux' && process.getuid?.() === 0 && tmpfs('probe', 'size=64k') !== undefined;

describe('before the run, the path is refused with exit 2, naming --out', () => {
  it("'' , a directory, an existing file, a name too long", async () => {
    expect(await refusal(reserve(''))).toBe("--out: '': the path is empty: give a file such as `results/mine.json`");
    expect(await refusal(reserve(dir))).toBe(`--out: ${dir}: is a directory: give a file path such as \`results/mine.json\``);
    const existing = join(dir, 'existing.json');
    writeFileSync(existing, '{}');
    expect(await refusal(reserve(existing))).toMatch(/already exists: pass `--force` to replace it/);
    expect(await refusal(reserve(join(dir, `${'a'.repeat(300)}.json`)))).toMatch(/the file name is longer than 255 bytes/);
    expect(await refusal(reserve('/dev/null'))).toMatch(/is not a regular file/);
    const forced = await reserve(existing, { force: true });
    await forced.release();
  });

  it('a directory that cannot be created', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    expect(await refusal(reserve(join(file, 'r.json')))).toMatch(/cannot create its directory .*a-file: a file is in the way \(EEXIST\)$/);
    expect(await refusal(reserve(join(file, 'sub', 'r.json')))).toMatch(/a part of the path is not a directory \(ENOTDIR\)$/);
  });

  it.skipIf(!CAN_MOUNT)('a read-only file system (EROFS) and a full disk (ENOSPC)', async () => {
    const ro = tmpfs('ro', 'ro,size=64k')!;
    expect(await refusal(reserve(join(ro, 'r.json')))).toMatch(/cannot write in its directory: the file system is read-only \(EROFS\)/);
    const full = tmpfs('full', 'size=64k')!;
    expect(await refusal(reserve(join(full, 'r.json')))).toMatch(/only \d+KiB free on its file system: at least 4MiB needed/);
  });
});

describe('two runs never write the same file', () => {
  it('a second claim of a path being written is refused', async () => {
    const out = join(dir, 'shared.json');
    const first = await reserve(out);
    expect(await refusal(reserve(out, { force: true }))).toMatch(/another statebench run \(pid \d+\) is writing it/);
    await first.release();
    const again = await reserve(out);
    await again.release();
  });

  it('a default name already taken gets a suffix, and the run says which', async () => {
    const results = join(dir, 'results');
    const a = await reserve(undefined, { dir: results });
    const b = await reserve(undefined, { dir: results });
    expect(a.path).toBe(join(results, '2026-01-01T00-00-00-shared.json'));
    expect(b.path).toBe(join(results, '2026-01-01T00-00-00-shared-2.json'));
    await a.save(result(), 1);
    await Promise.all([a.release(), b.release()]);
    const c = await reserve(undefined, { dir: results });
    expect(c.path).toBe(join(results, '2026-01-01T00-00-00-shared-2.json')); // the first one exists now
    await c.release();
  });

  it('a lock left by a killed run is taken over', async () => {
    const out = join(dir, 'stale.json');
    const first = await reserve(out);
    const lock = readdirSync(dir).find((n) => n.startsWith('.statebench-lock-'))!;
    await first.release();
    // A pid that does not exist.
    writeFileSync(join(dir, lock), '2147483646 1\n');
    const second = await reserve(out);
    await second.release();
  });
});

describe('what was measured is on disk', () => {
  it('after each architecture, marked unfinished; the final write replaces it', async () => {
    const out = join(dir, 'incremental.json');
    const file = await reserve(out);
    const r = result();
    await file.save(r, 3);
    const partial = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
    expect(partial.complete).toBe(false);
    expect(partial.incompleteReason).toBe('unfinished: saved after 1 of 3 architecture runs (statebench stopped, or was still running)');
    expect(await file.finish(r)).toEqual({ saved: 'asked', path: out });
    expect((JSON.parse(readFileSync(out, 'utf8')) as RunResult).complete).toBe(true);
    await file.release();
    // No temporary file left beside it.
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('a final write that fails goes to a fallback file, whose path is returned', async () => {
    const out = join(dir, 'gone', 'r.json');
    const file = await reserve(out);
    // The path became a directory after the check (a disk that filled up fails the same way).
    mkdirSync(out, { recursive: true });
    const outcome = await file.finish(result());
    await file.release();
    expect(outcome.saved).toBe('fallback');
    if (outcome.saved !== 'fallback') return;
    expect(outcome.asked).toBe(out);
    expect(outcome.error).toMatch(/EISDIR|is a directory/);
    expect((JSON.parse(readFileSync(outcome.path, 'utf8')) as RunResult).architectures).toHaveLength(1);
    rmSync(outcome.path);
  });

  it.skipIf(!CAN_MOUNT)('…and so does one on a disk that filled during the run (ENOSPC)', async () => {
    const small = tmpfs('small', 'size=5m')!;
    const out = join(small, 'r.json');
    const file = await reserve(out);
    // Fill it up.
    spawnSync('dd', ['if=/dev/zero', `of=${join(small, 'filler')}`, 'bs=64k'], { stdio: 'ignore' });
    const outcome = await file.finish(result());
    await file.release();
    expect(outcome.saved).toBe('fallback');
    if (outcome.saved === 'fallback') {
      expect(outcome.error).toBe('the disk is full (ENOSPC)');
      expect(existsSync(outcome.path)).toBe(true);
      rmSync(outcome.path);
    }
    execFileSync('rm', ['-f', join(small, 'filler')]);
  });
});
