import { once } from 'node:events';
import { startTopology } from '../topology/topology.js';
import { architecture } from '../architectures/index.js';
import { startHaproxyFront } from '../balancer/haproxy-front.js';
import { balancerUnavailable, type BalancerKind } from '../balancer/index.js';
import { InvalidInputError } from '../errors.js';
import { STORE_DEFAULTS } from '../stores/store-options.js';
import { checkRedisUrlOption } from './redis-url-option.js';

export interface TargetsUpOptions {
  arch: string;
  replicas: number;
  redisUrl?: string;
  /** `haproxy`: a real HAProxy in front, and one URL to aim any tool at. */
  balancer?: BalancerKind;
}

/**
 * `statebench targets up`: starts a topology, prints where everything listens and how to poke
 * it with curl, waits until `signal` aborts (the CLI wires Ctrl-C to it), then stops everything.
 * Without a signal it runs until the process ends.
 */
export async function targetsUp(opts: TargetsUpOptions, out: NodeJS.WritableStream, signal?: AbortSignal): Promise<void> {
  if (opts.redisUrl !== undefined) checkRedisUrlOption(opts.redisUrl);
  const startedMs = performance.now();
  if (opts.balancer === 'haproxy') {
    const reason = balancerUnavailable('haproxy');
    if (reason !== undefined) throw new InvalidInputError([{ file: '--balancer', path: '', message: `\`haproxy\` cannot run here: ${reason}` }]);
  }
  const topology = await startTopology({ architecture: opts.arch, replicas: opts.replicas, store: { redisUrl: opts.redisUrl } });
  try {
    if (opts.balancer === 'haproxy') topology.attachBalancer(await startHaproxyFront(topology, architecture(opts.arch), { sessionTtlS: STORE_DEFAULTS.sessionTtlS }));
    const elapsedMs = Math.round(performance.now() - startedMs);
    out.write(describe(opts.arch, topology.replicas, topology.store, elapsedMs, topology.processes(), topology.balancer?.url));
    if (topology.balancer === undefined) out.write(`${externalBlock(opts.arch, topology.replicas, topology.store, topology.processes().get('store'))}Ctrl-C stops everything.\n`);
    if (signal !== undefined && !signal.aborted) await once(signal, 'abort');
    else if (signal === undefined) await new Promise(() => {});
  } finally {
    out.write('stopping…\n');
    await topology.stop();
    out.write('stopped\n');
  }
}

/**
 * The replicas as a scenario's external topology (docs/beyond-one-machine.md): what shards on
 * this and other machines point at, with commands that break these very processes by pid. The
 * store's URL goes without its password (a scenario is saved in every result).
 */
export function externalBlock(
  arch: string,
  replicas: readonly { url: string; pid: number | undefined }[],
  store: { kind: string; url: string } | undefined,
  storePid: number | undefined,
): string {
  const lines = [
    'As an external topology (paste into a scenario; its commands run only with `run --allow-exec`):',
    'topology:',
    '  external:',
    `    ${arch}:`,
    '      replicas:',
    ...replicas.map((r) => `        - { url: ${r.url}, pid: ${r.pid} }`),
  ];
  if (store !== undefined) lines.push(`      store: { kind: ${store.kind}, url: "${store.url.replace(/\/\/[^@/]*@/, '//')}" }`);
  lines.push('      commands:', '        kill: kill -9 {pid}', '        pause: kill -STOP {pid}', '        resume: kill -CONT {pid}');
  if (storePid !== undefined) lines.push(`        store-kill: kill -9 ${storePid}`, `        store-pause: kill -STOP ${storePid}`, `        store-resume: kill -CONT ${storePid}`);
  return `${lines.join('\n')}\n\n`;
}

function describe(
  arch: string,
  replicas: readonly { name: string; url: string; pid: number | undefined }[],
  store: { kind: string; url: string; pid: number | undefined } | undefined,
  elapsedMs: number,
  pids: Map<string, number>,
  balancerUrl?: string,
): string {
  const width = Math.max(...replicas.map((r) => r.name.length), 5);
  const lines = [`${arch}: ${replicas.length} replica${replicas.length === 1 ? '' : 's'} up in ${elapsedMs} ms`];
  for (const r of replicas) lines.push(`  ${r.name.padEnd(width)}  ${r.url}  pid ${r.pid}`);
  if (store !== undefined) {
    const pid = pids.get('store');
    lines.push(`  ${'store'.padEnd(width)}  ${store.url}${pid !== undefined ? `  pid ${pid}` : ''}`);
  }
  if (balancerUrl !== undefined) {
    lines.push(`  ${'haproxy'.padEnd(width)}  ${balancerUrl}  pid ${pids.get('balancer')}   ← aim any tool here`);
    const sticky = architecture(arch).routing === 'sticky';
    lines.push(
      '',
      'Try (cookies in /tmp/statebench.jar; X-Replica says which replica answered):',
      `  curl -si -c /tmp/statebench.jar -X POST ${balancerUrl}/login | grep -i x-replica`,
      `  curl -si -b /tmp/statebench.jar ${balancerUrl}/cart | grep -i x-replica   # ${sticky ? 'the same replica every time (stick table on sid)' : 'round robin: the next replica each time'}`,
      `  npx autocannon -c 50 -d 10 -m POST ${balancerUrl}/login`,
      '',
      'Ctrl-C stops everything.',
      '',
    );
    return lines.join('\n');
  }
  const a = replicas[0].url;
  const b = (replicas[1] ?? replicas[0]).url;
  lines.push(
    '',
    'Try (cookies in /tmp/statebench.jar):',
    `  curl -i -c /tmp/statebench.jar -X POST ${a}/login`,
    `  curl -i -b /tmp/statebench.jar -c /tmp/statebench.jar -H 'content-type: application/json' \\`,
    `       -d '{"sku":"A1","qty":1,"payload":"hello"}' ${a}/cart/items`,
    `  curl -i -b /tmp/statebench.jar ${b}/cart${architecture(arch).routing === 'sticky' && b !== a ? '   # another replica: 401, it does not know this session' : ''}`,
    '',
    '',
  );
  return lines.join('\n');
}
