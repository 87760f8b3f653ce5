import { expect, it } from 'vitest';
import { Recorder } from '../../src/metrics/recorder.js';
import { summarize } from '../../src/metrics/summarize.js';

it('items lost with a session are a part of updatesLost, kept apart from overwritten ones', () => {
  const rec = new Recorder();
  rec.beginMeasuring(1000);
  rec.sessionLost(1100, 3); // a failover: the cart went with the session
  rec.updateLost(1200, 2); // a live session missing two acknowledged items
  rec.sessionLost(1300, 0);
  rec.endMeasuring(2000);
  rec.finish(2100);
  expect(rec.updatesLostCount).toBe(5);
  expect(rec.itemsLostWithSessionsCount).toBe(3);
  const r = summarize(rec, { architecture: 'redis', repetition: 1, replicas: 1, faults: [] });
  expect(r.updatesLost).toBe(5);
  expect(r.itemsLostWithSessions).toBe(3);
  expect(r.sessions.lost).toBe(2);
});
