import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The directory of statebench's own package.json: where `scenarios/` and `schema/` ship.
 * Found by walking up from this module, so it works from src/ (vitest, tsx) and from
 * dist/src/ (the built CLI, also when installed under node_modules).
 */
export function packageRoot(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'statebench') return (cached = dir);
      } catch {
        // A malformed package.json further down is not ours; keep walking up.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`statebench's package.json not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}
