import { balancerKill, type BalancerKillSpec } from './balancer-kill.js';
import { balancerRestart, type BalancerRestartSpec } from './balancer-restart.js';
import { deploy, type DeploySpec } from './deploy.js';
import type { Fault } from './fault.js';
import { kill, type KillSpec } from './kill.js';
import { pause, type PauseSpec } from './pause.js';
import { restart, type RestartSpec } from './restart.js';
import { resume, type ResumeSpec } from './resume.js';
import { scale, type ScaleSpec } from './scale.js';
import { storeFailover, type StoreFailoverSpec } from './store-failover.js';
import { storeKill, type StoreKillSpec } from './store-kill.js';
import { storeLatency, type StoreLatencySpec } from './store-latency.js';
import { storePause, type StorePauseSpec } from './store-pause.js';
import { storeRestart, type StoreRestartSpec } from './store-restart.js';
import { storePartition, type StorePartitionSpec } from './store-partition.js';
import { storeReset, type StoreResetSpec } from './store-reset.js';
import { storeBandwidth, type StoreBandwidthSpec } from './store-bandwidth.js';
import { storeSlowClose, type StoreSlowCloseSpec } from './store-slow-close.js';

/** One entry of a scenario's fault timeline; `kind` tells which fields it has. */
export type FaultSpec =
  | KillSpec
  | RestartSpec
  | PauseSpec
  | ResumeSpec
  | DeploySpec
  | ScaleSpec
  | StoreKillSpec
  | StoreRestartSpec
  | StorePauseSpec
  | StoreLatencySpec
  | StoreFailoverSpec
  | StorePartitionSpec
  | StoreResetSpec
  | StoreBandwidthSpec
  | StoreSlowCloseSpec
  | BalancerKillSpec
  | BalancerRestartSpec;

/** Every fault kind, keyed by the word users write in a scenario's timeline, in the order help lists them. */
export const FAULTS: ReadonlyMap<string, Fault> = new Map(
  (
    [
      kill, restart, pause, resume, deploy, scale,
      storeKill, storeRestart, storePause, storeLatency, storeFailover,
      storePartition, storeReset, storeBandwidth, storeSlowClose,
      balancerKill, balancerRestart,
    ] as Fault[]
  ).map((f) => [f.kind, f]),
);

/** The fault for a spec (its kind is always registered: specs come from validated scenarios). */
export function faultOf(spec: { kind: string }): Fault {
  const fault = FAULTS.get(spec.kind);
  if (fault === undefined) throw new Error(`unknown fault kind ${spec.kind}`);
  return fault;
}

/** A spec in words (`replica-2 is killed`); a kind this version does not know reads as its label. */
export function describeFault(spec: { kind: string; target?: string }, tense: 'future' | 'present' | 'past'): string {
  const fault = FAULTS.get(spec.kind);
  if (fault !== undefined) return fault.describe(spec as never, tense);
  const label = spec.target ? `${spec.kind} ${spec.target}` : spec.kind;
  return tense === 'future' ? `${label} will happen` : tense === 'present' ? label : `${label} happened`;
}

/** The fault kind a timeline label (`scale +2`, `store-latency +2ms`) starts with, when it names one. */
export function kindOfLabel(label: string): string | undefined {
  const space = label.indexOf(' ');
  const kind = space < 0 ? label : label.slice(0, space);
  return FAULTS.has(kind) ? kind : undefined;
}

/** Whether a fault kind leaves a new steady state of this sort behind (see Fault.steadyChange). */
export function changesSteadily(kind: string | undefined, change: 'replicas' | 'store-latency'): boolean {
  return kind !== undefined && FAULTS.get(kind)?.steadyChange === change;
}

export type { Fault, FaultCheckContext, FaultContext, FaultEffect, FaultSpecBase, Tense } from './fault.js';
