import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

/**
 * Top functions by self time of a V8 `.cpuprofile` (from `BENCH_CPU_PROF=<dir>`, which runs the
 * engine child under `--cpu-prof`). Usage: `node dist/bench/profile-top.js <file> [count]`.
 * Prints self % and total % (self + callees; recursion counted once) per function.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function main(): void {
  const [file, countArg] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node dist/bench/profile-top.js <file.cpuprofile> [count]\n');
    process.exitCode = 2;
    return;
  }
  const count = Number(countArg ?? 25);
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const key = (n: ProfileNode): string => {
    const f = n.callFrame;
    const where = f.url ? `${relative(process.cwd(), f.url.replace(/^file:\/\//, ''))}:${f.lineNumber + 1}` : '';
    return `${f.functionName || '(anonymous)'} ${where}`.trim();
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let all = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i] ?? 0;
    all += dt;
    let node = byId.get(p.samples[i]);
    if (node === undefined) continue;
    const k = key(node);
    self.set(k, (self.get(k) ?? 0) + dt);
    const seen = new Set<string>();
    while (node !== undefined) {
      const nk = key(node);
      if (!seen.has(nk)) {
        seen.add(nk);
        total.set(nk, (total.get(nk) ?? 0) + dt);
      }
      const up = parent.get(node.id);
      node = up === undefined ? undefined : byId.get(up);
    }
  }
  const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, count);
  process.stdout.write(`${(all / 1e6).toFixed(2)} s sampled\n  self%  total%  function\n`);
  for (const [k, v] of rows) {
    const pct = (x: number): string => ((100 * x) / all).toFixed(1).padStart(5);
    process.stdout.write(`  ${pct(v)}  ${pct(total.get(k) ?? 0)}  ${k}\n`);
  }
}

main();
