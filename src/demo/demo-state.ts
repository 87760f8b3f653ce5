import type { ErrorKind } from '../load/outcome.js';
import type { RunResult, TimelineSecond } from '../result/types.js';
import type { Act, Story } from './story.js';
import type { DemoPhase, ReplicaView } from './run-demo.js';

/** Seconds of history kept per chart: the widest terminal's chart never needs more. */
const HISTORY_SECONDS = 600;

/** Everything shown about one architecture. */
export interface ArchitecturePanel {
  architecture: string;
  /** Completed requests per closed second, oldest first. */
  throughputRps: number[];
  /** p99 latency per closed second, µs. */
  p99Us: number[];
  /** Requests completed in all closed seconds. */
  completedTotal: number;
  /** Σ storeP50Us × completed, µs: divided by `completedTotal` it is the weighted median store time so far. */
  storeUsWeighted: number;
  sessionsLost: number;
  /** Acknowledged cart items lost, with lost sessions or overwritten. */
  itemsLost: number;
  errors: number;
  /** `errors` by kind: the narration names them (`update-lost 2` is not `refused 2`). */
  errorsByKind: Partial<Record<ErrorKind, number>>;
  /** Seconds closed so far (measured window). */
  seconds: number;
  replicas: ReplicaView[];
  /** Requests each replica completed in the last closed second. */
  replicaRps: Record<string, number>;
}

/** What the presenter is being waited for (`--pace slow`). */
export type Hold = Act | 'start' | 'end';

/**
 * The demo's last frame: the result condensed to fit the screen, and what the numbers say. The
 * full report is printed once the screen is given back.
 */
export interface FinalFrame {
  result: RunResult;
  conclusions: string[];
  /** How the frame ends, for the footer: `any key: the full report follows`. */
  dismiss: string;
}

/** A fault as it appears on the timeline. */
export interface FiredFault {
  label: string;
  storyMs: number;
}

/**
 * The state of a demo as the audience sees it, fed by the run's once-a-second events. Holds
 * data only: the narration decides what to say about it, the live view how to draw it.
 */
export class DemoState {
  phase: DemoPhase = 'starting';
  storyMs = 0;
  /** The act under way (1-based), 0 before the load runs. */
  actNumber = 0;
  hold: Hold | undefined;
  readonly panels: ArchitecturePanel[];
  readonly fired: FiredFault[] = [];
  /** Narration so far, oldest first. */
  readonly narration: string[] = [];
  /** How many of the first narration lines are the opening (what is on stage): the screen keeps them up until the story is under way. */
  openingLines = 0;
  /** Set once the run is over and the result condensed for the last frame. */
  final: FinalFrame | undefined;
  readonly notices: string[] = [];

  constructor(
    readonly story: Story,
    readonly architectures: string[],
    /** The line saying how the architectures share the machine. */
    readonly sharing: string,
    readonly paced: boolean,
  ) {
    this.panels = architectures.map((architecture) => ({
      architecture,
      throughputRps: [],
      p99Us: [],
      completedTotal: 0,
      storeUsWeighted: 0,
      sessionsLost: 0,
      itemsLost: 0,
      errors: 0,
      errorsByKind: {},
      seconds: 0,
      replicas: Array.from({ length: story.scenario.replicas }, (_, i) => ({ name: `replica-${i + 1}`, state: 'starting' as const })),
      replicaRps: {},
    }));
  }

  panel(architecture: string): ArchitecturePanel | undefined {
    return this.panels.find((p) => p.architecture === architecture);
  }

  /**
   * Applies a closed second. Seconds after the story's end are the grace period (requests
   * still in flight), which belongs to the numbers but not to the live charts.
   * Returns false when the second was not shown.
   */
  second(architecture: string, s: TimelineSecond, storyMs: number): boolean {
    const p = this.panel(architecture);
    if (!p || this.phase === 'stopping' || this.phase === 'done') return false;
    this.storyMs = Math.max(this.storyMs, Math.min(storyMs, this.story.scenario.durationMs));
    push(p.throughputRps, s.completed);
    push(p.p99Us, s.p99Us);
    p.completedTotal += s.completed;
    p.storeUsWeighted += s.storeP50Us * s.completed;
    p.sessionsLost += s.sessionsLost;
    p.itemsLost += s.updatesLost;
    for (const [kind, n] of Object.entries(s.errors) as [ErrorKind, number][]) {
      p.errors += n;
      p.errorsByKind[kind] = (p.errorsByKind[kind] ?? 0) + n;
    }
    p.seconds++;
    p.replicaRps = { ...s.byReplica };
    return true;
  }

  replicas(architecture: string, replicas: ReplicaView[]): void {
    const p = this.panel(architecture);
    if (p) p.replicas = replicas;
  }

  fault(label: string): void {
    // Every architecture fires the same fault at the same moment: the timeline shows it once.
    if (!this.fired.some((f) => f.label === label && Math.abs(f.storyMs - this.storyMs) < 1500)) this.fired.push({ label, storyMs: this.storyMs });
  }

  say(line: string): void {
    this.narration.push(line);
  }

  /** The fewest seconds any architecture has closed: narration compares them on equal terms. */
  get commonSeconds(): number {
    return Math.min(...this.panels.map((p) => p.seconds));
  }
}

function push(values: number[], value: number): void {
  values.push(value);
  if (values.length > HISTORY_SECONDS) values.shift();
}
