import { describe, expect, it } from 'vitest';
import { Recorder } from '../../src/metrics/recorder.js';
import { LogRecorder, LogReplayer } from '../../src/load/recorder-log.js';

const T0 = 10_000; // performance.now() when the window starts; arbitrary

describe('what the recorder keeps per endpoint and per second beyond latency', () => {
  it('counts failures per endpoint and kind, and maps an endpoint that never failed to {}', () => {
    const rec = new Recorder({ loopDelay: false });
    rec.beginMeasuring(T0);
    const send = (endpoint: 'login' | 'add' | 'read', kind: 'ok' | 'refused' | 'update-lost', atMs: number): void => {
      rec.sent(atMs);
      rec.request(endpoint, kind, 500, 500, -1, 'replica-1', atMs);
    };
    send('login', 'ok', T0 + 1);
    send('add', 'ok', T0 + 2);
    send('add', 'refused', T0 + 3);
    send('add', 'refused', T0 + 4);
    send('read', 'update-lost', T0 + 5);
    rec.finish(T0 + 1000);
    expect(rec.errorsByEndpoint()).toEqual({ login: {}, add: { refused: 2 }, read: { 'update-lost': 1 } });
  });

  it('samples requests in flight and sessions held when each second closes, warm-up sessions included', () => {
    const rec = new Recorder({ loopDelay: false });
    rec.beginMeasuring(T0);
    // Two sessions opened in warm-up, one more in the window's first second.
    rec.sessions(1, T0 - 500);
    rec.sessions(1, T0 - 400);
    rec.sessions(1, T0 + 100);
    // Second 0: three requests sent, one completed.
    for (const at of [T0 + 200, T0 + 300, T0 + 400]) rec.sent(at);
    rec.request('read', 'ok', 100, 100, -1, 'replica-1', T0 + 500);
    // Second 1: a session logs out, the other two requests complete.
    rec.sessions(-1, T0 + 1200);
    rec.request('read', 'ok', 900, 900, -1, 'replica-1', T0 + 1300);
    rec.request('add', 'ok', 900, 900, -1, 'replica-1', T0 + 1400);
    rec.endMeasuring(T0 + 2000);
    rec.finish(T0 + 2000);
    expect(rec.timeline.map((s) => [s.requestsInFlight, s.sessionsOpen])).toEqual([
      [2, 3],
      [0, 2],
    ]);
  });

  it('adds up the sessions of several workers when their logs are replayed', () => {
    const rec = new Recorder({ loopDelay: false });
    rec.beginMeasuring(T0);
    const replayer = new LogReplayer(rec, 2);
    const a = new LogRecorder();
    const b = new LogRecorder();
    a.sessions(1, T0 + 10);
    a.sessions(1, T0 + 20);
    b.sessions(1, T0 + 30);
    b.sessions(-1, T0 + 40);
    replayer.add(0, a.take());
    replayer.add(1, b.take());
    replayer.end(0);
    replayer.end(1);
    rec.finish(T0 + 1000);
    expect(rec.timeline[0].sessionsOpen).toBe(2);
  });

  it('leaves sessionsOpen out when the engine never reported sessions', () => {
    const rec = new Recorder({ loopDelay: false });
    rec.beginMeasuring(T0);
    rec.finish(T0 + 1000);
    expect(rec.timeline[0]).not.toHaveProperty('sessionsOpen');
    expect(rec.timeline[0].requestsInFlight).toBe(0);
  });
});
