import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { InvalidInputError } from '../errors.js';
import { errnoWords } from '../run/result-file.js';

/**
 * Where `--markdown` / `--html` write: the path given, or, for a bare flag, beside the result
 * file with the extension swapped (`r.json` → `r.html`; `r` → `r.html`). Never the result file
 * itself, whatever its name.
 */
export function sidePath(flag: string | boolean | undefined, resultPath: string, ext: string): string | undefined {
  if (flag === undefined || flag === false) return undefined;
  if (typeof flag === 'string') return flag;
  return `${resultPath.replace(/\.json$/i, '')}${ext}`;
}

/**
 * Checks, before the run, that a side report (`--junit`, `--markdown`, `--html`) can be written
 * at `file`: not empty, not a directory, its directory created when missing and writable.
 * Throws InvalidInputError (exit 2) naming the option; a run must not be lost to a typo in a
 * report path found only once it is over.
 */
export async function prepareSidePath(file: string, option: string): Promise<void> {
  const refuse = (message: string): never => {
    throw new InvalidInputError([{ file: option, path: '', message: `${file === '' ? "''" : file}: ${message}` }]);
  };
  if (file.trim() === '') refuse('the path is empty');
  const resolved = path.resolve(file);
  if ((await stat(resolved).catch(() => undefined))?.isDirectory()) refuse('is a directory: give a file path');
  const dir = path.dirname(resolved);
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    refuse(`cannot create its directory ${dir}: ${errnoWords(err)}`);
  }
  try {
    await access(dir, constants.W_OK);
  } catch (err) {
    refuse(`cannot write in ${dir}: ${errnoWords(err)}`);
  }
}
