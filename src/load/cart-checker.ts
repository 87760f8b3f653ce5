/**
 * The client's model of one session's cart, checked like Jepsen's set-full checker, so that
 * concurrent requests of one session (several tabs, `parallelPerSession`) and reads served by a
 * lagging replica are judged fairly, and each anomaly is classified.
 *
 * Cart items are only ever added (checkout empties the cart and ends the model), so the cart is
 * a grow-only set. An item becomes *known present* at the earlier of
 * - the acknowledgement of its add reaching the client, and
 * - the completion of the first read that contained it (a read may see an add whose
 *   acknowledgement has not arrived yet: that is fine, and fixes the item as present).
 *
 * A read should contain every item known present before the read was invoked. One that does not
 * is a **stale read**, and breaks a session guarantee:
 * - **read-your-writes**, when a missing item's add had been acknowledged to this session;
 * - **monotonic reads**, when a missing item had been shown by an earlier read of the session
 *   that completed before this one was invoked.
 * The missing item is then *suspect*, and what happens next classifies it (Jepsen's `:stale` and
 * `:lost`):
 * - a later read shows it: it was **stale**. It became visible between the send of the last read
 *   that lacked it (processed after that) and the answer of the first that showed it (processed
 *   before that); its **staleness** is the time from when it was known present to the middle of
 *   that interval, so the estimate is off by at most half the time between the two reads;
 * - the checkout's count shows it (the count covers every suspect): stale too, with no figure;
 * - it is never seen again (the checkout counts fewer items): **lost**, an acknowledged update
 *   the store dropped (two tabs overwriting each other, a failover).
 * An item whose add was still in flight when a read was invoked may or may not be in it:
 * concurrent. An add that failed without a clear answer (timeout, reset) is indeterminate: never
 * required, but known present once a read shows it. Suspects still unresolved when the run ends
 * are neither stale nor lost: no later read could tell.
 *
 * Times are `performance.now()` ms, taken fresh at each send and completion. Equal timestamps are
 * treated as concurrent (never as an anomaly): when in doubt, the checker does not accuse the
 * store. Skus are unique per session (the engine generates them). A session holds a few dozen
 * items at most, so linear scans beat hashing and allocate nothing.
 */
export class CartChecker {
  private readonly skus: string[] = [];
  /** When the item became known present (ms); +Infinity while not known present. */
  private readonly knownMs: number[] = [];
  /** Whether this session's add of the item was acknowledged (a read-your-writes obligation). */
  private readonly acked: boolean[] = [];
  /** Completion of the first read that showed the item (ms); +Infinity until one did. */
  private readonly seenMs: number[] = [];
  /** Missing from a read since it was known present, and not seen since: a suspect. */
  private readonly missing: boolean[] = [];
  /** When the last read that lacked it was sent (ms); NaN when none did. */
  private readonly lackedMs: number[] = [];
  private missingNow = 0;

  /** The last read broke read-your-writes (see {@link checkRead}). */
  lastReadBrokeReadYourWrites = false;
  /** The last read broke monotonic reads (see {@link checkRead}). */
  lastReadBrokeMonotonicReads = false;
  /**
   * Staleness (ms, see above) of each suspect the last read showed again, one entry per item: refilled by
   * every {@link checkRead}, so the caller reads it at once.
   */
  readonly lastReadStalenessMs: number[] = [];
  /** Suspects the last {@link checkCount} found present by count: stale, with no staleness figure. */
  lastCountStale = 0;

  /** A new session (login, re-login after a loss, logout): forget the old cart. */
  reset(): void {
    this.skus.length = 0;
    this.knownMs.length = 0;
    this.acked.length = 0;
    this.seenMs.length = 0;
    this.missing.length = 0;
    this.lackedMs.length = 0;
    this.missingNow = 0;
  }

  /**
   * The server acknowledged adding `sku`; the add was sent at `invokedMs`, answered at `ackMs`.
   * Only the ack time matters (an unacknowledged add is never required); the send time is part
   * of the history the engine reports, accepted so the call reads like a read's.
   */
  addAcknowledged(sku: string, _invokedMs: number, ackMs: number): void {
    let i = this.indexOf(sku);
    if (i < 0) i = this.push(sku, ackMs);
    else if (ackMs < this.knownMs[i]) this.knownMs[i] = ackMs;
    this.acked[i] = true;
  }

  /** The add of `sku` failed without saying whether it was applied (timeout, reset, 5xx). */
  addIndeterminate(sku: string): void {
    if (this.indexOf(sku) < 0) this.push(sku, Number.POSITIVE_INFINITY);
  }

  /**
   * A successful read sent at `invokedMs` and answered at `completedMs` returned `readSkus`.
   * Sets {@link lastReadBrokeReadYourWrites}, {@link lastReadBrokeMonotonicReads} and
   * {@link lastReadStalenessMs}.
   * @returns how many items known present before the read was sent it lacked (0: not stale)
   */
  checkRead(readSkus: readonly string[], invokedMs: number, completedMs: number): number {
    let lacking = 0;
    let ryw = false;
    let monotonic = false;
    this.lastReadStalenessMs.length = 0;
    for (let i = 0; i < this.skus.length; i++) {
      if (!(this.knownMs[i] < invokedMs)) continue;
      const present = readSkus.includes(this.skus[i]);
      if (present) {
        if (this.missing[i]) {
          this.missing[i] = false;
          this.missingNow--;
          this.lastReadStalenessMs.push((this.lackedMs[i] + completedMs) / 2 - this.knownMs[i]);
        }
        continue;
      }
      lacking++;
      if (!(invokedMs <= this.lackedMs[i])) this.lackedMs[i] = invokedMs;
      if (this.acked[i]) ryw = true;
      if (this.seenMs[i] < invokedMs) monotonic = true;
      if (!this.missing[i]) {
        this.missing[i] = true;
        this.missingNow++;
      }
    }
    for (let j = 0; j < readSkus.length; j++) {
      let i = this.indexOf(readSkus[j]);
      if (i < 0) i = this.push(readSkus[j], completedMs); // its add's answer is still on its way
      else if (completedMs < this.knownMs[i]) this.knownMs[i] = completedMs;
      if (completedMs < this.seenMs[i]) this.seenMs[i] = completedMs;
      // Shown by a read sent before it was known (concurrent with its add): never a suspect.
    }
    this.lastReadBrokeReadYourWrites = ryw;
    this.lastReadBrokeMonotonicReads = monotonic;
    return lacking;
  }

  /**
   * Checkout answered with the number of items it found (negative: unknown). Checkout is sent
   * when the session is quiet, so every item known present must be in it; items cannot be told
   * apart from a count, so the loss is the lower bound `known present − count`, charged to the
   * suspects first (they were seen missing); suspects the count covers were stale
   * ({@link lastCountStale}). The cart is then settled: its items are bought, no longer at risk
   * if the session is lost afterwards.
   * @returns items found lost
   */
  checkCount(count: number): number {
    const atRisk = this.acknowledgedCount();
    const lost = count < 0 ? 0 : Math.max(0, atRisk - count);
    this.lastCountStale = count < 0 ? 0 : this.missingNow - Math.min(lost, this.missingNow);
    this.reset();
    return lost;
  }

  /**
   * Items known present (acknowledged, or seen in a read), suspects included: what a lost
   * session loses with it.
   */
  acknowledgedCount(): number {
    let n = 0;
    for (let i = 0; i < this.knownMs.length; i++) if (this.knownMs[i] !== Number.POSITIVE_INFINITY) n++;
    return n;
  }

  /** Items missing from a read and not seen since (suspects, not yet stale or lost). */
  get suspectCount(): number {
    return this.missingNow;
  }

  /** Items the model tracks (known present, indeterminate or suspect). */
  get size(): number {
    return this.skus.length;
  }

  private indexOf(sku: string): number {
    for (let i = 0; i < this.skus.length; i++) if (this.skus[i] === sku) return i;
    return -1;
  }

  private push(sku: string, knownMs: number): number {
    this.skus.push(sku);
    this.knownMs.push(knownMs);
    this.acked.push(false);
    this.seenMs.push(Number.POSITIVE_INFINITY);
    this.missing.push(false);
    this.lackedMs.push(Number.NaN);
    return this.skus.length - 1;
  }
}
