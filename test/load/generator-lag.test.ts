import { afterAll, describe, expect, it } from 'vitest';
import { decodeHistogram } from '../../src/hdr/histogram.js';
import { Recorder } from '../../src/metrics/recorder.js';
import { runLoad } from '../../src/load/run-load.js';
import { createRouter } from '../../src/topology/router.js';
import { startTopology } from '../../src/topology/topology.js';
import type { Topology } from '../../src/topology/types.js';
import { MIX, closedLoad, openLoad } from './measure.js';

/** A recorder that also keeps every `late()` call, as the metrics recorder may, and counts requests. */
class LateRecorder extends Recorder {
  readonly lates: { lateUs: number; nowMs: number }[] = [];
  requests = 0;
  override late(lateUs: number, nowMs: number): void {
    super.late(lateUs, nowMs);
    this.lates.push({ lateUs, nowMs });
  }
  override request(...args: Parameters<Recorder['request']>): void {
    super.request(...args);
    this.requests++;
  }
}

let topology: Topology | undefined;
afterAll(async () => {
  await topology?.stop();
});

async function run(load: ReturnType<typeof openLoad> | ReturnType<typeof closedLoad>, durationMs: number) {
  topology ??= await startTopology({ architecture: 'sticky', replicas: 1 });
  const router = createRouter(topology, { sticky: true });
  const recorder = new LateRecorder();
  let window = { startMs: 0, endMs: 0 };
  try {
    const stats = await runLoad({
      router,
      recorder,
      load,
      mix: MIX,
      warmupMs: 300,
      durationMs,
      onWindowPlanned: (startMs, endMs) => {
        window = { startMs, endMs };
        recorder.beginMeasuring(startMs);
      },
      onWindowEnd: (endMs) => recorder.endMeasuring(endMs),
    });
    return { stats, recorder, window };
  } finally {
    router.close();
  }
}

describe("the generator's own lag, measured", () => {
  it('open model: one late() per request sent straight from the schedule in the window, and the same in LoadStats', async () => {
    const { stats, recorder, window } = await run(openLoad({ rateRps: 200, sessions: 200 }), 1500);
    const lateness = stats.open!.latenessUs;
    // 200 sessions for 200/s of ~1 ms requests: unless the machine stalls for a second, none
    // waits for a session, and every due request is sent straight.
    expect(recorder.lates.length).toBe(lateness.count);
    if (stats.open!.maxBacklog === 0) expect(lateness.count).toBe(stats.open!.due);
    else expect(lateness.count).toBeLessThan(stats.open!.due);
    for (const l of recorder.lates) {
      expect(Number.isInteger(l.lateUs)).toBe(true);
      expect(l.lateUs).toBeGreaterThanOrEqual(0);
      expect(l.nowMs).toBeGreaterThanOrEqual(window.startMs);
    }
    // The encoded histogram is the same distribution (what result files and merges use).
    const h = decodeHistogram(lateness.histogram);
    expect(h.totalCount).toBe(lateness.count);
    expect(h.getValueAtPercentile(99)).toBe(lateness.p99);
    expect(lateness.max).toBeGreaterThanOrEqual(lateness.p99);
    // A generous bound that still catches a timer one interval (5 ms) late: a busy machine adds ms, not tens.
    expect(lateness.p50).toBeLessThan(5000);
    expect(stats.open!.wakeUps).toBeGreaterThan(0);
    console.log(`lateness at 200/s: p50 ${lateness.p50} µs, p99 ${lateness.p99} µs, max ${lateness.max} µs; ${stats.open!.wakeUps} wake-ups`);
  });

  it('open model: requests that waited in the backlog for a session are not the generator\'s lateness', async () => {
    // One session, asked for most of what it can do: some requests find it busy and wait in the
    // backlog, some find it free. What it can do depends on the machine: a fixed 1,000/s was 40%
    // of it on a quiet machine (834 of 1,000 sent straight) and more than all of it beside two
    // CPU hogs (none sent straight, the backlog growing to 285). So it is measured first, with
    // one closed-model user, and the open load asks for 70% of it; and since a busy machine can
    // lose half its speed between the two (beside hogs and other test files, 801/s still found
    // the session always busy), a run that had only one kind is repeated at a rate adjusted
    // towards the other, up to four times. The assertions below hold for whichever run had both.
    const probe = await run(closedLoad({ users: 1 }), 500);
    let rateRps = Math.max(100, Math.min(2000, Math.round((0.7 * probe.recorder.requests) / 0.5)));
    let measured = await run(openLoad({ rateRps, sessions: 1 }), 1000);
    for (let attempt = 1; attempt < 4; attempt++) {
      const straight = measured.recorder.lates.length;
      if (straight > 0 && measured.stats.open!.maxBacklog > 0) break;
      rateRps = Math.max(50, Math.round(rateRps * (straight === 0 ? 0.5 : 1.5)));
      measured = await run(openLoad({ rateRps, sessions: 1 }), 1000);
    }
    const { stats, recorder } = measured;
    console.log(`1 session at ${rateRps}/s: ${recorder.lates.length} of ${stats.open!.due} sent straight, backlog up to ${stats.open!.maxBacklog}`);
    expect(stats.open!.maxBacklog).toBeGreaterThan(0);
    expect(recorder.lates.length).toBe(stats.open!.latenessUs.count);
    expect(recorder.lates.length).toBeLessThan(stats.open!.due);
    expect(recorder.lates.length).toBeGreaterThan(0);
  });

  it('closed model: the event-loop delay over the window, as an encoded histogram too', async () => {
    const { stats } = await run(closedLoad({ users: 5 }), 1000);
    const delay = stats.closed!.loopDelayUs!;
    // Sampled every 10 ms over a 1 s window.
    expect(delay.count).toBeGreaterThan(30);
    expect(delay.count).toBeLessThan(150);
    expect(delay.p99).toBeGreaterThanOrEqual(delay.p50);
    expect(decodeHistogram(delay.histogram).totalCount).toBe(delay.count);
    expect(stats.open).toBeUndefined();
  });
});
