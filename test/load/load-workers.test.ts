import { afterAll, describe, expect, it } from 'vitest';
import type { LoadRecorder } from '../../src/load/load-recorder.js';
import { shareOfLoad, splitCount } from '../../src/load/load-workers.js';
import type { Endpoint, OutcomeKind } from '../../src/load/outcome.js';
import { LogRecorder, LogReplayer } from '../../src/load/recorder-log.js';
import { Recorder } from '../../src/metrics/recorder.js';
import { summarize } from '../../src/metrics/summarize.js';
import { runLoad } from '../../src/load/run-load.js';
import { createRouter } from '../../src/topology/router.js';
import { startTopology } from '../../src/topology/topology.js';
import type { Topology } from '../../src/topology/types.js';
import { MIX, closedLoad, openLoad } from './measure.js';

/** Keeps every call, in order, as text. */
class CallLog implements LoadRecorder {
  readonly calls: string[] = [];
  sent(nowMs: number): void {
    this.calls.push(`sent ${nowMs}`);
  }
  dropped(nowMs: number): void {
    this.calls.push(`dropped ${nowMs}`);
  }
  request(endpoint: Endpoint, kind: OutcomeKind, latencyUs: number, uncorrectedUs: number, storeUs: number, replica: string | undefined, nowMs: number): void {
    this.calls.push(`request ${endpoint} ${kind} ${latencyUs} ${uncorrectedUs} ${storeUs} ${replica} ${nowMs}`);
  }
  sessionStarted(nowMs: number): void {
    this.calls.push(`started ${nowMs}`);
  }
  sessionLost(nowMs: number, items: number, loginAckMs: number, lastAckMs: number, lastWriteAckMs: number, lossSentMs: number, home: string | undefined): void {
    this.calls.push(`lost ${nowMs} ${items} ${loginAckMs} ${lastAckMs} ${lastWriteAckMs} ${lossSentMs} ${home}`);
  }
  readAnomaly(nowMs: number, ryw: number, monotonic: number): void {
    this.calls.push(`read-anomaly ${nowMs} ${ryw} ${monotonic}`);
  }
  staleItem(nowMs: number, stalenessMs: number): void {
    this.calls.push(`stale ${nowMs} ${stalenessMs}`);
  }
  updateLost(nowMs: number, items: number): void {
    this.calls.push(`update-lost ${nowMs} ${items}`);
  }
  late(lateUs: number, nowMs: number): void {
    this.calls.push(`late ${lateUs} ${nowMs}`);
  }
}

describe('recorder log', () => {
  it('replays every call with its arguments, merged across workers in time order', () => {
    const a = new LogRecorder();
    const b = new LogRecorder();
    a.request('add', 'ok', 1500, 1200, 300, 'replica-1', 10);
    b.request('read', 'session-lost', 900, 900, -1, undefined, 11);
    b.sessionLost(11, 3, 1, 2, 3, 10.5, 'replica-3');
    a.updateLost(12, 2);
    a.readAnomaly(12, 1, 0);
    a.staleItem(12, 20.25);
    a.late(42, 13);
    b.request('login', 'ok', 700, 700, 0, 'replica-2', 14);
    const out = new CallLog();
    const replay = new LogReplayer(out, 2);
    const batchA = a.take();
    replay.add(0, { ...batchA, completeToMs: 13 });
    // Worker 1 has said nothing yet: nothing can be placed in order.
    expect(out.calls).toEqual([]);
    replay.add(1, { ...b.take(), completeToMs: 14 });
    expect(out.calls).toEqual([
      'request add ok 1500 1200 300 replica-1 10',
      'request read session-lost 900 900 -1 undefined 11',
      'lost 11 3 1 2 3 10.5 replica-3',
      'update-lost 12 2',
      'read-anomaly 12 1 0',
      'stale 12 20.25',
      'late 42 13',
    ]);
    replay.end(0);
    expect(out.calls.at(-1)).toBe('request login ok 700 700 0 replica-2 14');
    expect(replay.completeToMs()).toBe(14);
  });

  it('holds batches larger than one buffer', () => {
    const a = new LogRecorder();
    for (let i = 0; i < 10_000; i++) a.sessionStarted(i);
    const out = new CallLog();
    const replay = new LogReplayer(out, 1);
    replay.add(0, a.take());
    replay.end(0);
    expect(out.calls.length).toBe(10_000);
    expect(out.calls[9999]).toBe('started 9999');
  });
});

describe('load split', () => {
  it('splits users, sessions, rate and backlog between workers', () => {
    expect(splitCount(10, 3)).toEqual([4, 3, 3]);
    expect(shareOfLoad(closedLoad({ users: 10 }), 3, 2)).toMatchObject({ users: 3 });
    expect(shareOfLoad(openLoad({ rateRps: 300, rampToRps: 600, sessions: 5, maxBacklog: 9 }), 2, 1)).toMatchObject({
      rateRps: 150,
      rampToRps: 300,
      sessions: 2,
      maxBacklog: 5,
    });
  });
});

let topology: Topology | undefined;
afterAll(async () => {
  await topology?.stop();
});

async function measureInWorkers(
  load: ReturnType<typeof openLoad> | ReturnType<typeof closedLoad>,
  workers: number,
  durationMs: number,
  abortAfterWindowMs?: number,
) {
  const abort = new AbortController();
  let abortTimer: NodeJS.Timeout | undefined;
  topology ??= await startTopology({ architecture: 'sticky', replicas: 2 });
  const router = createRouter(topology, { sticky: true });
  const lates: number[] = [];
  const recorder = new (class extends Recorder {
    override late(lateUs: number, nowMs: number): void {
      super.late(lateUs, nowMs);
      lates.push(lateUs);
    }
  })({ replicaNames: topology.replicas.map((r) => r.name) });
  try {
    const stats = await runLoad({
      router,
      topology,
      workers,
      signal: abort.signal,
      recorder,
      load,
      mix: MIX,
      warmupMs: 300,
      durationMs,
      onWindowPlanned: (startMs) => recorder.beginMeasuring(startMs),
      onWindowStart: () => {
        if (abortAfterWindowMs !== undefined) abortTimer = setTimeout(() => abort.abort(), abortAfterWindowMs);
      },
      onWindowEnd: (endMs) => recorder.endMeasuring(endMs),
    });
    clearTimeout(abortTimer);
    recorder.finish(performance.now());
    const summary = summarize(recorder, {
      architecture: 'sticky',
      repetition: 1,
      replicas: 2,
      faults: [],
      measuredMs: stats.measuredMs,
      targetRps: stats.open?.targetRps,
      unfinished: stats.unfinished,
    });
    return { stats, recorder, summary, lates };
  } finally {
    router.close();
  }
}

describe('runLoad with workers', () => {
  it('closed model, 2 workers: every request accounted for, sessions complete, nothing lost', async () => {
    const { summary, stats, recorder } = await measureInWorkers(closedLoad({ users: 6 }), 2, 1500);
    const r = summary.requests;
    console.log(`2 workers closed: ${r.sent} sent, ${r.ok} ok, ${summary.sessions.started} sessions, ${summary.throughputRps.toFixed(0)} req/s`);
    expect(r.sent).toBeGreaterThan(100);
    expect(r.sent).toBe(r.ok + r.failed + r.unfinished);
    expect(r.failed).toBe(0);
    expect(summary.sessions.started).toBeGreaterThan(0);
    expect(summary.sessions.lost).toBe(0);
    expect(summary.updatesLost).toBe(0);
    expect(recorder.latency.totalCount).toBe(r.ok + r.failed);
    // New sessions go round robin: both replicas served.
    expect(Object.values(summary.perReplica).filter((n) => n > 0).length).toBe(2);
    expect(stats.closed?.loopDelayUs?.count).toBeGreaterThan(0);
  }, 30_000);

  it('aborted: every worker stops at the main thread\'s abort time, and the accounting still adds up', async () => {
    const { summary, stats } = await measureInWorkers(openLoad({ rateRps: 300, sessions: 30 }), 2, 5000, 700);
    const r = summary.requests;
    expect(stats.aborted).toBe(true);
    expect(stats.measuredMs).toBeGreaterThan(500);
    expect(stats.measuredMs).toBeLessThan(1500);
    expect(r.sent).toBe(r.ok + r.failed + r.unfinished);
    expect(Math.abs(r.sent - (stats.measuredMs / 1000) * 300)).toBeLessThan(5);
  }, 30_000);

  it('open model, 2 workers at 400/s: the workers\' arrivals add up to the rate, and lateness merges exactly', async () => {
    const { summary, stats, lates } = await measureInWorkers(openLoad({ rateRps: 400, sessions: 40 }), 2, 2000);
    const r = summary.requests;
    expect(stats.open!.due).toBe(800);
    expect(stats.open!.targetRps).toBeCloseTo(400, 6);
    expect(r.sent).toBe(800);
    expect(r.sent).toBe(r.ok + r.failed + r.unfinished);
    expect(lates.length).toBe(stats.open!.latenessUs.count);
    console.log(`2 workers open: lateness p50 ${stats.open!.latenessUs.p50} µs p99 ${stats.open!.latenessUs.p99} µs over ${lates.length}`);
  }, 30_000);
});
