import type { z } from 'zod';
import type { Architecture } from '../architectures/architecture.js';
import type { StoreAction } from '../stores/store-backend.js';
import type { StoreOptions } from '../stores/store-options.js';
import type { ReplicaState, Topology } from '../topology/types.js';
import type { FaultEvent } from './fault-event.js';
import type { ProxyToxic } from '../topology/latency-proxy.js';

/**
 * The sessions a fault can lose, as it happened: those held in memory by `replicas` (sticky; all
 * of them when undefined), the store's (`store-restarted` unless the store persists, `failover`).
 */
export interface SessionLoss {
  cause: 'replica-died' | 'store-restarted' | 'failover';
  replicas?: readonly string[];
}

/** What every timeline entry has; each fault's spec adds its own fields. */
export interface FaultSpecBase {
  /** From the start of the measured window (after warm-up). */
  atMs: number;
  /** The word users write: `kill`, `store-latency`, … */
  kind: string;
}

/** What a fault is checked against before anything starts: one architecture of the scenario. */
export interface FaultCheckContext {
  architecture: Architecture;
  store: StoreOptions;
}

/** What a fault needs to act: the topology under load, and its own timeline entry. */
export interface FaultContext<S extends FaultSpecBase = FaultSpecBase> {
  topology: Topology;
  spec: S;
  /** Resolves after `ms`, or early when the run is aborted. */
  sleep(ms: number): Promise<void>;
  /** Aborted when the measured window ends: a fault with several steps stops taking new ones. */
  signal: AbortSignal;
}

/** What a fault did, for the fault event in the result. */
export interface FaultEffect {
  /** The replica (or `store`) it acted on, resolved from `random`. */
  target?: string;
  detail?: string;
  /** True when the fault undid itself before it returned (a pause `for` a while). */
  healed?: boolean;
}

export type Tense = 'future' | 'present' | 'past';

/** See Fault.replicaChange. */
export interface ReplicaChange {
  needs: readonly ReplicaState[];
  leaves: ReplicaState;
  /** The replica is `up` again this long after the fault fired. */
  upAgainAfterMs?: number;
}

/**
 * Refuses to act on a named replica that is not in a state the fault needs, so a second kill of
 * a dead replica is recorded as failed ("already killed") rather than as a kill that happened.
 */
export function assertReplicaState(topology: Topology, target: string, needs: readonly ReplicaState[], doing: string): void {
  if (target === 'random') return;
  const replica = topology.replicas.find((r) => r.name === target);
  if (replica === undefined || needs.includes(replica.state)) return;
  throw new Error(`cannot ${doing} ${target}: it is ${replica.state === 'up' ? 'up' : `already ${replica.state}`}`);
}

/**
 * How a fault is written in a scenario file: the value under its key (`kill: replica-2`) and
 * the keys allowed beside `at` (`for: 1s`), resolved into the fault's spec.
 */
export interface FaultSyntax<S extends FaultSpecBase> {
  /** For the JSON Schema and messages. */
  description: string;
  /** An entry as it appears in a file. */
  example: string;
  value: z.ZodType;
  /** Optional ones wrapped in `.optional()`. */
  options: z.ZodRawShape;
  resolve(value: unknown, options: Record<string, unknown>): Omit<S, 'atMs' | 'kind'>;
}

/** A fault whose syntax is typed from its own schemas (only for inference; the result is a plain Fault). */
export function defineFault<S extends FaultSpecBase, V extends z.ZodType, O extends z.ZodRawShape = Record<never, never>>(
  fault: Omit<Fault<S>, 'syntax'> & {
    syntax: Omit<FaultSyntax<S>, 'value' | 'options' | 'resolve'> & {
      value: V;
      options?: O;
      resolve(value: z.output<V>, options: z.output<z.ZodObject<O>>): Omit<S, 'atMs' | 'kind'>;
    };
  },
): Fault<S> {
  return { ...fault, syntax: { ...fault.syntax, options: fault.syntax.options ?? {} } } as unknown as Fault<S>;
}

/**
 * One kind of fault, in its own file named after the word users write, listed in
 * src/faults/index.ts. Everything about it is here: its syntax, its checks, what it does, how it
 * is undone, and how people are told about it.
 */
export interface Fault<S extends FaultSpecBase = FaultSpecBase> {
  readonly kind: S['kind'];
  /** One line for `--help` and docs/scenarios.md. */
  readonly summary: string;
  readonly syntax: FaultSyntax<S>;
  /** The value names a replica, so the name is checked against the replicas that exist then. */
  readonly targetsReplica?: boolean;
  /**
   * What it does to the replica it names, for the timeline check (replica-conflicts.ts): the
   * states that replica must be in, the state it leaves it in, and, for a change that undoes
   * itself (a pause `for` 1 s), when it is back up. Absent: the fault leaves replica states
   * unknown to the check (a `deploy`, a `scale`).
   */
  replicaChange?(spec: S): ReplicaChange;
  /** Replicas it adds (+) or removes (−): later faults may then name more, or fewer. */
  replicaDelta?(spec: S): number;
  /**
   * What it needs of the session store. On an architecture with no store (sticky memory,
   * cookies) such a fault changes nothing, which is the comparison users want; a scenario where
   * no architecture has a store is refused, and so is one whose store refuses the action.
   */
  readonly storeAction?: StoreAction;
  /**
   * Acts on the balancer in front (`balancer: haproxy`); behind the in-process router (a run
   * comparing balancers) it changes nothing, and a scenario with no real balancer is refused.
   */
  readonly needsBalancer?: boolean;
  /**
   * What it changes for the rest of the window, so reports show the steady state that follows:
   * how load spreads over the new replica set, what requests cost at the new store distance.
   */
  readonly steadyChange?: 'replicas' | 'store-latency';
  /**
   * The commands an external topology (`topology.external`) needs to carry it out, by their keys
   * there (`kill`; a timed `store-pause` also needs `store-resume`). Absent: the fault cannot run
   * on an external topology.
   */
  commands?(spec: S): readonly string[];
  /**
   * The sessions it can lose, from its event (the target it resolved): lost sessions found
   * after it fired are put down to it (src/metrics/loss-causes.ts). Absent: it loses none.
   */
  losesSessions?(event: FaultEvent): SessionLoss | undefined;
  /** Why this entry cannot be carried out on this architecture, beyond the store's refusal; undefined when it can. */
  check?(spec: S, ctx: FaultCheckContext): string | undefined;
  apply(ctx: FaultContext<S>): Promise<FaultEffect>;
  /**
   * Undoes what `apply` left broken (Jepsen's teardown): a paused replica resumed, a killed one
   * restarted, added latency removed. Called for a topology that outlives its run.
   */
  heal?(ctx: FaultContext<S>, effect: FaultEffect): Promise<void>;
  /** The fault in words people say out loud: `replica-2 will be killed`, `… is killed`, `… was killed`. */
  describe(spec: S, tense: Tense): string;
}

/** `will be killed` / `is killed` / `was killed`. */
export function passive(tense: Tense, participle: string, plural = false): string {
  const be = tense === 'future' ? 'will be' : tense === 'present' ? (plural ? 'are' : 'is') : plural ? 'were' : 'was';
  return `${be} ${participle}`;
}

/** How a replica target reads in a sentence. */
export function who(target: string): string {
  return target === 'random' ? 'a random replica' : target;
}

/** `the store`, or `master-2 of the store` for one node of a store that has several. */
export function whichStore(node: string | undefined): string {
  return node === undefined ? 'the store' : `${node} of the store`;
}

/** Why a store fault cannot name `node` on this architecture's store, or undefined (no node named, or one it has). */
export function checkStoreNode(node: string | undefined, ctx: FaultCheckContext): string | undefined {
  if (node === undefined) return undefined;
  const names = ctx.architecture.store?.nodeNames?.(ctx.store) ?? [];
  if (names.length === 0) return `names the store node \`${node}\`, but this store has no nodes to name: a Redis Cluster has (\`store: { kind: redis, cluster: 3 }\`)`;
  if (!names.includes(node)) return `\`${node}\` is not a node of this store; its nodes are ${names.map((n) => `\`${n}\``).join(', ')}`;
  return undefined;
}

/** What a fault acting on one replica loses: the sessions in its memory (any replica's while `random` is unresolved). */
export function lostWithReplica(event: FaultEvent): SessionLoss {
  const target = event.target;
  return { cause: 'replica-died', ...(target === undefined || target === 'random' ? {} : { replicas: [target] }) };
}

/**
 * Puts a network fault on the link between replicas and store for `forMs` (0: on and at once
 * off again), then lifts it even when the run is cut short: the network faults heal themselves.
 */
export async function holdStoreToxic(ctx: FaultContext, toxic: ProxyToxic, forMs: number): Promise<void> {
  await ctx.topology.setStoreToxic(toxic, true);
  try {
    if (forMs > 0) await ctx.sleep(forMs);
  } finally {
    await ctx.topology.setStoreToxic(toxic, false);
  }
}

/** `random` lets the topology choose among live replicas. */
export function pickTarget(target: string): string | undefined {
  return target === 'random' ? undefined : target;
}
