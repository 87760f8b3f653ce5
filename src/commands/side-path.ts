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
