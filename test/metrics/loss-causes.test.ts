import { describe, expect, it } from 'vitest';
import type { FaultEvent } from '../../src/faults/fault-event.js';
import { LossAttributor, type SessionLossContext, type SessionLossFacts } from '../../src/metrics/loss-causes.js';
import { Recorder } from '../../src/metrics/recorder.js';
import { summarize } from '../../src/metrics/summarize.js';

const store: SessionLossContext = { home: 'store', sessionTtlMs: 2000, storePersists: false, storeEvicts: false };
/**
 * A session logged in at 100 ms, renewed last by a request sent at 480 and answered at 500,
 * found gone by a request sent at `sentMs` and answered 1 ms later.
 */
const facts = (sentMs: number, home?: string): SessionLossFacts => ({ nowMs: sentMs + 1, loginAckMs: 100, renewSentMs: 480, renewAckMs: 500, lossSentMs: sentMs, home });
const event = (kind: string, target?: string, done = true): FaultEvent => ({ atMs: 0, kind, ...(target ? { target } : {}), tookMs: 5, ok: true, ...(done ? { replicasAfter: [] } : {}) });

describe('why a session was lost', () => {
  it('expired: surely when sent more than the TTL after the renewal was answered, possibly when answered that long after it was sent', () => {
    // Renewed at 480–500, TTL 2 s: surely gone for a request sent after 2500.
    expect(new LossAttributor(store).cause(facts(2600))).toBe('expired');
    expect(new LossAttributor(store).cause(facts(2400))).toBe('unexplained');
    // Sent at 2490, answered at 2491: the TTL may have run out before the server looked (renewal sent at 480).
    expect(new LossAttributor(store).cause(facts(2490))).toBe('expired');
    // Possibly expired yields to a fault that explains it; surely expired does not.
    const killed = new LossAttributor(store);
    killed.fault(1000, event('store-kill'));
    expect(killed.cause(facts(2490))).toBe('store-restarted');
    expect(killed.cause(facts(2600))).toBe('expired');
  });

  it('a store restart or a failover during the session, unless the store persists', () => {
    const a = new LossAttributor(store);
    a.fault(1000, event('store-kill'));
    expect(a.cause(facts(1200))).toBe('store-restarted');
    expect(a.cause(facts(900))).toBe('unexplained'); // found gone before the kill fired
    expect(new LossAttributor({ ...store, storePersists: true }).cause(facts(1200))).toBe('unexplained');
    const f = new LossAttributor(store);
    f.fault(1000, event('store-failover'));
    expect(f.cause(facts(1200))).toBe('failover');
    // Faults that lose nothing are not causes.
    const p = new LossAttributor(store);
    p.fault(1000, event('store-pause'));
    expect(p.cause(facts(1200))).toBe('unexplained');
  });

  it('sticky: only a replica that held the session, and only sessions created before it died', () => {
    const sticky: SessionLossContext = { ...store, home: 'replica' };
    const a = new LossAttributor(sticky);
    a.fault(1000, event('kill', 'replica-2'));
    expect(a.cause(facts(1200, 'replica-2'))).toBe('replica-died');
    expect(a.cause(facts(1200, 'replica-1'))).toBe('unexplained');
    expect(a.cause({ ...facts(1200, 'replica-2'), loginAckMs: 1100 })).toBe('unexplained'); // created after the kill
    // A store fault never explains a lost sticky session, nor a replica death a store's.
    const s = new LossAttributor(store);
    s.fault(1000, event('kill', 'replica-2'));
    expect(s.cause(facts(1200, 'replica-2'))).toBe('unexplained');
    // A deploy restarts every replica; while it runs, sessions created meanwhile count too.
    const d = new LossAttributor(sticky);
    d.fault(1000, event('deploy', undefined, false));
    expect(d.cause({ ...facts(5000, 'replica-3'), loginAckMs: 3000, renewSentMs: 3990, renewAckMs: 4000 })).toBe('replica-died');
  });

  it('evicted, when the store evicts and nothing else explains it', () => {
    expect(new LossAttributor({ ...store, storeEvicts: true }).cause(facts(1200))).toBe('evicted');
    expect(new LossAttributor({ ...store, storeEvicts: true }).cause(facts(2600))).toBe('expired');
  });

  it('the recorder counts lost sessions by cause into the result', () => {
    const rec = new Recorder({ loopDelay: false, sessionLoss: { ...store, storeEvicts: true } });
    rec.beginMeasuring(0);
    rec.sessionLost(2700, 2, 100, 480, 500, 2600, undefined);
    rec.sessionLost(1300, 0, 100, 480, 500, 1200, undefined);
    rec.fault(1400, 'store-kill', event('store-kill'));
    rec.sessionLost(1600, 1, 100, 480, 500, 1500, undefined);
    rec.endMeasuring(3000);
    rec.finish(3000);
    const r = summarize(rec, { architecture: 'redis', repetition: 1, replicas: 1, faults: [] });
    expect(r.sessions.lost).toBe(3);
    expect(r.sessions.lostByCause).toEqual({ expired: 1, evicted: 1, 'store-restarted': 1 });
    expect(r.itemsLostWithSessions).toBe(3);
  });
});
