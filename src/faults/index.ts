import type { Fault } from './fault.js';
import { deploy } from './deploy.js';
import { kill } from './kill.js';
import { pause } from './pause.js';
import { restart } from './restart.js';
import { resume } from './resume.js';
import { scale } from './scale.js';
import { storeFailover } from './store-failover.js';
import { storeKill } from './store-kill.js';
import { storeLatency } from './store-latency.js';
import { storePause } from './store-pause.js';
import { storeRestart } from './store-restart.js';

/** Every fault kind, keyed by the word users write in a scenario's timeline. */
export const FAULTS: ReadonlyMap<string, Fault> = new Map(
  [kill, restart, pause, resume, deploy, scale, storeKill, storeRestart, storePause, storeLatency, storeFailover].map((f) => [f.kind, f]),
);

export type { Fault, FaultContext, FaultEffect } from './fault.js';
