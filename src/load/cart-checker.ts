/**
 * The client's model of one session's cart, checked like Jepsen's set-full checker, so that
 * concurrent requests of one session (several tabs, `parallelPerSession`) are judged fairly.
 *
 * Cart items are only ever added (checkout empties the cart and ends the model), so the cart is
 * a grow-only set. An item becomes *known present* at the earlier of
 * - the acknowledgement of its add reaching the client, and
 * - the completion of the first read that contained it (a read may see an add whose
 *   acknowledgement has not arrived yet: that is fine, and fixes the item as present).
 *
 * A read must contain every item known present before the read was invoked. One that does not
 * has lost that item: counted once, even if later reads lack it too (or it comes back). An item
 * whose add was still in flight when the read was invoked may or may not be in it: concurrent.
 * An add that failed without a clear answer (timeout, reset) is indeterminate: never required,
 * but known present once a read shows it.
 *
 * Times are `performance.now()` ms, taken fresh at each send and completion. Equal timestamps are
 * treated as concurrent (never as a loss): when in doubt, the checker does not accuse the store.
 * Skus are unique per session (the engine generates them). A session holds a few dozen items at
 * most, so linear scans beat hashing and allocate nothing.
 */
export class CartChecker {
  private readonly skus: string[] = [];
  /** When the item became known present (ms); +Infinity while not known present. */
  private readonly knownMs: number[] = [];
  private readonly lost: boolean[] = [];
  private lostItems = 0;

  /** A new session (login, re-login after a loss, logout): forget the old cart. */
  reset(): void {
    this.skus.length = 0;
    this.knownMs.length = 0;
    this.lost.length = 0;
    this.lostItems = 0;
  }

  /**
   * The server acknowledged adding `sku`; the add was sent at `invokedMs`, answered at `ackMs`.
   * Only the ack time matters for losses (an unacknowledged add is never required); the send time
   * is part of the history the engine reports, accepted so the call reads like a read's.
   */
  addAcknowledged(sku: string, _invokedMs: number, ackMs: number): void {
    const i = this.indexOf(sku);
    if (i < 0) this.push(sku, ackMs);
    else if (ackMs < this.knownMs[i]) this.knownMs[i] = ackMs;
  }

  /** The add of `sku` failed without saying whether it was applied (timeout, reset, 5xx). */
  addIndeterminate(sku: string): void {
    if (this.indexOf(sku) < 0) this.push(sku, Number.POSITIVE_INFINITY);
  }

  /**
   * A successful read sent at `invokedMs` and answered at `completedMs` returned `readSkus`.
   * @returns items newly found lost by this read (0 almost always)
   */
  checkRead(readSkus: readonly string[], invokedMs: number, completedMs: number): number {
    let newlyLost = 0;
    for (let i = 0; i < this.skus.length; i++) {
      if (this.lost[i] || !(this.knownMs[i] < invokedMs)) continue;
      if (!readSkus.includes(this.skus[i])) {
        this.lost[i] = true;
        newlyLost++;
      }
    }
    for (let j = 0; j < readSkus.length; j++) {
      const i = this.indexOf(readSkus[j]);
      if (i < 0) this.push(readSkus[j], completedMs); // its add's answer is still on its way
      else if (completedMs < this.knownMs[i]) this.knownMs[i] = completedMs;
    }
    this.lostItems += newlyLost;
    return newlyLost;
  }

  /**
   * Checkout answered with the number of items it found (negative: unknown). Checkout is sent
   * when the session is quiet, so every item known present must be in it; items cannot be told
   * apart from a count, so the loss is the lower bound `known present − count`. The cart is then
   * settled: its items are bought, no longer at risk if the session is lost afterwards.
   * @returns items newly found lost
   */
  checkCount(count: number): number {
    const atRisk = this.acknowledgedCount();
    const newlyLost = count < 0 ? 0 : Math.max(0, atRisk - count);
    this.reset();
    return newlyLost;
  }

  /**
   * Items known present (acknowledged, or seen in a read) and not already counted lost: what a
   * lost session loses on top of what was already counted.
   */
  acknowledgedCount(): number {
    let n = 0;
    for (let i = 0; i < this.skus.length; i++) {
      if (!this.lost[i] && this.knownMs[i] !== Number.POSITIVE_INFINITY) n++;
    }
    return n;
  }

  /** Items this session has lost so far (each counted once). */
  lostCount(): number {
    return this.lostItems;
  }

  /** Items the model tracks (known present, indeterminate or lost). */
  get size(): number {
    return this.skus.length;
  }

  private indexOf(sku: string): number {
    for (let i = 0; i < this.skus.length; i++) if (this.skus[i] === sku) return i;
    return -1;
  }

  private push(sku: string, knownMs: number): void {
    this.skus.push(sku);
    this.knownMs.push(knownMs);
    this.lost.push(false);
  }
}
