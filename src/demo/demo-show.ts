import type { ArchitectureResult, TimelineSecond } from '../result/types.js';
import { DemoState, type FinalFrame, type Hold } from './demo-state.js';
import { Narrator } from './narrator.js';
import type { DemoListener, DemoPhase, ReplicaView } from './run-demo.js';
import type { Act, Story } from './story.js';
import { plural } from '../syntax/figures.js';

/** Where a show goes: the full-screen live view, or plain lines. */
export interface DemoSink {
  /** The state changed; the sink redraws when it sees fit. */
  changed(state: DemoState): void;
  /** A new line of narration. */
  line?(text: string, state: DemoState): void;
  /** Every architecture has closed one more second. */
  second?(state: DemoState): void;
}

/**
 * Turns the run's events into the audience's view: updates the {@link DemoState}, lets the
 * {@link Narrator} speak, and tells the sink. Runs on the once-a-second events only.
 */
export class DemoShow implements DemoListener {
  readonly state: DemoState;
  private readonly narrator = new Narrator();
  private shownSeconds = 0;

  constructor(story: Story, architectures: string[], sharing: string, paced: boolean, private readonly sink: DemoSink) {
    this.state = new DemoState(story, architectures, sharing, paced);
  }

  /** Tells the introduction; call once the sink is ready. */
  begin(): void {
    const opening = this.narrator.intro(this.state);
    this.say(opening);
    this.state.openingLines = opening.length;
    this.sink.changed(this.state);
  }

  /** The run is over: the last frame shows the result condensed, with its conclusions. */
  finish(frame: FinalFrame): void {
    this.state.final = frame;
    this.state.hold = undefined;
    this.sink.changed(this.state);
  }

  phase(phase: DemoPhase): void {
    this.state.phase = phase;
    if (phase === 'starting') this.say([`starting ${this.state.architectures.length} × ${plural(this.state.story.scenario.replicas, 'replica')}…`]);
    if (phase === 'warmup') this.say([`warm-up: ${Math.round(this.state.story.scenario.warmupMs / 1000)} s of load before measuring`]);
    if (phase === 'stopping') this.say(this.narrator.end(this.state));
    this.sink.changed(this.state);
  }

  notice(message: string): void {
    this.state.notices.push(message);
    this.say([`note: ${message}`]);
    this.sink.changed(this.state);
  }

  second(architecture: string, second: TimelineSecond, storyMs: number): void {
    if (!this.state.second(architecture, second, storyMs)) return;
    if (this.state.commonSeconds > this.shownSeconds) {
      this.shownSeconds = this.state.commonSeconds;
      this.say(this.narrator.tick(this.state));
      this.sink.second?.(this.state);
    }
    this.sink.changed(this.state);
  }

  act(act: Act): void {
    this.state.actNumber = act.number;
    this.state.storyMs = Math.max(this.state.storyMs, act.startMs);
    this.state.hold = undefined;
    this.say(this.narrator.act(act, this.state));
    this.sink.changed(this.state);
  }

  hold(next: Hold): void {
    this.state.hold = next;
    this.say([this.narrator.hold(next)]);
    this.sink.changed(this.state);
  }

  /** The presenter went on. */
  released(): void {
    this.state.hold = undefined;
    this.sink.changed(this.state);
  }

  fault(_architecture: string, label: string): void {
    this.state.fault(label);
    this.sink.changed(this.state);
  }

  replicas(architecture: string, replicas: ReplicaView[]): void {
    this.state.replicas(architecture, replicas);
    this.sink.changed(this.state);
  }

  architectureDone(_result: ArchitectureResult): void {
    this.sink.changed(this.state);
  }

  private say(lines: string[]): void {
    for (const line of lines) {
      this.state.say(line);
      this.sink.line?.(line, this.state);
    }
  }
}
