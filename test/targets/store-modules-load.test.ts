import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const STORES = fileURLToPath(new URL('../../dist/targets/stores/', import.meta.url));
const MODULES = ['memcached', 'memcached-cas', 'postgres', 'postgres-tx'];

/**
 * Replicas load the compiled store modules under plain Node, whose CommonJS interop is stricter
 * than vitest's (a named import Node cannot see compiles and passes every vitest test, then
 * kills the replica at startup). So load each one the way a replica does.
 */
describe.skipIf(!existsSync(`${STORES}memcached.js`))('compiled store modules load under plain Node', () => {
  it.each(MODULES)('%s exports open()', (name) => {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(`${STORES}${name}.js`)}); process.stdout.write(typeof m.open);`], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(out).toBe('function');
  });
});
