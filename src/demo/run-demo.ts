import type { ArchitectureResult, RunResult, TimelineSecond } from '../result/types.js';
import type { Scenario } from '../scenario/types.js';
import type { ReplicaState, Topology } from '../topology/types.js';
import { ArchitectureRun } from '../run/architecture-run.js';
import { addArchitecture, finishRunResult, newRunResult, prepareScenario } from '../run/run-scenario.js';
import type { Act, Story } from './story.js';
import type { DemoLineup } from './demo-lineup.js';
import { StoryClock } from './story-clock.js';

/** A held story (`--pace slow`) has no planned end: the window is closed when the story is over. */
const OPEN_ENDED_WINDOW_MS = 24 * 3600 * 1000;

/** A replica as the stage shows it. */
export interface ReplicaView {
  name: string;
  state: ReplicaState;
}

/** Where the demo is; the screen and the narration follow it. */
export type DemoPhase = 'starting' | 'ready' | 'warmup' | 'running' | 'stopping' | 'done';

/** What a demo tells its audience-facing listener as it goes. Every call is at most a few per second. */
export interface DemoListener {
  phase?(phase: DemoPhase): void;
  notice?(message: string): void;
  /** A second of one architecture's timeline closed; `storyMs` is the story clock then. */
  second?(architecture: string, second: TimelineSecond, storyMs: number): void;
  /** An act begins (its faults are being fired). */
  act?(act: Act): void;
  /** `--pace slow`: the story is held until the presenter goes on; `next` is what comes then. */
  hold?(next: Act | 'start' | 'end'): void;
  fault?(architecture: string, label: string): void;
  replicas?(architecture: string, replicas: ReplicaView[]): void;
  architectureDone?(result: ArchitectureResult): void;
}

/** Options of {@link runDemo}. */
export interface RunDemoOptions {
  story: Story;
  lineup: DemoLineup;
  redisUrl?: string;
  /** Ctrl-C: ends the window early; the result is marked incomplete. */
  signal?: AbortSignal;
  listener?: DemoListener;
  /**
   * `--pace slow`: called when the story is held (before the load starts, before each act
   * that breaks something); resolves when the presenter goes on.
   */
  waitForPresenter?: () => Promise<void>;
}

/**
 * Runs a demo story: every architecture of the lineup at the same time, each on its own
 * topology with its share of the load, and each act's faults fired on all of them at the same
 * moment so the audience compares them live. Returns a result like `statebench run` does (the
 * same reports read it); never throws for what happens during the run.
 */
export async function runDemo(opts: RunDemoOptions): Promise<RunResult> {
  const { story, lineup, listener } = opts;
  // The same checks, store settings and thresholds as `statebench run`: only the schedule differs.
  const scenario = prepareScenario({ ...story.scenario, architectures: lineup.architectures, load: lineup.load }, { redisUrl: opts.redisUrl });
  const result = newRunResult(scenario);
  for (const n of lineup.notices) listener?.notice?.(n);

  const clock = new StoryClock();
  const storyEnd = new AbortController();
  const signals = [storyEnd.signal, ...(opts.signal ? [opts.signal] : [])];
  const stopSignal = AbortSignal.any(signals);
  const stages: Stage[] = [];
  // Each stage's CPU sampler counts the other stages' processes as the run's, not as foreign load.
  const neighboursOf = (self: string) => (): Map<string, number> => {
    const pids = new Map<string, number>();
    for (const s of stages) if (s.architecture !== self) for (const [name, pid] of s.topology?.processes() ?? []) pids.set(`${s.architecture}/${name}`, pid);
    return pids;
  };
  for (const a of lineup.architectures) stages.push(new Stage(a, scenario, clock, listener, neighboursOf(a)));

  listener?.phase?.('starting');
  await Promise.all(stages.map((s) => s.start()));
  const ready = stages.every((s) => s.topology !== undefined);
  if (ready && !opts.signal?.aborted) {
    listener?.phase?.('ready');
    if (opts.waitForPresenter) await presenter(opts, clock, listener, 'start');
    if (!opts.signal?.aborted) {
      listener?.phase?.('warmup');
      const windowMs = opts.waitForPresenter ? OPEN_ENDED_WINDOW_MS : scenario.durationMs;
      const loads = stages.map((s) => s.runLoad(windowMs, stopSignal));
      const directing = direct(story, stages, clock, opts, storyEnd, stopSignal);
      await Promise.all(loads);
      storyEnd.abort();
      await directing;
    }
  }
  listener?.phase?.('stopping');
  // Stopped together: after a Ctrl-C the room waits for the slowest topology, not for their sum.
  const finished = await Promise.all(stages.map((s) => s.finish(opts.signal?.aborted ?? false)));
  for (const arch of finished) {
    addArchitecture(result, arch);
    listener?.architectureDone?.(arch);
  }
  finishRunResult(result, opts.signal?.aborted ?? false);
  listener?.phase?.('done');
  return result;
}

/** Fires each act's faults on every stage at the act's story time; holds the story first under `--pace slow`. */
async function direct(story: Story, stages: Stage[], clock: StoryClock, opts: RunDemoOptions, storyEnd: AbortController, stop: AbortSignal): Promise<void> {
  await Promise.all(stages.map((s) => s.windowStarted));
  if (stop.aborted) return;
  opts.listener?.phase?.('running');
  for (const act of story.acts) {
    await sleepUntilStory(clock, act.startMs, stop);
    if (stop.aborted) return;
    if (act.faults.length > 0 && opts.waitForPresenter) {
      await presenter(opts, clock, opts.listener, act);
      if (stop.aborted) return;
    }
    opts.listener?.act?.(act);
    for (const stage of stages) stage.fire(act);
  }
  if (opts.waitForPresenter) {
    // Nothing plans the end of an open-ended window: close it when the story is told.
    await sleepUntilStory(clock, story.scenario.durationMs, stop);
    storyEnd.abort();
  }
}

async function presenter(opts: RunDemoOptions, clock: StoryClock, listener: DemoListener | undefined, next: Act | 'start' | 'end'): Promise<void> {
  clock.hold(performance.now());
  listener?.hold?.(next);
  await raceAbort(opts.waitForPresenter!(), opts.signal);
  clock.release(performance.now());
}

function raceAbort(p: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return p;
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    p.then(done, done);
  });
}

/** Resolves once story time reaches `storyMs` (re-checking after holds), or on abort. */
async function sleepUntilStory(clock: StoryClock, storyMs: number, signal: AbortSignal): Promise<void> {
  while (!signal.aborted && clock.storyMs(performance.now()) < storyMs) {
    const waitMs = clock.holding ? 50 : Math.max(1, Math.ceil(clock.wallMsAt(storyMs, performance.now()) - performance.now()));
    await new Promise<void>((resolve) => {
      const t = setTimeout(done, waitMs);
      function done(): void {
        clearTimeout(t);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

/** One architecture on stage: the architecture run `statebench run` uses, started, measured and finished with the others. */
class Stage {
  private readonly run: ArchitectureRun;
  private markWindowStarted!: () => void;
  /** Resolves when this stage's measured window starts (or its load ends without one). */
  readonly windowStarted = new Promise<void>((resolve) => (this.markWindowStarted = resolve));

  constructor(
    readonly architecture: string,
    scenario: Scenario,
    clock: StoryClock,
    listener: DemoListener | undefined,
    neighbours: () => Map<string, number>,
  ) {
    this.run = new ArchitectureRun({
      scenario,
      architecture,
      // The generator's CPU is shared by every stage and the screen.
      sharedGenerator: true,
      neighbours,
      listener: {
        topology: (topology) => watchReplicas(architecture, topology, listener),
        windowStart: (startMs) => {
          clock.start(startMs);
          this.markWindowStarted();
        },
        second: (s) => listener?.second?.(architecture, s, clock.storyMs(performance.now())),
        fault: (label) => listener?.fault?.(architecture, label),
      },
    });
  }

  get topology(): Topology | undefined {
    return this.run.topology;
  }

  async start(): Promise<void> {
    await this.run.start();
  }

  async runLoad(windowMs: number, stop: AbortSignal): Promise<void> {
    await this.run.measure({ signal: stop, windowMs });
    this.markWindowStarted();
  }

  /** Fires an act's faults now, timed from the act's start. */
  fire(act: Act): void {
    this.run.fire(act.faults.map((f) => ({ ...f, atMs: f.atMs - act.startMs })));
  }

  /**
   * A held story's window is closed by aborting the load: that is its planned end, so only
   * Ctrl-C makes the result incomplete.
   */
  finish(interrupted: boolean): Promise<ArchitectureResult> {
    return this.run.finish(interrupted);
  }
}

/** Replica boxes change colour the moment a process dies, not a second later. */
function watchReplicas(architecture: string, topology: Topology, listener: DemoListener | undefined): void {
  const show = (): void => listener?.replicas?.(architecture, topology.replicas.map((r) => ({ name: r.name, state: r.state })));
  topology.on('replica-state', show);
  topology.on('replica-added', show);
  topology.on('replica-removed', show);
  show();
}
