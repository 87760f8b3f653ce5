import { describe, expect, it } from 'vitest';
import { CartChecker } from '../../src/load/cart-checker.js';

// Histories are written with explicit times (ms) so concurrency is visible: [invoke, complete].
describe('CartChecker', () => {
  it('accepts sequential adds and reads that contain them', () => {
    const cart = new CartChecker();
    cart.addAcknowledged('a', 0, 1);
    cart.addAcknowledged('b', 2, 3);
    expect(cart.checkRead(['a', 'b'], 4, 5)).toBe(0);
    expect(cart.acknowledgedCount()).toBe(2);
  });

  it('does not require an add whose ack had not arrived when the read was invoked', () => {
    const cart = new CartChecker();
    cart.addAcknowledged('a', 0, 1);
    // add b invoked at 2, read invoked at 3, read answers at 4 without b, b's ack arrives at 5.
    expect(cart.checkRead(['a'], 3, 4)).toBe(0);
    cart.addAcknowledged('b', 2, 5);
    expect(cart.checkRead(['a', 'b'], 6, 7)).toBe(0);
  });

  it('accepts an add whose ack arrives after a read that already contains it', () => {
    const cart = new CartChecker();
    // add x [0, 10]; read [2, 5] already sees x; the ack arrives at 10.
    expect(cart.checkRead(['x'], 2, 5)).toBe(0);
    cart.addAcknowledged('x', 0, 10);
    expect(cart.checkRead(['x'], 11, 12)).toBe(0);
    expect(cart.lostCount()).toBe(0);
    expect(cart.acknowledgedCount()).toBe(1);
  });

  it('counts an item seen by one read and missing from a later one as lost, even before its ack', () => {
    const cart = new CartChecker();
    expect(cart.checkRead(['x'], 2, 5)).toBe(0); // x's add still in flight
    expect(cart.checkRead([], 6, 7)).toBe(1); // invoked after x was seen: x vanished
    cart.addAcknowledged('x', 0, 8);
    expect(cart.lostCount()).toBe(1);
    expect(cart.acknowledgedCount()).toBe(0); // already counted; a lost session must not count it again
  });

  it('counts an acknowledged add missing from a later read as lost, once', () => {
    const cart = new CartChecker();
    // Two tabs: add a [0, 3] and add b [1, 4] race on a read-modify-write store; b's save wins.
    cart.addAcknowledged('a', 0, 3);
    cart.addAcknowledged('b', 1, 4);
    expect(cart.checkRead(['b'], 5, 6)).toBe(1);
    expect(cart.checkRead(['b'], 7, 8)).toBe(0); // a still missing: not counted again
    cart.addAcknowledged('c', 9, 10);
    expect(cart.checkRead(['b', 'c', 'a'], 11, 12)).toBe(0); // a reappearing does not undo the loss
    expect(cart.lostCount()).toBe(1);
    expect(cart.acknowledgedCount()).toBe(2);
  });

  it('treats a read concurrent with the ack (same instant) as concurrent, not a loss', () => {
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
  });

  it('checks checkout by count, then settles the cart', () => {
    const cart = new CartChecker();
    for (const [i, sku] of ['a', 'b', 'c', 'd'].entries()) cart.addAcknowledged(sku, i * 2, i * 2 + 1);
    cart.addIndeterminate('e');
    expect(cart.checkRead(['a', 'b', 'c'], 10, 11)).toBe(1); // d lost
    // Server says 2 items: of the three still known present, at least one is missing.
    expect(cart.checkCount(2)).toBe(1);
    expect(cart.acknowledgedCount()).toBe(0); // bought: not at risk any more
    expect(cart.size).toBe(0);
    const other = new CartChecker();
    other.addAcknowledged('a', 0, 1);
    expect(other.checkCount(-1)).toBe(0); // unknown count: no accusation
  });

  it('starts over on reset', () => {
    const cart = new CartChecker();
    cart.addAcknowledged('a', 0, 1);
    expect(cart.checkRead([], 2, 3)).toBe(1);
    cart.reset();
    expect(cart.lostCount()).toBe(0);
    expect(cart.acknowledgedCount()).toBe(0);
    expect(cart.checkRead([], 4, 5)).toBe(0);
  });
});
