import { parse } from 'yaml';
import { InvalidInputError } from '../errors.js';

/**
 * `--sweep session.payload=64B,512B,2KiB` (repeated for a grid) as the `sweep:` mapping it
 * stands for. Each value is read as a YAML scalar, as in a file (`100` a number, `true` a
 * switch, `64B` text); whether the field and values are valid is the scenario's check.
 * Undefined when the option was not given.
 */
export function parseSweepOptions(options: readonly string[] | undefined): Record<string, unknown[]> | undefined {
  if (options === undefined || options.length === 0) return undefined;
  const sweep: Record<string, unknown[]> = {};
  for (const option of options) {
    const at = option.indexOf('=');
    const field = at < 0 ? '' : option.slice(0, at).trim();
    const values = at < 0 ? [] : option.slice(at + 1).split(',').map((v) => v.trim());
    if (field === '' || values.length === 0 || values.some((v) => v === '')) {
      throw new InvalidInputError([
        { file: '--sweep', path: '', message: `expected a field and its values such as \`session.payload=64B,512B,2KiB\`, got \`${option}\`` },
      ]);
    }
    if (field in sweep) throw new InvalidInputError([{ file: '--sweep', path: field, message: 'is given twice: list every value in one `--sweep`' }]);
    sweep[field] = values.map((v) => {
      try {
        return parse(v, { version: '1.2', schema: 'core' }) as unknown;
      } catch {
        return v;
      }
    });
  }
  return sweep;
}
