import type { Dispatcher } from 'undici';
import type { Replica } from '../topology/types.js';
import type { Endpoint, OutcomeKind } from './outcome.js';
import type { VirtualUser } from './virtual-user.js';
import { classifyError, classifyStatus } from './classify-error.js';
import { HEADER_REPLICA, HEADER_SERVER_TIMING } from '../../targets/protocol.js';
import type { ResponseHandler } from './http-connection.js';

/** Receives finished exchanges; implemented by the engine. */
export interface ExchangeSink {
  complete(exchange: Exchange, kind: OutcomeKind): void;
}

const SET_COOKIE = 'set-cookie';
const SERVER_TIMING = HEADER_SERVER_TIMING;
const X_REPLICA = HEADER_REPLICA;
const STORE_DUR = 'store;dur=';
const STORE_DUR_BYTES = Buffer.from(STORE_DUR);

/**
 * One request in flight, and its response handler, for statebench's own HTTP connection
 * (http-connection.ts) or undici. Exchanges are reused (a user keeps one per tab), so a request
 * costs no handler allocation. With undici, its native (raw-header) handler interface: headers
 * are scanned as buffers, and only the two the engine needs are decoded.
 */
export class Exchange implements Dispatcher.DispatchHandler, ResponseHandler {
  vu!: VirtualUser;
  endpoint: Endpoint = 'login';
  replica!: Replica;
  generation = 0;
  /** Intended send time (open model) or actual send time (closed), performance.now() ms. */
  intendedMs = 0;
  sentMs = 0;
  /** Sent inside the measured window, so its outcome is recorded. */
  counted = false;
  sku: string | undefined;
  status = 0;
  /** Store time from Server-Timing, µs; -1 when absent. */
  storeUs = -1;
  setCookie: string | undefined;
  /** The replica that served it, from `X-Replica`, when a balancer in front chose it; else undefined. */
  servedBy: string | undefined;
  body: string | undefined;
  /** The header lists a request can have, reused (Engine.issue sets the cookie value, [1]). */
  readonly noHeaders: string[] = [];
  readonly cookieHeaders: string[] = ['cookie', ''];
  readonly jsonHeaders: string[] = ['content-type', 'application/json'];
  readonly cookieJsonHeaders: string[] = ['cookie', '', 'content-type', 'application/json'];
  /** Dispatch options, reused from one request to the next (see Engine.issue). */
  readonly request = {
    origin: '',
    method: 'GET' as 'GET' | 'POST',
    path: '/',
    headers: [] as string[],
    body: undefined as string | undefined,
    headersTimeout: 0,
    bodyTimeout: 0,
  };
  private wantBody = false;
  private chunks: Buffer[] = [];
  private done = true;

  constructor(
    private readonly sink: ExchangeSink,
    /** This tab's index among all tabs of the engine: which connection it uses. */
    readonly slot: number,
  ) {}

  /** Whether this request's body is read (reads and checkouts); see HttpConnection. */
  get wantsBody(): boolean {
    return this.wantBody;
  }

  /** Resets per-request state; the engine fills the rest. */
  begin(wantBody: boolean): void {
    this.status = 0;
    this.storeUs = -1;
    this.setCookie = undefined;
    this.servedBy = undefined;
    this.body = undefined;
    this.wantBody = wantBody;
    this.chunks.length = 0;
    this.done = false;
  }

  onConnect(): void {}

  onHeaders(statusCode: number, rawHeaders: (Buffer | string)[] | null): boolean {
    this.status = statusCode;
    if (rawHeaders) {
      for (let i = 0; i < rawHeaders.length; i += 2) {
        const name = rawHeaders[i];
        // Length and first letter first, so most headers (Connection has set-cookie's length)
        // are never decoded. HttpConnection passes X-Replica only when a balancer chose.
        if (name === X_REPLICA || (typeof name !== 'string' && name.length === X_REPLICA.length && (name[0] | 0x20) === 0x78 && name.toString().toLowerCase() === X_REPLICA)) {
          this.servedBy = rawHeaders[i + 1].toString();
          continue;
        }
        if (!startsWithS(name)) continue;
        // HttpConnection passes the lower-case constants themselves: compared by identity first.
        if (name === SET_COOKIE || (name.length === SET_COOKIE.length && name.toString().toLowerCase() === SET_COOKIE)) {
          this.setCookie = parseSid(rawHeaders[i + 1].toString());
        } else if (
          name === SERVER_TIMING ||
          (name.length === SERVER_TIMING.length && name.toString().toLowerCase() === SERVER_TIMING)
        ) {
          this.storeUs = parseStoreUs(rawHeaders[i + 1]);
        }
      }
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.wantBody) this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    if (this.done) return;
    this.done = true;
    if (this.wantBody) {
      this.body = this.chunks.length === 1 ? this.chunks[0].toString() : Buffer.concat(this.chunks).toString();
      this.chunks.length = 0;
    }
    this.sink.complete(this, classifyStatus(this.status));
  }

  onError(err: Error): void {
    if (this.done) return;
    this.done = true;
    this.chunks.length = 0;
    this.sink.complete(this, classifyError(err));
  }

  /** Completes without touching the network (no replica to route to). */
  fail(kind: OutcomeKind): void {
    this.done = true;
    this.sink.complete(this, kind);
  }
}

/** Whether a raw header name starts with `s` or `S` (both headers the engine reads do). */
function startsWithS(name: Buffer | string): boolean {
  const c = typeof name === 'string' ? name.charCodeAt(0) : name[0];
  return (c | 0x20) === 0x73;
}

/** `sid=TOKEN; Path=/; HttpOnly` → `TOKEN`. */
function parseSid(value: string): string | undefined {
  if (!value.startsWith('sid=')) return undefined;
  const end = value.indexOf(';');
  return value.slice(4, end < 0 ? undefined : end);
}

/** `store;dur=0.123, app;dur=0.456` → 123 (µs); -1 when absent. */
function parseStoreUs(value: Buffer | string): number {
  if (typeof value === 'string') {
    const at = value.indexOf(STORE_DUR);
    if (at < 0) return -1;
    const ms = Number.parseFloat(value.slice(at + STORE_DUR.length));
    return Number.isFinite(ms) ? Math.round(ms * 1000) : -1;
  }
  // Read the digits straight from the header's bytes: one per response, no string decoded.
  const at = value.indexOf(STORE_DUR_BYTES);
  if (at < 0) return -1;
  let i = at + STORE_DUR_BYTES.length;
  let whole = 0;
  let digits = 0;
  for (; i < value.length && value[i] >= 0x30 && value[i] <= 0x39; i++, digits++) whole = whole * 10 + value[i] - 0x30;
  let frac = 0;
  let scale = 1;
  if (i < value.length && value[i] === 0x2e) {
    for (i++; i < value.length && value[i] >= 0x30 && value[i] <= 0x39; i++, digits++) {
      frac = frac * 10 + value[i] - 0x30;
      scale *= 10;
    }
  }
  return digits === 0 ? -1 : Math.round((whole + frac / scale) * 1000);
}
