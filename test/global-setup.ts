import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Replicas run as real child processes from the compiled output, so it must exist. `npm test`
// builds first; this covers running `npx vitest` directly on a fresh clone.
export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  if (!existsSync(`${root}/dist/targets/server.js`)) {
    try {
      execFileSync(process.execPath, [`${root}/node_modules/typescript/bin/tsc`, '-p', root], { stdio: 'inherit' });
    } catch {
      // Type errors still emit; the lint script is what fails on them.
    }
  }
}
