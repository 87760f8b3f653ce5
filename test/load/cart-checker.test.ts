import { describe, expect, it } from 'vitest';
import { CartChecker } from '../../src/load/cart-checker.js';

// Histories are written with explicit times (ms) so concurrency is visible: [invoke, complete].
describe('CartChecker', () => {
  it('accepts sequential adds and reads that contain them', () => {
    const cart = new CartChecker();
    cart.addAcknowledged('a', 0, 1);
    cart.addAcknowledged('b', 2, 3);
    expect(cart.checkRead(['a', 'b'], 4, 5)).toBe(0);
    expect(cart.lastReadBrokeReadYourWrites).toBe(false);
    expect(cart.lastReadBrokeMonotonicReads).toBe(false);
    expect(cart.acknowledgedCount()).toBe(2);
    expect(cart.checkCount(2)).toBe(0);
    expect(cart.lastCountStale).toBe(0);
  });

  it('does not require an add whose ack had not arrived when the read was invoked', () => {
    const cart = new CartChecker();
    cart.addAcknowledged('a', 0, 1);
    // add b invoked at 2, read invoked at 3, read answers at 4 without b, b's ack arrives at 5.
    expect(cart.checkRead(['a'], 3, 4)).toBe(0);
    cart.addAcknowledged('b', 2, 5);
    expect(cart.checkRead(['a', 'b'], 6, 7)).toBe(0);
    expect(cart.suspectCount).toBe(0);
  });

  it('accepts an add whose ack arrives after a read that already contains it', () => {
    const cart = new CartChecker();
    // add x [0, 10]; read [2, 5] already sees x; the ack arrives at 10.
    expect(cart.checkRead(['x'], 2, 5)).toBe(0);
    cart.addAcknowledged('x', 0, 10);
    expect(cart.checkRead(['x'], 11, 12)).toBe(0);
    expect(cart.acknowledgedCount()).toBe(1);
  });

  it('stale: an acknowledged add missing from a read that a later read shows (read-your-writes broken)', () => {
    const cart = new CartChecker();
    // A read replica 20 ms behind: a is acknowledged at 1, reads at 2 and 10 miss it, the read at 25 has it.
    cart.addAcknowledged('a', 0, 1);
    expect(cart.checkRead([], 2, 3)).toBe(1);
    expect(cart.lastReadBrokeReadYourWrites).toBe(true);
    expect(cart.lastReadBrokeMonotonicReads).toBe(false); // no read had shown it
    expect(cart.lastReadStalenessMs).toEqual([]);
    expect(cart.checkRead([], 10, 11)).toBe(1);
    expect(cart.suspectCount).toBe(1);
    expect(cart.checkRead(['a'], 25, 26)).toBe(0);
    expect(cart.lastReadBrokeReadYourWrites).toBe(false);
    // It became visible after the last read lacking it was sent (10) and before the first one
    // showing it answered (26): midway, 18, is 17 ms after its ack (1).
    expect(cart.lastReadStalenessMs).toEqual([17]);
    expect(cart.suspectCount).toBe(0);
    // The checkout finds every item: nothing was lost.
    expect(cart.checkCount(1)).toBe(0);
    expect(cart.lastCountStale).toBe(0);
  });

  it('lost: an acknowledged add missing from a read and never seen again (two tabs overwrote it)', () => {
    const cart = new CartChecker();
    // Two tabs: add a [0, 3] and add b [1, 4] race on a read-modify-write store; b's save wins.
    cart.addAcknowledged('a', 0, 3);
    cart.addAcknowledged('b', 1, 4);
    expect(cart.checkRead(['b'], 5, 6)).toBe(1);
    expect(cart.lastReadBrokeReadYourWrites).toBe(true);
    expect(cart.checkRead(['b'], 7, 8)).toBe(1); // still missing: still a suspect, not yet judged
    cart.addAcknowledged('c', 9, 10);
    expect(cart.checkRead(['b', 'c'], 11, 12)).toBe(1);
    expect(cart.lastReadStalenessMs).toEqual([]);
    // Checkout counts 2 of the 3 items known present: a is lost, and nothing was stale.
    expect(cart.checkCount(2)).toBe(1);
    expect(cart.lastCountStale).toBe(0);
    expect(cart.size).toBe(0);
  });

  it('monotonic reads broken: an item one read showed is missing from a later read', () => {
    const cart = new CartChecker();
    cart.addAcknowledged('a', 0, 1);
    expect(cart.checkRead(['a'], 2, 3)).toBe(0);
    // Two replicas at different positions: the next read, sent after the first one answered, lacks a.
    expect(cart.checkRead([], 4, 5)).toBe(1);
    expect(cart.lastReadBrokeMonotonicReads).toBe(true);
    expect(cart.lastReadBrokeReadYourWrites).toBe(true); // a was this session's own acknowledged add too
    expect(cart.checkRead(['a'], 6, 7)).toBe(0);
    expect(cart.lastReadStalenessMs).toEqual([4.5]); // (4 + 7) / 2 − 1
  });

  it('monotonic reads without read-your-writes: an item only a read had shown (its add still unanswered)', () => {
    const cart = new CartChecker();
    expect(cart.checkRead(['x'], 2, 5)).toBe(0); // x's add still in flight
    expect(cart.checkRead([], 6, 7)).toBe(1); // invoked after x was seen: x vanished
    expect(cart.lastReadBrokeMonotonicReads).toBe(true);
    expect(cart.lastReadBrokeReadYourWrites).toBe(false);
    cart.addAcknowledged('x', 0, 8);
    expect(cart.acknowledgedCount()).toBe(1); // a lost session would lose it
    // Never seen again: the checkout's count of 0 makes it lost.
    expect(cart.checkCount(0)).toBe(1);
  });

  it('a read sent before an earlier read completed is concurrent with it: no monotonic violation', () => {
    const cart = new CartChecker();
    expect(cart.checkRead(['x'], 2, 5)).toBe(0);
    expect(cart.checkRead([], 4, 6)).toBe(0); // sent at 4, before the first read answered at 5
    expect(cart.lastReadBrokeMonotonicReads).toBe(false);
  });

  it('stale by count: suspects the checkout count covers came back, with no staleness figure', () => {
    const cart = new CartChecker();
    cart.addAcknowledged('a', 0, 1);
    cart.addAcknowledged('b', 2, 3);
    expect(cart.checkRead(['a'], 4, 5)).toBe(1); // b missing from a lagging replica
    expect(cart.checkCount(2)).toBe(0); // the primary has both
    expect(cart.lastCountStale).toBe(1);
  });

  it('a short count is charged to the suspects first, the rest of them were stale', () => {
    const cart = new CartChecker();
    for (const [i, sku] of ['a', 'b', 'c', 'd'].entries()) cart.addAcknowledged(sku, i * 2, i * 2 + 1);
    cart.addIndeterminate('e');
    expect(cart.checkRead(['a', 'b'], 10, 11)).toBe(2); // c and d suspect
    // Server says 3 items: of the four known present, at least one is missing: one suspect lost, one stale.
    expect(cart.checkCount(3)).toBe(1);
    expect(cart.lastCountStale).toBe(1);
    expect(cart.acknowledgedCount()).toBe(0); // bought: not at risk any more
    const other = new CartChecker();
    other.addAcknowledged('a', 0, 1);
    expect(other.checkRead([], 2, 3)).toBe(1);
    expect(other.checkCount(-1)).toBe(0); // unknown count: no accusation, no verdict
    expect(other.lastCountStale).toBe(0);
  });

  it('treats a read concurrent with the ack (same instant) as concurrent, not an anomaly', () => {
    const cart = new CartChecker();
    cart.addAcknowledged('a', 0, 5);
    expect(cart.checkRead([], 5, 6)).toBe(0);
    expect(cart.checkRead([], 5.001, 6)).toBe(1);
  });

  it('never requires an indeterminate add, but holds it once a read has shown it', () => {
    const cart = new CartChecker();
    cart.addIndeterminate('t1'); // timed out: maybe applied
    cart.addIndeterminate('t2');
    expect(cart.checkRead([], 10, 11)).toBe(0);
    expect(cart.acknowledgedCount()).toBe(0);
    expect(cart.checkRead(['t2'], 12, 13)).toBe(0);
    expect(cart.acknowledgedCount()).toBe(1);
    expect(cart.checkRead([], 14, 15)).toBe(1);
    expect(cart.lastReadBrokeReadYourWrites).toBe(false); // not acknowledged to the session
    expect(cart.lastReadBrokeMonotonicReads).toBe(true);
  });

  it('an item that goes missing twice is stale twice, each time with its own figure', () => {
    const cart = new CartChecker();
    cart.addAcknowledged('a', 0, 1);
    expect(cart.checkRead([], 2, 3)).toBe(1);
    expect(cart.checkRead(['a'], 4, 5)).toBe(0);
    expect(cart.lastReadStalenessMs).toEqual([2.5]); // (2 + 5) / 2 − 1
    expect(cart.checkRead([], 6, 7)).toBe(1);
    expect(cart.checkRead(['a'], 8, 9)).toBe(0);
    expect(cart.lastReadStalenessMs).toEqual([6.5]); // still counted from when it was first known
  });

  it('starts over on reset', () => {
    const cart = new CartChecker();
    cart.addAcknowledged('a', 0, 1);
    expect(cart.checkRead([], 2, 3)).toBe(1);
    cart.reset();
    expect(cart.suspectCount).toBe(0);
    expect(cart.acknowledgedCount()).toBe(0);
    expect(cart.checkRead([], 4, 5)).toBe(0);
  });
});
