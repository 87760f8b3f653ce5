import { balancerHopBench } from './balancer-hop.js';
import { installSignalCleanup, isStopping, stopEverything } from './children.js';
import { generatorBench } from './generator.js';
import { memoryBench } from './memory.js';
import { pacingBench } from './pacing.js';
import { workloadBench } from './workload.js';

/**
 * `npm run bench` runs every bench; `node dist/bench/run-all.js generator|pacing|workload|memory` runs
 * the ones named. Figures go to stdout; per-run progress to stderr.
 */
const BENCHES: Record<string, (log: (line: string) => void) => Promise<string>> = {
  generator: generatorBench,
  pacing: pacingBench,
  workload: workloadBench,
  memory: memoryBench,
  'balancer-hop': balancerHopBench,
};

async function main(): Promise<number> {
  const names = process.argv.slice(2);
  const unknown = names.filter((n) => !(n in BENCHES));
  if (unknown.length > 0) {
    process.stderr.write(`unknown bench: ${unknown.join(', ')} (choose from ${Object.keys(BENCHES).join(', ')})\n`);
    return 2;
  }
  installSignalCleanup();
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  for (const name of names.length > 0 ? names : Object.keys(BENCHES)) {
    const report = await BENCHES[name](log);
    process.stdout.write(`${report}\n\n`);
  }
  return 0;
}

main().then(
  async (code) => {
    await stopEverything();
    process.exitCode = code;
  },
  async (err: unknown) => {
    if (isStopping()) return; // the signal handler is stopping everything and will exit
    process.stderr.write(`bench failed: ${(err as Error)?.stack ?? String(err)}\n`);
    await stopEverything();
    process.exitCode = 1;
  },
);
