import type { Fault } from './fault.js';
import { kill } from './kill.js';
import { pause } from './pause.js';
import { restart } from './restart.js';
import { resume } from './resume.js';

/** Every fault kind, keyed by the word users write in a scenario's timeline. */
export const FAULTS: ReadonlyMap<string, Fault> = new Map([kill, restart, pause, resume].map((f) => [f.kind, f]));

export type { Fault, FaultContext, FaultEffect } from './fault.js';
