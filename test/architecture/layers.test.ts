import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The layers of src/, lowest first: a module may import from its own layer and those below,
 * never from above. Type-only imports count too, so the contract types sit where they belong.
 * `targets/` is the replicas' own program: it imports nothing from src/.
 */
const LAYERS: string[][] = [
  ['errors.ts', 'timing', 'syntax', 'process', 'hdr'],
  ['stores'],
  ['architectures'],
  ['topology'],
  ['balancer'],
  ['load'],
  ['faults'],
  ['scenario'],
  ['result'],
  ['metrics'],
  ['run'],
  ['merge'],
  ['k8s'],
  ['capacity'],
  ['sweep'],
  ['compare'],
  ['report'],
  ['demo'],
  ['commands'],
  ['cli.ts', 'index.ts', 'main.ts'],
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative import and re-export of a file, type-only ones included, resolved to .ts paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'(\.{1,2}\/[^']+)'/g), ...text.matchAll(/import\(\s*[`'](\.{1,2}\/[^`'$]+)[`']\s*\)/g)];
  return specs.map((m) => resolve(dirname(file), m[1]).replace(/\.js$/, '.ts'));
}

/** `src/run/run-scenario.ts` → `run`; `src/cli.ts` → `cli.ts`; `targets/…` → `targets`. */
function unitOf(path: string): string {
  const rel = relative(root, path).split('/');
  return rel[0] === 'src' ? rel[1] : rel[0];
}

function layerOf(unit: string): number {
  const index = LAYERS.findIndex((layer) => layer.includes(unit));
  return index;
}

const sources = [...files(join(root, 'src')), ...files(join(root, 'targets'))];
const graph = new Map(sources.map((f) => [f, importsOf(f)]));

describe('the import graph', () => {
  it('places every directory of src/ in a layer', () => {
    const units = new Set(sources.filter((f) => relative(root, f).startsWith('src/')).map(unitOf));
    expect([...units].filter((u) => layerOf(u) < 0)).toEqual([]);
  });

  it('has no arrow from a lower layer to a higher one, and targets/ imports nothing from src/', () => {
    const upward: string[] = [];
    for (const [file, imports] of graph) {
      const from = unitOf(file);
      for (const target of imports) {
        const to = unitOf(target);
        if (from === 'targets') {
          if (to !== 'targets') upward.push(`${relative(root, file)} → ${relative(root, target)}`);
          continue;
        }
        // src/ may use the replicas' protocol and store files (the contract with the program it starts).
        if (to === 'targets') continue;
        if (layerOf(to) > layerOf(from)) upward.push(`${relative(root, file)} → ${relative(root, target)}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('has no cycle between files', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (file: string): void => {
      state.set(file, 'open');
      stack.push(file);
      for (const next of graph.get(file) ?? []) {
        if (!graph.has(next)) continue;
        if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next].map((f) => relative(root, f)).join(' → '));
        else if (state.get(next) === undefined) visit(next);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of graph.keys()) if (state.get(file) === undefined) visit(file);
    expect(cycles).toEqual([]);
  });
});
