import type { LoadRecorder } from './load-recorder.js';
import { ENDPOINTS, OUTCOME_KINDS, type Endpoint, type OutcomeKind } from './outcome.js';

/**
 * A load recorder that writes every call into a log of numbers, so an engine in a worker thread
 * can hand its calls to the recorder in the main thread in batches; {@link LogReplayer} makes
 * the same calls there, in time order across workers. Every histogram and counter then holds
 * exactly what one engine would have recorded, with no merging of summaries.
 *
 * A record is RECORD_WIDTH numbers: the operation, the time of the call (performance.now() ms,
 * which orders records across workers), then the call's arguments.
 */
const RECORD_WIDTH = 8;
const OP_SENT = 0;
const OP_DROPPED = 1;
const OP_REQUEST = 2;
const OP_SESSION_STARTED = 3;
const OP_SESSION_LOST = 4;
const OP_UPDATE_LOST = 5;
const OP_LATE = 6;
const OP_READ_ANOMALY = 7;
const OP_STALE_ITEM = 8;
const OP_SESSIONS = 9;
/** Records per batch buffer before a new one is started. */
const BATCH_RECORDS = 4096;

const ENDPOINT_INDEX = Object.fromEntries(ENDPOINTS.map((e, i) => [e, i])) as Record<Endpoint, number>;
const KIND_INDEX = Object.fromEntries(OUTCOME_KINDS.map((k, i) => [k, i])) as Record<OutcomeKind, number>;

/** What a worker sends: its records, replica names first seen since the last batch, and up to when it is complete. */
export interface LogBatch {
  /** Records, RECORD_WIDTH numbers each. */
  records: Float64Array;
  /** Names for replica indices from `firstName` on. */
  names: string[];
  firstName: number;
  /** Every call made before this time (performance.now() ms) is in this batch or an earlier one. */
  completeToMs: number;
}

export class LogRecorder implements LoadRecorder {
  /**
   * `offsetMs` is added to every time recorded, turning this thread's performance.now() into the
   * replaying thread's (the difference of their performance.timeOrigin).
   */
  constructor(private readonly offsetMs = 0) {}

  private buffer = new Float64Array(BATCH_RECORDS * RECORD_WIDTH);
  private used = 0;
  private readonly full: Float64Array[] = [];
  private readonly nameIndex = new Map<string, number>();
  private readonly names: string[] = [];
  private namesSent = 0;

  sent(nowMs: number): void {
    this.put(OP_SENT, performance.now(), nowMs + this.offsetMs, 0, 0, 0, 0, 0);
  }
  dropped(nowMs: number): void {
    this.put(OP_DROPPED, performance.now(), nowMs + this.offsetMs, 0, 0, 0, 0, 0);
  }
  request(
    endpoint: Endpoint,
    kind: OutcomeKind,
    latencyUs: number,
    uncorrectedUs: number,
    storeUs: number,
    replica: string | undefined,
    nowMs: number,
  ): void {
    this.put(OP_REQUEST, nowMs, ENDPOINT_INDEX[endpoint], KIND_INDEX[kind], latencyUs, uncorrectedUs, storeUs, this.nameOf(replica));
  }
  sessionStarted(nowMs: number): void {
    this.put(OP_SESSION_STARTED, nowMs, 0, 0, 0, 0, 0, 0);
  }
  sessionLost(nowMs: number, itemsLost: number, loginAckMs: number, renewSentMs: number, renewAckMs: number, lossSentMs: number, home: string | undefined): void {
    // Times in this thread's clock, like every time recorded: put() shifts the call's own, these here.
    const o = this.offsetMs;
    this.put(OP_SESSION_LOST, nowMs, itemsLost, loginAckMs + o, renewSentMs + o, renewAckMs + o, lossSentMs + o, this.nameOf(home));
  }
  readAnomaly(nowMs: number, readYourWrites: number, monotonicReads: number): void {
    this.put(OP_READ_ANOMALY, nowMs, readYourWrites, monotonicReads, 0, 0, 0, 0);
  }
  staleItem(nowMs: number, stalenessMs: number): void {
    this.put(OP_STALE_ITEM, nowMs, stalenessMs, 0, 0, 0, 0, 0);
  }
  updateLost(nowMs: number, items: number): void {
    this.put(OP_UPDATE_LOST, nowMs, items, 0, 0, 0, 0, 0);
  }
  late(lateUs: number, nowMs: number): void {
    this.put(OP_LATE, nowMs, lateUs, 0, 0, 0, 0, 0);
  }
  sessions(delta: number, nowMs: number): void {
    this.put(OP_SESSIONS, nowMs, delta, 0, 0, 0, 0, 0);
  }

  /** The index of a replica name in this log (-1 for none), registering a new one. */
  private nameOf(replica: string | undefined): number {
    if (replica === undefined) return -1;
    let r = this.nameIndex.get(replica) ?? -1;
    if (r < 0) {
      r = this.names.length;
      this.names.push(replica);
      this.nameIndex.set(replica, r);
    }
    return r;
  }

  /** Everything recorded since the last call, complete up to now. */
  take(): LogBatch {
    const parts = [...this.full, this.buffer.subarray(0, this.used)];
    const total = parts.reduce((n, p) => n + p.length, 0);
    const records = new Float64Array(total);
    let at = 0;
    for (const p of parts) {
      records.set(p, at);
      at += p.length;
    }
    this.full.length = 0;
    this.used = 0;
    const batch: LogBatch = {
      records,
      names: this.names.slice(this.namesSent),
      firstName: this.namesSent,
      completeToMs: performance.now() + this.offsetMs,
    };
    this.namesSent = this.names.length;
    return batch;
  }

  private put(op: number, atMs: number, a: number, b: number, c: number, d: number, e: number, f: number): void {
    if (this.used === this.buffer.length) {
      this.full.push(this.buffer);
      this.buffer = new Float64Array(BATCH_RECORDS * RECORD_WIDTH);
      this.used = 0;
    }
    const x = this.buffer;
    const i = this.used;
    x[i] = op;
    x[i + 1] = atMs + this.offsetMs;
    x[i + 2] = a;
    x[i + 3] = b;
    x[i + 4] = c;
    x[i + 5] = d;
    x[i + 6] = e;
    x[i + 7] = f;
    this.used = i + RECORD_WIDTH;
  }
}

interface Source {
  batches: LogBatch[];
  /** Read position in batches[0].records. */
  at: number;
  names: string[];
  completeToMs: number;
}

/**
 * Replays several workers' logs into one recorder, merged in time order: a record is replayed
 * only once every worker's log is complete up to its time, so the recorder sees the calls in
 * the order one engine would have made them (its per-second timeline depends on that order).
 */
export class LogReplayer {
  private readonly sources: Source[];

  constructor(
    private readonly recorder: LoadRecorder,
    workers: number,
  ) {
    this.sources = Array.from({ length: workers }, () => ({ batches: [], at: 0, names: [], completeToMs: Number.NEGATIVE_INFINITY }));
  }

  /** Adds worker `i`'s batch and replays everything that can now be placed in order. */
  add(i: number, batch: LogBatch): void {
    const s = this.sources[i];
    for (let k = 0; k < batch.names.length; k++) s.names[batch.firstName + k] = batch.names[k];
    if (batch.records.length > 0) s.batches.push(batch);
    s.completeToMs = Math.max(s.completeToMs, batch.completeToMs);
    this.replay();
  }

  /** Worker `i` will send nothing more: its log is complete for all time. */
  end(i: number): void {
    this.sources[i].completeToMs = Number.POSITIVE_INFINITY;
    this.replay();
  }

  /** The time up to which every worker's calls have been replayed (for the recorder's tick). */
  completeToMs(): number {
    let min = Number.POSITIVE_INFINITY;
    for (const s of this.sources) if (s.completeToMs < min) min = s.completeToMs;
    return min;
  }

  private replay(): void {
    const limit = this.completeToMs();
    for (;;) {
      let best: Source | undefined;
      let bestMs = Number.POSITIVE_INFINITY;
      for (const s of this.sources) {
        if (s.batches.length === 0) continue;
        const t = s.batches[0].records[s.at + 1];
        if (t < bestMs) {
          bestMs = t;
          best = s;
        }
      }
      if (best === undefined || bestMs > limit) return;
      this.apply(best, best.batches[0].records, best.at);
      best.at += RECORD_WIDTH;
      if (best.at >= best.batches[0].records.length) {
        best.batches.shift();
        best.at = 0;
      }
    }
  }

  private apply(s: Source, x: Float64Array, i: number): void {
    const r = this.recorder;
    const atMs = x[i + 1];
    switch (x[i]) {
      case OP_SENT:
        return r.sent(x[i + 2]);
      case OP_DROPPED:
        return r.dropped(x[i + 2]);
      case OP_REQUEST: {
        const replica = x[i + 7] < 0 ? undefined : s.names[x[i + 7]];
        return r.request(ENDPOINTS[x[i + 2]], OUTCOME_KINDS[x[i + 3]], x[i + 4], x[i + 5], x[i + 6], replica, atMs);
      }
      case OP_SESSION_STARTED:
        return r.sessionStarted(atMs);
      case OP_SESSION_LOST:
        return r.sessionLost(atMs, x[i + 2], x[i + 3], x[i + 4], x[i + 5], x[i + 6], x[i + 7] < 0 ? undefined : s.names[x[i + 7]]);
      case OP_READ_ANOMALY:
        return r.readAnomaly?.(atMs, x[i + 2], x[i + 3]);
      case OP_STALE_ITEM:
        return r.staleItem?.(atMs, x[i + 2]);
      case OP_UPDATE_LOST:
        return r.updateLost(atMs, x[i + 2]);
      case OP_LATE:
        return r.late?.(x[i + 2], atMs);
      case OP_SESSIONS:
        return r.sessions?.(x[i + 2], atMs);
    }
  }
}
