import { z } from 'zod';
import { ARCHITECTURE_NAMES } from '../architectures/index.js';
import { STORE_BACKENDS } from '../stores/index.js';
import { durationMs, publishAs } from '../syntax/fields.js';
import { LIMITS } from '../syntax/limits.js';
import { formatDuration, quoteInput } from '../syntax/units.js';
import { DEFAULT_COMMAND_TIMEOUT_MS, EXTERNAL_COMMANDS, type ExternalReplicaSpec } from '../topology/external-spec.js';
import { describeInput } from './zod-problems.js';

/** Why `text` is not a replica's base URL, or undefined. */
export function replicaUrlProblem(text: unknown): string | undefined {
  const example = 'such as `http://10.0.0.7:8080` or `http://shop.default.svc.cluster.local:8080`';
  if (typeof text !== 'string') return `expected a replica's base URL ${example}, got ${describeInput(text)}`;
  if (text.length > LIMITS.urlChars) return `must be at most ${LIMITS.urlChars} characters, got ${text.length}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `expected a replica's base URL ${example}, got ${quoteInput(text)}, which is not a URL`;
  }
  if (url.protocol !== 'http:') return `expected an \`http://\` URL ${example} (the load speaks plain HTTP/1.1), got ${quoteInput(text)}`;
  if (url.username !== '' || url.password !== '') return 'must not carry a user or password: the scenario is saved in every result';
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') return `expected a base URL without a path (statebench adds \`/login\`, \`/cart\`, …), got ${quoteInput(text)}`;
  return undefined;
}

/** `http://host:port` or `{ url, pid }`. */
const replicaEntry = publishAs(
  z.unknown().transform((input, ctx): ExternalReplicaSpec => {
    const entry = typeof input === 'object' && input !== null && !Array.isArray(input) ? (input as Record<string, unknown>) : { url: input };
    for (const key of Object.keys(entry)) {
      if (key !== 'url' && key !== 'pid') ctx.addIssue({ code: 'custom', path: [key], message: `unknown field \`${key}\`; a replica takes \`url\` and \`pid\``, input });
    }
    const problem = replicaUrlProblem(entry.url);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', path: typeof input === 'object' && input !== null ? ['url'] : [], message: problem, input });
    const pid = entry.pid;
    if (pid !== undefined && !(Number.isInteger(pid) && (pid as number) >= 1 && (pid as number) <= 4_194_304)) {
      ctx.addIssue({ code: 'custom', path: ['pid'], message: `expected a process id (a whole number from 1), got ${describeInput(pid)}`, input });
    }
    return { url: String(entry.url).replace(/\/$/, ''), ...(pid === undefined ? {} : { pid: pid as number }) };
  }),
  {
    description: "A replica's base URL, or the URL with the process id of a replica on this machine (for `{pid}` in commands).",
    anyOf: [
      { type: 'string', pattern: '^http://' },
      { type: 'object', additionalProperties: false, required: ['url'], properties: { url: { type: 'string', pattern: '^http://' }, pid: { type: 'integer', minimum: 1 } } },
    ],
    examples: ['http://127.0.0.1:41001', { url: 'http://127.0.0.1:41001', pid: 12345 }, 'http://statebench-shop.default.svc.cluster.local:8080'],
  },
);

const commandKeys = Object.keys(EXTERNAL_COMMANDS);

const commands = publishAs(z.record(z.string(), z.string().min(1).max(LIMITS.urlChars)), {
  description:
    'A shell command (`/bin/sh -c`) per operation, run only with `--allow-exec`. Replica commands (`kill`, `restart`, `pause`, `resume`) may name `{replica}` (its X-Replica name), `{url}`, `{host}`, `{port}`, `{pid}`; store commands (`store-kill`, `store-restart`, `store-pause`, `store-resume`) `{store_kind}`, `{store_url}`, `{store_host}`, `{store_port}`. Values are filled in as single shell words.',
  type: 'object',
  propertyNames: { enum: commandKeys },
  additionalProperties: { type: 'string', minLength: 1 },
  examples: [{ kill: 'kubectl delete pod {replica} --grace-period=0 --force', 'store-kill': 'kubectl delete pod -l app=statebench-redis --grace-period=0 --force' }],
});

const externalTargets = z
  .strictObject({
    // One URL alone is a list of one: a host name resolving to every pod.
    replicas: z.preprocess(
      (input) => (typeof input === 'string' ? [input] : input),
      z
        .array(replicaEntry)
        .min(1)
        .max(LIMITS.replicas)
        .meta({ description: 'The replicas: base URLs, or one URL whose host name resolves to several addresses (a headless Service), re-resolved during the run.' }),
    ),
    store: z
      .strictObject({
        kind: z.enum([...STORE_BACKENDS.keys()] as [string, ...string[]]).meta({ description: 'The store the replicas use.' }),
        url: z.string().min(1).max(LIMITS.urlChars).meta({ description: 'Where it is, without a password (the scenario is saved in every result); for the environment block and `{store_*}`.' }),
      })
      .meta({ description: 'The store behind the replicas, when the architecture has one.' })
      .optional(),
    commands: commands.optional(),
    commandTimeout: durationMs({ description: 'Each command is killed after this long, and its fault fails.', positive: true, default: formatDuration(DEFAULT_COMMAND_TIMEOUT_MS) }).optional(),
  })
  .meta({ description: 'Replicas (and a store) someone else runs: pods, containers, another machine.' });

/** `topology:` in a scenario file. */
export const topologySchema = z
  .strictObject({
    external: z
      .partialRecord(z.enum(ARCHITECTURE_NAMES as [string, ...string[]]), externalTargets)
      .meta({ description: 'Per architecture of `architectures:`, the replicas to measure instead of starting any.' }),
  })
  .meta({ description: 'Where the replicas come from. Absent: statebench starts them on this machine.' });
