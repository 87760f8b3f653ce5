/**
 * Story time: milliseconds since the measured window started, not counting the time the
 * presenter held the story (`--pace slow`). Acts and faults are placed on this clock, so a
 * held story resumes exactly where it stopped while the load keeps running.
 */
export class StoryClock {
  private startMs = Number.NaN;
  private heldMs = 0;
  private holdStartMs: number | undefined;

  /** Starts the clock at `nowMs` (performance.now() ms); later calls are ignored. */
  start(nowMs: number): void {
    if (Number.isNaN(this.startMs)) this.startMs = nowMs;
  }

  get started(): boolean {
    return !Number.isNaN(this.startMs);
  }

  get holding(): boolean {
    return this.holdStartMs !== undefined;
  }

  /** Stops story time at `nowMs` (the load goes on). */
  hold(nowMs: number): void {
    this.holdStartMs ??= nowMs;
  }

  /** Lets story time run again from where it was held. */
  release(nowMs: number): void {
    if (this.holdStartMs === undefined) return;
    this.heldMs += nowMs - this.holdStartMs;
    this.holdStartMs = undefined;
  }

  /** Story time at `nowMs`: 0 before the start, frozen during a hold. */
  storyMs(nowMs: number): number {
    if (!this.started) return 0;
    const until = this.holdStartMs ?? nowMs;
    return Math.max(0, until - this.startMs - this.heldMs);
  }

  /** performance.now() ms at which story time will reach `storyMs` if nothing is held from now on. */
  wallMsAt(storyMs: number, nowMs: number): number {
    return nowMs + Math.max(0, storyMs - this.storyMs(nowMs));
  }
}
