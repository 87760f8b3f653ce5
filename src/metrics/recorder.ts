import { ENDPOINTS, ERROR_KINDS, OUTCOME_KINDS, type Endpoint, type ErrorKind, type OutcomeKind } from '../load/outcome.js';
import type { LoadRecorder } from '../load/load-recorder.js';
import type { TimelineSecond } from '../result/types.js';
import {
  createHistogram,
  durationToRecordUs,
  encodeHistogram,
  latencyToRecordUs,
  percentileOf,
  percentilesOf,
  type Histogram,
} from '../hdr/histogram.js';
import { LoopDelay, type LoopDelayFigures } from './loop-delay.js';
import { QUALITY_LIMITS, type LatenessFigures } from './measurement-quality.js';
import type { FaultEvent } from '../faults/fault-event.js';
import { LossAttributor, SESSION_LOSS_CAUSES, type SessionLossCause, type SessionLossContext } from './loss-causes.js';

const CAUSE_INDEX = Object.fromEntries(SESSION_LOSS_CAUSES.map((c, i) => [c, i])) as Record<SessionLossCause, number>;

/**
 * The measured window so far, when a second closes: what live progress shows beside the
 * second's own figures, so a line never passes off the last second's p99 as the run's.
 */
export interface WindowSoFar {
  /** Requests completed since the window began. */
  completed: number;
  /** p99 of every latency recorded since the window began, µs (HDR's highest equivalent value). */
  p99Us: number;
}

/** Options of a {@link Recorder}. */
export interface RecorderOptions {
  /**
   * Called once per closed second of the timeline, for live progress, with the window so far.
   * It runs inside whichever recorder call crossed the second boundary (so at most once a
   * second, never per request); it must be quick and must not throw.
   */
  onSecond?: (second: TimelineSecond, soFar: WindowSoFar) => void;
  /** Replica names known in advance, so their counters exist before the first request. */
  replicaNames?: readonly string[];
  /**
   * Probe the event-loop delay of this process per second (default true): the generator's
   * disturbance under the closed model. Off for tests feeding synthetic timestamps.
   */
  loopDelay?: boolean;
  /**
   * Keep each second's latency and store histograms, encoded, in the timeline
   * (`TimelineSecond.histograms`), so that the timelines of shards merge exactly (about 1.3 KB a
   * second). Encoding takes about a millisecond: it is done on the next turn of the event loop,
   * not inside the request that closed the second. Default false.
   */
  secondHistograms?: boolean;
  /**
   * What decides why sessions are lost (where they live, their time to live, the store's
   * settings): lost sessions are then counted by cause. Without it every loss is `unexplained`.
   */
  sessionLoss?: SessionLossContext;
}

/** Sizes of everything the recorder holds, for tests asserting that memory stays flat. */
export interface RecorderFootprint {
  timelineSeconds: number;
  replicaSlots: number;
  histograms: number;
  histogramBytes: number;
}

// Indices into the per-kind counters; object lookups on constant keys allocate nothing.
const KIND_INDEX = Object.fromEntries(OUTCOME_KINDS.map((k, i) => [k, i])) as Record<OutcomeKind, number>;
const ENDPOINT_INDEX = Object.fromEntries(ENDPOINTS.map((e, i) => [e, i])) as Record<Endpoint, number>;
const OK_INDEX = KIND_INDEX.ok;

/**
 * Records what the load engine observed during the measured window: HDR histograms (total,
 * uncorrected, store, per endpoint), counts by outcome kind, per-replica counts and a
 * per-second timeline. Called from the engine's hot loop, so recording allocates nothing per
 * call: positional arguments, counters in preallocated typed arrays, one reused histogram for
 * the current second. Memory grows only by one small {@link TimelineSecond} per second.
 *
 * Times (`nowMs`) are `performance.now()` milliseconds. The measured window is
 * [`beginMeasuring`, `endMeasuring`): calls stamped before it are ignored (warm-up), `sent` and
 * `dropped` stamped at or after its end are ignored, and completions after the end are kept
 * until {@link Recorder.finish} (the grace period: the engine reports only completions of
 * requests it sent inside the window). Inclusion depends on the timestamp, not on call order,
 * so a request due inside the window but only counted as sent after the window closed (the
 * open model's backlog) still counts.
 *
 * The timeline follows completion times; a timestamp older than the current second (e.g. an
 * intended send time passed to `dropped`) is counted in the current second.
 */
export class Recorder implements LoadRecorder {
  /** Latency of every completed request (ok or failed): what users felt, failures included. */
  readonly latency: Histogram = createHistogram();
  /** Latency from the actual send (differs from `latency` under the open model). */
  readonly uncorrected: Histogram = createHistogram();
  /** Store time per request from `Server-Timing: store;dur=`, only requests that carried one. */
  readonly store: Histogram = createHistogram();
  /** Latency per endpoint, indexed like `ENDPOINTS`. */
  private readonly endpointHistograms: Histogram[] = ENDPOINTS.map(() => createHistogram());
  /** Open model: how late the pacer's own sends left against their intended time, µs (see `late`). */
  readonly lateness: Histogram = createHistogram();
  /**
   * The latencies completed in the first second of the window: subtracted from `latency`, they
   * tell whether that one second set the window's percentiles (a warm-up transient).
   */
  readonly firstSecondLatency: Histogram = createHistogram();
  /** Staleness of items a read lacked and a later read showed, µs (see cart-checker.ts). */
  readonly staleness: Histogram = createHistogram();

  /** Sum of recorded latencies of all completed requests, µs. */
  sumLatencyUs = 0;
  /** Sum of store time over requests that carried a store timing, µs. */
  sumStoreUs = 0;
  /**
   * Sum of uncorrected latency over the same requests as `sumStoreUs`, µs: the denominator of the
   * store's share, so client-side queueing (open model) and requests without a timing (refused,
   * timeouts) do not dilute it.
   */
  sumUncorrectedWithStoreUs = 0;

  private sentTotal = 0;
  private droppedTotal = 0;
  private readonly kindTotals = new Float64Array(OUTCOME_KINDS.length);
  /** Completions by endpoint and outcome kind: `[ENDPOINT_INDEX × OUTCOME_KINDS.length + KIND_INDEX]`. */
  private readonly endpointKindTotals = new Float64Array(ENDPOINTS.length * OUTCOME_KINDS.length);
  private sessionsStartedTotal = 0;
  private sessionsLostTotal = 0;
  private updatesLostTotal = 0;
  private itemsLostWithSessionsTotal = 0;
  private readonly lostByCause = new Float64Array(SESSION_LOSS_CAUSES.length);
  private readYourWritesTotal = 0;
  private monotonicReadsTotal = 0;
  private staleItemsTotal = 0;
  private readonly attributor: LossAttributor | undefined;
  private lateOverLimitTotal = 0;
  /** Sessions held now (opened − closed, warm-up included); undefined until the engine reports any. */
  private sessionsHeld: number | undefined;
  private firstSecondSentTotal = 0;

  private readonly replicaIndex = new Map<string, number>();
  private readonly replicaNames: string[] = [];
  private replicaTotals: Float64Array = new Float64Array(8);

  private startMs = Number.NaN;
  private endMs = Number.POSITIVE_INFINITY;
  private finished = false;
  /** Set by the first call stamped inside the window: the loop-delay probe forgets the warm-up then. */
  private entered = false;
  private readonly loopDelay: LoopDelay | undefined;

  // The current (open) second of the timeline.
  private second = 0;
  private nextSecondMs = Number.POSITIVE_INFINITY;
  private secLatency: Histogram = createHistogram();
  private secStore: Histogram = createHistogram();
  private readonly secLate: Histogram = createHistogram();
  private readonly secKinds = new Float64Array(OUTCOME_KINDS.length);
  private secReplicas: Float64Array = new Float64Array(8);
  private secSessionsLost = 0;
  private secUpdatesLost = 0;
  private secDropped = 0;
  private secFaults: string[] | null = null;
  private readonly seconds: TimelineSecond[] = [];
  private readonly onSecond: ((second: TimelineSecond, soFar: WindowSoFar) => void) | undefined;
  private readonly secondHistograms: boolean;
  /** A closed second whose histograms are still to be encoded, and the pair to record into next. */
  private pendingSecond: { second: TimelineSecond; latency: Histogram; store: Histogram } | undefined;
  private spare: { latency: Histogram; store: Histogram } | undefined;

  constructor(opts: RecorderOptions = {}) {
    this.onSecond = opts.onSecond;
    for (const name of opts.replicaNames ?? []) this.replicaSlot(name);
    this.loopDelay = opts.loopDelay === false ? undefined : new LoopDelay();
    this.secondHistograms = opts.secondHistograms === true;
    this.attributor = opts.sessionLoss === undefined ? undefined : new LossAttributor(opts.sessionLoss);
  }

  /**
   * Starts the measured window at `startMs`. May be called ahead of time with a future start
   * (the engine knows the window before warm-up ends); calls stamped before it are warm-up.
   * Must be called before the first call stamped inside the window: until then, everything is
   * ignored.
   */
  beginMeasuring(startMs: number): void {
    this.startMs = startMs;
    this.second = 0;
    this.nextSecondMs = startMs + 1000;
    this.loopDelay?.start();
  }

  /** Ends the window at `endMs` (exclusive): later sends and drops are not counted; completions still are until {@link finish}. */
  endMeasuring(endMs: number): void {
    this.endMs = endMs;
    // The grace period's loop delay is the generator waiting for stragglers, not the window's.
    this.loopDelay?.stop();
  }

  /**
   * Ends recording (after the grace period): closes the last second of the timeline. The
   * timeline then covers every second of the window, plus grace seconds that saw completions.
   * Later calls are ignored. Also ends the window at `nowMs` if `endMeasuring` was not called.
   */
  finish(nowMs: number): void {
    if (this.finished) return;
    if (this.endMs === Number.POSITIVE_INFINITY) this.endMs = nowMs;
    if (!(this.startMs <= this.endMs)) {
      // Never measured: nothing to close, and no second 0 to invent.
      this.finished = true;
      return;
    }
    // The epsilon absorbs floating-point error in end − start (24000.000000000007 ms is 24 s).
    const lastWindowSecond = Math.max(0, Math.ceil((this.endMs - this.startMs) / 1000 - 1e-6) - 1);
    while (this.second < lastWindowSecond) this.closeSecond();
    this.closeSecond();
    this.encodePending();
    this.loopDelay?.stop();
    this.finished = true;
  }

  /** A request handed to the network (or failed before it could be), stamped inside the window. */
  sent(nowMs: number): void {
    if (nowMs >= this.startMs && nowMs < this.endMs && !this.finished) {
      this.sentTotal++;
      if (nowMs < this.startMs + 1000) this.firstSecondSentTotal++;
    }
  }

  /**
   * Open model: a request the pacer sent itself left `lateUs` after its intended time, at
   * `nowMs`. Counted when its intended time (`nowMs − lateUs`) is inside the window, like `sent`.
   */
  late(lateUs: number, nowMs: number): void {
    const intendedMs = nowMs - lateUs / 1000;
    if (!(intendedMs >= this.startMs && intendedMs < this.endMs) || this.finished) return;
    if (!this.entered) this.enter();
    if (nowMs >= this.nextSecondMs) this.advance(nowMs);
    const us = durationToRecordUs(lateUs);
    this.lateness.recordValue(us);
    this.secLate.recordValue(us);
    if (us > QUALITY_LIMITS.lateUs) this.lateOverLimitTotal++;
  }

  /** A request due inside the window that was never sent: the backlog was full. */
  dropped(nowMs: number): void {
    if (!(nowMs >= this.startMs && nowMs < this.endMs) || this.finished) return;
    this.advance(nowMs);
    this.droppedTotal++;
    this.secDropped++;
  }

  /**
   * One completed or failed request.
   * @param latencyUs from the intended send (open model) or the actual send (closed), µs
   * @param uncorrectedUs from the actual send, µs
   * @param storeUs store time from `Server-Timing`, µs; negative when the response had none
   * @param replica the `X-Replica` that answered; undefined when none did (not counted per replica)
   */
  request(
    endpoint: Endpoint,
    kind: OutcomeKind,
    latencyUs: number,
    uncorrectedUs: number,
    storeUs: number,
    replica: string | undefined,
    nowMs: number,
  ): void {
    if (!(nowMs >= this.startMs) || this.finished) return;
    if (nowMs >= this.nextSecondMs) this.advance(nowMs);
    const lat = latencyToRecordUs(latencyUs);
    this.latency.recordValue(lat);
    this.secLatency.recordValue(lat);
    // Recorded as it comes rather than copied when the second closes: the copy's first call costs
    // milliseconds of compilation, right at the boundary it would measure.
    if (this.second === 0) this.firstSecondLatency.recordValue(lat);
    this.endpointHistograms[ENDPOINT_INDEX[endpoint]].recordValue(lat);
    this.sumLatencyUs += lat;
    const unc = latencyToRecordUs(uncorrectedUs);
    this.uncorrected.recordValue(unc);
    if (storeUs >= 0) {
      const st = durationToRecordUs(storeUs);
      this.store.recordValue(st);
      this.secStore.recordValue(st);
      this.sumStoreUs += st;
      this.sumUncorrectedWithStoreUs += unc;
    }
    const k = KIND_INDEX[kind];
    this.kindTotals[k]++;
    this.secKinds[k]++;
    this.endpointKindTotals[ENDPOINT_INDEX[endpoint] * OUTCOME_KINDS.length + k]++;
    if (replica !== undefined) {
      const r = this.replicaSlot(replica);
      this.replicaTotals[r]++;
      this.secReplicas[r]++;
    }
  }

  /** A login that succeeded. */
  sessionStarted(nowMs: number): void {
    if (nowMs >= this.startMs && !this.finished) this.sessionsStartedTotal++;
  }

  /**
   * A session opened (+1) or closed (−1) at `nowMs`, warm-up included: each second of the
   * timeline records how many were held when it closed (`sessionsOpen`).
   */
  sessions(delta: number, nowMs: number): void {
    if (this.finished) return;
    // The second this call falls after closes first, with the count it had.
    if (nowMs >= this.startMs) this.advance(nowMs);
    this.sessionsHeld = (this.sessionsHeld ?? 0) + delta;
  }

  /**
   * A session the client held was lost (a 401); `itemsLost` acknowledged cart items went with it.
   * The rest says what the client knew of it (LoadRecorder.sessionLost), from which its cause is
   * counted.
   */
  sessionLost(
    nowMs: number,
    itemsLost: number,
    loginAckMs = Number.NaN,
    renewSentMs = Number.NaN,
    renewAckMs = Number.NaN,
    lossSentMs = Number.NaN,
    home?: string,
  ): void {
    if (!(nowMs >= this.startMs) || this.finished) return;
    this.advance(nowMs);
    this.sessionsLostTotal++;
    this.secSessionsLost++;
    this.updatesLostTotal += itemsLost;
    this.itemsLostWithSessionsTotal += itemsLost;
    this.secUpdatesLost += itemsLost;
    const cause = this.attributor?.cause({ nowMs, loginAckMs, renewSentMs, renewAckMs, lossSentMs, home }) ?? 'unexplained';
    this.lostByCause[CAUSE_INDEX[cause]]++;
  }

  /** Acknowledged cart items found lost: never seen again (see cart-checker.ts). */
  updateLost(nowMs: number, items: number): void {
    if (!(nowMs >= this.startMs) || this.finished) return;
    this.advance(nowMs);
    this.updatesLostTotal += items;
    this.secUpdatesLost += items;
  }

  /** A read lacked items known present: which session guarantees it broke (1 or 0 each). */
  readAnomaly(nowMs: number, readYourWrites: number, monotonicReads: number): void {
    if (!(nowMs >= this.startMs) || this.finished) return;
    this.readYourWritesTotal += readYourWrites;
    this.monotonicReadsTotal += monotonicReads;
  }

  /** An item a read lacked came back: stale, not lost; `stalenessMs` −1 when only a count showed it. */
  staleItem(nowMs: number, stalenessMs: number): void {
    if (!(nowMs >= this.startMs) || this.finished) return;
    this.staleItemsTotal++;
    if (stalenessMs >= 0) this.staleness.recordValue(durationToRecordUs(stalenessMs * 1000));
  }

  /**
   * Stamps a fault label (e.g. `kill replica-2`) on the second it fired in. `event`, the fault's
   * event as the timeline fills it in, lets lost sessions found later be put down to it.
   */
  fault(nowMs: number, label: string, event?: FaultEvent): void {
    if (event !== undefined) this.attributor?.fault(nowMs, event);
    if (!(nowMs >= this.startMs) || this.finished) return;
    this.advance(nowMs);
    (this.secFaults ??= []).push(label);
  }

  /**
   * Closes seconds that have ended by `nowMs`. The engine may call this from a timer so the
   * timeline (and live progress) moves on during a total stall, when nothing completes.
   */
  tick(nowMs: number): void {
    if (nowMs >= this.startMs && !this.finished) {
      if (!this.entered) this.enter();
      this.advance(nowMs);
    }
  }

  /** The generator's lateness over the window (open model; count 0 under the closed one). */
  latenessFigures(): LatenessFigures {
    const p = percentilesOf(this.lateness);
    return { count: p.count, p50Us: p.p50, p99Us: p.p99, maxUs: p.max, overLimit: this.lateOverLimitTotal };
  }

  /** The generator's event-loop delay over the window; undefined when not probed. */
  loopDelayFigures(): LoopDelayFigures | undefined {
    return this.loopDelay?.windowFigures();
  }

  /** Start of the measured window (performance.now() ms); NaN before `beginMeasuring`. */
  get windowStartMs(): number {
    return this.startMs;
  }

  /** Length of the measured window; 0 until it has ended. */
  get measuredMs(): number {
    const ms = this.endMs - this.startMs;
    return Number.isFinite(ms) && ms > 0 ? ms : 0;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  get sentCount(): number {
    return this.sentTotal;
  }

  /** Requests sent (or due, under the open model) in the first second of the window. */
  get firstSecondSentCount(): number {
    return this.firstSecondSentTotal;
  }

  get droppedCount(): number {
    return this.droppedTotal;
  }

  get okCount(): number {
    return this.kindTotals[OK_INDEX];
  }

  /** Completed requests of one outcome kind. */
  countOf(kind: OutcomeKind): number {
    return this.kindTotals[KIND_INDEX[kind]];
  }

  /** Failed requests by kind, every kind present. */
  errorCounts(): Record<ErrorKind, number> {
    const out = {} as Record<ErrorKind, number>;
    for (const kind of ERROR_KINDS) out[kind] = this.kindTotals[KIND_INDEX[kind]];
    return out;
  }

  /**
   * Failed requests by endpoint and kind, for every endpoint that completed a request (an
   * endpoint without failures maps to `{}`); kinds that never happened on it are left out.
   */
  errorsByEndpoint(): Partial<Record<Endpoint, Partial<Record<ErrorKind, number>>>> {
    const out: Partial<Record<Endpoint, Partial<Record<ErrorKind, number>>>> = {};
    const width = OUTCOME_KINDS.length;
    ENDPOINTS.forEach((endpoint, e) => {
      if (this.endpointHistograms[e].totalCount === 0) return;
      const errors: Partial<Record<ErrorKind, number>> = {};
      for (const kind of ERROR_KINDS) {
        const n = this.endpointKindTotals[e * width + KIND_INDEX[kind]];
        if (n > 0) errors[kind] = n;
      }
      out[endpoint] = errors;
    });
    return out;
  }

  /** Completed requests, ok or failed. */
  get completedCount(): number {
    let n = 0;
    for (let i = 0; i < this.kindTotals.length; i++) n += this.kindTotals[i];
    return n;
  }

  get sessionsStartedCount(): number {
    return this.sessionsStartedTotal;
  }

  get sessionsLostCount(): number {
    return this.sessionsLostTotal;
  }

  /** Items lost for any reason, including those counted in `itemsLostWithSessionsCount`. */
  get updatesLostCount(): number {
    return this.updatesLostTotal;
  }

  /** Items that went with lost sessions (a part of `updatesLostCount`). */
  get itemsLostWithSessionsCount(): number {
    return this.itemsLostWithSessionsTotal;
  }

  /** Lost sessions by cause, every cause present. */
  sessionsLostByCause(): Record<SessionLossCause, number> {
    const out = {} as Record<SessionLossCause, number>;
    SESSION_LOSS_CAUSES.forEach((c, i) => (out[c] = this.lostByCause[i]));
    return out;
  }

  /** Reads that broke read-your-writes: an acknowledged add of the session was missing. */
  get readYourWritesViolations(): number {
    return this.readYourWritesTotal;
  }

  /** Reads that broke monotonic reads: an item an earlier read had shown was missing. */
  get monotonicReadViolations(): number {
    return this.monotonicReadsTotal;
  }

  /** Items a read lacked that came back later (stale, not lost). */
  get staleItemsCount(): number {
    return this.staleItemsTotal;
  }

  /** Completed requests per replica name. */
  perReplica(): Record<string, number> {
    const out: Record<string, number> = {};
    for (let i = 0; i < this.replicaNames.length; i++) out[this.replicaNames[i]] = this.replicaTotals[i];
    return out;
  }

  /** The latency histogram of one endpoint. */
  endpointHistogram(endpoint: Endpoint): Histogram {
    return this.endpointHistograms[ENDPOINT_INDEX[endpoint]];
  }

  /** Closed seconds so far (all of them once finished), second 0 first, no gaps. */
  get timeline(): readonly TimelineSecond[] {
    return this.seconds;
  }

  /** For tests: what the recorder holds, to show it does not grow per request. */
  footprint(): RecorderFootprint {
    const all = [
      this.latency,
      this.uncorrected,
      this.store,
      this.lateness,
      this.firstSecondLatency,
      this.staleness,
      this.secLatency,
      this.secStore,
      this.secLate,
      ...this.endpointHistograms,
    ];
    return {
      timelineSeconds: this.seconds.length,
      replicaSlots: this.replicaTotals.length,
      histograms: all.length,
      histogramBytes: all.reduce((sum, h) => sum + h.estimatedFootprintInBytes, 0),
    };
  }

  /** The window has begun: what the loop-delay probe saw until now was warm-up. */
  private enter(): void {
    this.entered = true;
    this.loopDelay?.discard();
  }

  private advance(nowMs: number): void {
    if (nowMs < this.nextSecondMs) return;
    const target = Math.floor((nowMs - this.startMs) / 1000);
    // Each skipped second is closed too, with zeros: a stall must show on the timeline.
    while (this.second < target) this.closeSecond();
  }

  private closeSecond(): void {
    const errors: Partial<Record<ErrorKind, number>> = {};
    let completed = 0;
    for (let i = 0; i < this.secKinds.length; i++) {
      const n = this.secKinds[i];
      if (n === 0) continue;
      completed += n;
      if (i !== OK_INDEX) errors[OUTCOME_KINDS[i] as ErrorKind] = n;
    }
    const byReplica: Record<string, number> = {};
    for (let i = 0; i < this.replicaNames.length; i++) {
      if (this.secReplicas[i] > 0) byReplica[this.replicaNames[i]] = this.secReplicas[i];
    }
    const s: TimelineSecond = {
      second: this.second,
      completed,
      ok: this.secKinds[OK_INDEX],
      errors,
      sessionsLost: this.secSessionsLost,
      updatesLost: this.secUpdatesLost,
      dropped: this.secDropped,
      p50Us: percentileOf(this.secLatency, 50),
      p99Us: percentileOf(this.secLatency, 99),
      storeP50Us: percentileOf(this.secStore, 50),
      byReplica,
      faults: this.secFaults ?? [],
    };
    // Counted requests sent and not completed: with one tab per session, the users waiting for an answer.
    s.requestsInFlight = Math.max(0, this.sentTotal - this.completedCount);
    if (this.sessionsHeld !== undefined) s.sessionsOpen = this.sessionsHeld;
    if (this.lateness.totalCount > 0) s.lateP99Us = percentileOf(this.secLate, 99);
    const loop = this.loopDelay?.takeSecond();
    if (loop !== undefined && loop.count > 0) s.loopDelayP99Us = loop.p99Us;
    this.seconds.push(s);

    if (this.secondHistograms && this.secLatency.totalCount + this.secStore.totalCount > 0) {
      // Handed over whole and encoded later; the spare pair records the next second.
      this.encodePending();
      this.pendingSecond = { second: s, latency: this.secLatency, store: this.secStore };
      const next = this.spare ?? { latency: createHistogram(), store: createHistogram() };
      this.spare = undefined;
      this.secLatency = next.latency;
      this.secStore = next.store;
      setImmediate(() => this.encodePending());
    }
    // Resetting clears the whole counts array; skip it for the empty seconds of a stall.
    if (this.secLatency.totalCount > 0) this.secLatency.reset();
    if (this.secStore.totalCount > 0) this.secStore.reset();
    if (this.secLate.totalCount > 0) this.secLate.reset();
    this.secKinds.fill(0);
    this.secReplicas.fill(0);
    this.secSessionsLost = 0;
    this.secUpdatesLost = 0;
    this.secDropped = 0;
    this.secFaults = null;
    this.second++;
    this.nextSecondMs = this.startMs + (this.second + 1) * 1000;
    // The whole window's p99 costs a walk over one histogram (about 0.2 ms), once a second, and only for a listener.
    if (this.onSecond) this.onSecond(s, { completed: this.latency.totalCount, p99Us: percentileOf(this.latency, 99) });
  }

  /** Encodes the pending second's histograms into its timeline entry (see `secondHistograms`). */
  private encodePending(): void {
    const pending = this.pendingSecond;
    if (pending === undefined) return;
    this.pendingSecond = undefined;
    pending.second.histograms = {
      latency: encodeHistogram(pending.latency),
      ...(pending.store.totalCount > 0 ? { store: encodeHistogram(pending.store) } : {}),
    };
    pending.latency.reset();
    pending.store.reset();
    this.spare = { latency: pending.latency, store: pending.store };
  }

  private replicaSlot(name: string): number {
    const known = this.replicaIndex.get(name);
    if (known !== undefined) return known;
    // Grows once per new replica name (a handful per run, more with `scale`), never per request.
    const slot = this.replicaNames.length;
    if (slot === this.replicaTotals.length) {
      this.replicaTotals = grow(this.replicaTotals);
      this.secReplicas = grow(this.secReplicas);
    }
    this.replicaNames.push(name);
    this.replicaIndex.set(name, slot);
    return slot;
  }
}

function grow(a: Float64Array): Float64Array {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}
