import net from 'node:net';
import { HEADER_REPLICA, HEADER_SERVER_TIMING } from '../../targets/protocol.js';

/**
 * The part of a request the engine fills (the same object it hands to undici's dispatch).
 * `headers` is a flat [name, value, name, value…] list; the body, when present, is text.
 */
export interface HttpRequest {
  method: string;
  path: string;
  headers: string[];
  body: string | undefined;
}

/**
 * What a connection tells the request's owner; Exchange implements it (and undici's handler).
 * Exactly one of onComplete / onError is called per request.
 */
export interface ResponseHandler {
  /**
   * Status and the response headers the engine reads, `set-cookie` and `server-timing` only, as
   * [name, value, …] with lower-case names and raw value bytes (leading and trailing blanks
   * removed). The values are views of a buffer that the next read overwrites: valid only during
   * this call. The connection reads the framing headers itself.
   */
  onHeaders(status: number, headers: (string | Buffer)[]): boolean;
  /** A piece of the body, a copy the handler may keep; called only when `wantsBody`. */
  onData(chunk: Buffer): boolean;
  onComplete(): void;
  onError(err: Error): void;
  /** Whether the body is wanted (reads and checkouts): others are skipped without copying. */
  readonly wantsBody: boolean;
}

/** A transport failure; `code` is what classify-error.ts maps to an outcome. */
export class HttpConnectionError extends Error {
  constructor(
    message: string,
    /** `ETIMEDOUT` (timeout) or `ECONNRESET` (the exchange broke: a reset). */
    readonly code: 'ETIMEDOUT' | 'ECONNRESET',
  ) {
    super(message);
    this.name = 'HttpConnectionError';
  }
}

/**
 * Every connection reads into this one buffer: Node calls `onread` synchronously per read, one
 * socket at a time, and a connection copies out whatever it keeps, so no read allocates.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);
/** Longest response head accepted (status line and headers), bytes. */
const MAX_HEAD_BYTES = 64 * 1024;
const CR = 13;
const LF = 10;
const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');

/** What follows a response head. */
const enum Head {
  /** A body (the state says how it is framed), or an interim 1xx response: keep reading. */
  More,
  /** The response has no body: it is complete. */
  Complete,
  /** Malformed: the request has failed. */
  Failed,
}

const enum State {
  /** No request, or waiting for the response head. */
  Head,
  /** Content-Length body: `remaining` bytes left. */
  Fixed,
  /** Chunked body, expecting a chunk-size line. */
  ChunkSize,
  /** Chunked body, `remaining` bytes of chunk data left. */
  ChunkData,
  /** Chunked body, expecting the CRLF after a chunk's data. */
  ChunkEnd,
  /** Chunked body, reading trailer lines until an empty one. */
  Trailers,
  /** No length given: the body ends when the server closes. */
  UntilClose,
}

/**
 * One keep-alive HTTP/1.1 connection to one origin, one request at a time: what a browser tab
 * or a balancer's upstream connection does, for statebench's own protocol. It exists because
 * undici's per-request work and its deferral of each keep-alive reuse to a later event-loop
 * turn cost more than the rest of the engine: here a response is parsed in the read callback
 * (no stream, no per-read allocation) and the next request can be written from inside it.
 *
 * Supports: Content-Length, chunked and read-until-close bodies; 1xx interim responses
 * (skipped), and bodiless 204/304; `Connection: close` (the connection is closed after the
 * response and the next request opens a new one, as a draining replica asks); reconnecting
 * after the server closed an idle connection; timeouts (connect, headers, between body reads).
 * Does not support: pipelining, request bodies other than one text (no chunked uploads, no
 * streams), `Expect: 100-continue`, upgrades, TLS, proxies, redirects, compression, or
 * retries (a failure is an outcome, as with undici).
 */
export class HttpConnection {
  private socket: net.Socket | undefined;
  private handler: ResponseHandler | undefined;
  private state = State.Head;
  private remaining = 0;
  /** Bytes of an incomplete head or chunk-size/trailer line, carried to the next read. */
  private partial: Buffer | undefined;
  private closeAfter = false;
  /** performance.now() ms after which the request in flight has timed out. */
  private deadlineMs = Number.POSITIVE_INFINITY;
  private readonly hostHeader: string;
  private readonly getLines = new Map<string, string>();
  private readonly timingOnly: (string | Buffer)[] = [SERVER_TIMING.name, EMPTY];
  private readonly cookieOnly: (string | Buffer)[] = [SET_COOKIE.name, EMPTY];
  private readonly both: (string | Buffer)[] = [SERVER_TIMING.name, EMPTY, SET_COOKIE.name, EMPTY];
  /** With `X-Replica` too (read only when a balancer in front picks the replica): built per response, rare. */
  private readonly withReplica: (string | Buffer)[] = [];
  private readonly postLines = new Map<string, string>();
  private readonly host: string;
  private readonly port: number;
  private readonly onRead = (nread: number, buf: Uint8Array): boolean => {
    this.read(buf as Buffer, nread);
    return true;
  };

  constructor(
    origin: string,
    private readonly timeoutMs: number,
    /** Hand `X-Replica` to the handler too: a balancer in front chose the replica. */
    private readonly readReplica = false,
  ) {
    const url = new URL(origin);
    this.host = url.hostname;
    this.port = Number(url.port || 80);
    this.hostHeader = `host: ${url.host}\r\n`;
  }

  /** Whether a request is in flight. */
  get busy(): boolean {
    return this.handler !== undefined;
  }

  /** Sends `req`; its outcome goes to `handler`. One request at a time (a caller bug otherwise). */
  dispatch(req: HttpRequest, handler: ResponseHandler): boolean {
    if (this.handler !== undefined) throw new Error('HttpConnection: a request is already in flight');
    this.handler = handler;
    this.state = State.Head;
    this.partial = undefined;
    this.closeAfter = false;
    this.deadlineMs = performance.now() + this.timeoutMs;
    let text = this.requestLine(req.method, req.path);
    const h = req.headers;
    for (let i = 0; i < h.length; i += 2) text += `${h[i]}: ${h[i + 1]}\r\n`;
    if (req.body !== undefined) text += `content-length: ${Buffer.byteLength(req.body)}\r\n\r\n${req.body}`;
    else text += req.method === 'GET' ? '\r\n' : 'content-length: 0\r\n\r\n';
    let socket = this.socket;
    if (socket !== undefined && socket.destroyed) {
      this.drop(); // failed or closed, and its event not delivered yet
      socket = undefined;
    }
    if (socket === undefined) {
      // Writes before the connection is up are queued by the socket and sent on connect.
      socket = this.socket = net.connect({
        host: this.host,
        port: this.port,
        noDelay: true,
        onread: { buffer: READ_BUFFER, callback: this.onRead },
      });
      const s = socket;
      s.on('error', (err) => this.lost(s, err));
      s.on('close', () => this.lost(s, undefined));
      s.on('end', () => this.lost(s, undefined));
    }
    socket.write(text);
    return true;
  }

  /** `METHOD PATH HTTP/1.1` and the Host header, made once per method and path. */
  private requestLine(method: string, path: string): string {
    const byPath = method === 'GET' ? this.getLines : method === 'POST' ? this.postLines : undefined;
    let line = byPath?.get(path);
    if (line === undefined) {
      line = `${method} ${path} HTTP/1.1\r\n${this.hostHeader}`;
      if (byPath !== undefined && byPath.size < 64) byPath.set(path, line);
    }
    return line;
  }

  /** Fails the request in flight if its deadline passed (called by a shared sweep timer). */
  checkTimeout(nowMs: number): void {
    if (this.handler !== undefined && nowMs > this.deadlineMs) {
      this.fail(new HttpConnectionError(`no response within ${this.timeoutMs} ms`, 'ETIMEDOUT'));
    }
  }

  /** Closes the connection; a request in flight fails as a reset. */
  destroy(): void {
    if (this.handler !== undefined) this.fail(new HttpConnectionError('connection destroyed', 'ECONNRESET'));
    else this.drop();
  }

  /** The socket ended, closed or failed. */
  private lost(socket: net.Socket, err: Error | undefined): void {
    if (socket !== this.socket) return; // an old socket's late event
    if (this.handler !== undefined && this.state === State.UntilClose && err === undefined) {
      this.socket = undefined;
      socket.destroy();
      this.finish();
      return;
    }
    if (this.handler !== undefined) {
      this.fail(err ?? new HttpConnectionError('the server closed the connection before responding', 'ECONNRESET'));
    } else {
      this.drop();
    }
  }

  private drop(): void {
    const s = this.socket;
    this.socket = undefined;
    this.partial = undefined;
    s?.destroy();
  }

  private fail(err: Error): void {
    const handler = this.handler!;
    this.handler = undefined;
    this.drop();
    handler.onError(err);
  }

  /** The response is complete: the connection is free before the handler may send again. */
  private finish(): void {
    const handler = this.handler!;
    this.handler = undefined;
    this.state = State.Head;
    if (this.closeAfter) this.drop();
    handler.onComplete();
  }

  private read(buf: Buffer, end: number): void {
    if (this.handler === undefined) {
      // Bytes nobody asked for (no pipelining): the connection is out of step; start afresh.
      this.drop();
      return;
    }
    this.deadlineMs = performance.now() + this.timeoutMs;
    let at = 0;
    if (this.partial !== undefined) {
      buf = Buffer.concat([this.partial, buf.subarray(0, end)]);
      end = buf.length;
      this.partial = undefined;
    }
    while (at < end) {
      switch (this.state) {
        case State.Head: {
          // The buffer holds stale bytes past `end`: a match there means none before it.
          const headEnd = buf.indexOf(CRLFCRLF, at);
          if (headEnd < 0 || headEnd > end - 4) return this.keep(buf, at, end, MAX_HEAD_BYTES);
          const next = this.head(buf, at, headEnd);
          at = headEnd + 4;
          if (next === Head.Failed) return;
          if (next === Head.Complete) return this.done(at, end);
          break;
        }
        case State.Fixed: {
          const n = Math.min(this.remaining, end - at);
          this.body(buf, at, at + n);
          at += n;
          this.remaining -= n;
          if (this.remaining === 0) return this.done(at, end);
          break;
        }
        case State.ChunkSize:
        case State.ChunkEnd:
        case State.Trailers: {
          const lineEnd = lineEndIn(buf, at, end);
          if (lineEnd < 0) return this.keep(buf, at, end, 4096);
          const line = buf.toString('latin1', at, lineEnd);
          at = lineEnd + 2;
          if (this.state === State.ChunkEnd) {
            if (line !== '') return this.protocolError('chunk data not followed by CRLF');
            this.state = State.ChunkSize;
          } else if (this.state === State.Trailers) {
            if (line === '') return this.done(at, end);
          } else {
            const size = Number.parseInt(line, 16); // a chunk extension (";…") ends the number
            if (!Number.isFinite(size) || size < 0 || !/^[0-9a-fA-F]/.test(line)) return this.protocolError('bad chunk size');
            if (size === 0) this.state = State.Trailers;
            else {
              this.remaining = size;
              this.state = State.ChunkData;
            }
          }
          break;
        }
        case State.ChunkData: {
          const n = Math.min(this.remaining, end - at);
          this.body(buf, at, at + n);
          at += n;
          this.remaining -= n;
          if (this.remaining === 0) this.state = State.ChunkEnd;
          break;
        }
        case State.UntilClose:
          this.body(buf, at, end);
          return;
      }
    }
  }

  /** Carries an incomplete head or line over to the next read (copied: the buffer is shared). */
  private keep(buf: Buffer, at: number, end: number, limit: number): void {
    if (end - at > limit) return this.protocolError('response head or line too long');
    this.partial = Buffer.from(buf.subarray(at, end));
  }

  /** Ends the response at `at`; bytes after it are more than was asked for. */
  private done(at: number, end: number): void {
    if (at < end) this.closeAfter = true;
    this.finish();
  }

  private body(buf: Buffer, from: number, to: number): void {
    const handler = this.handler!;
    if (to > from && handler.wantsBody) {
      const copy = Buffer.allocUnsafe(to - from);
      buf.copy(copy, 0, from, to);
      handler.onData(copy);
    }
  }

  private protocolError(what: string): void {
    this.fail(new HttpConnectionError(`malformed response: ${what}`, 'ECONNRESET'));
  }

  /** The headers handed to the handler, in lists reused from one response to the next. */
  private picked(cookie: Buffer | undefined, timing: Buffer | undefined, replica: Buffer | undefined): (string | Buffer)[] {
    if (replica !== undefined) {
      const list = this.withReplica;
      list.length = 0;
      list.push(X_REPLICA.name, replica);
      if (timing !== undefined) list.push(SERVER_TIMING.name, timing);
      if (cookie !== undefined) list.push(SET_COOKIE.name, cookie);
      return list;
    }
    if (cookie === undefined && timing === undefined) return NO_HEADERS;
    const list = cookie === undefined ? this.timingOnly : timing === undefined ? this.cookieOnly : this.both;
    if (timing !== undefined) list[1] = timing;
    if (cookie !== undefined) list[list.length - 1] = cookie;
    return list;
  }

  /**
   * Parses a response head, buf[from, to) (status line and headers, without the final CRLFCRLF),
   * hands the status and the engine's headers to the handler, and sets up reading the body.
   * Works on the bytes: no string is made of a head, and header names are compared only when
   * their length and first letter match one the connection or the engine reads.
   */
  private head(buf: Buffer, from: number, to: number): Head {
    // "HTTP/1.1 200 OK"
    if (to - from < 12 || !startsWith(buf, from, HTTP_1) || (from + 12 < to && buf[from + 12] > 32)) {
      return this.malformed('bad status line');
    }
    const status = (buf[from + 9] - 48) * 100 + (buf[from + 10] - 48) * 10 + (buf[from + 11] - 48);
    if (!(status >= 100 && status <= 599)) return this.malformed('bad status code');
    if (status < 200) return Head.More; // 1xx interim response: the real one follows
    let keepAlive = buf[from + 7] === 49; // HTTP/1.1 keeps alive by default, 1.0 does not
    let length = -1;
    let chunked = false;
    let cookie: Buffer | undefined;
    let timing: Buffer | undefined;
    let replica: Buffer | undefined;
    let line = lineEndIn(buf, from, to);
    while (line >= 0) {
      const start = line + 2;
      const next = lineEndIn(buf, start, to);
      const lineEnd = next < 0 ? to : next;
      line = next;
      let colon = start;
      while (colon < lineEnd && buf[colon] !== COLON) colon++;
      if (colon === lineEnd) continue;
      const nameLength = colon - start;
      // Length and first letter before any comparison: most headers are never compared.
      const first = buf[start] | 0x20;
      // The value without leading and trailing blanks: buf[v, ve).
      let v = colon + 1;
      let ve = lineEnd;
      while (v < ve && (buf[v] === 32 || buf[v] === 9)) v++;
      while (ve > v && (buf[ve - 1] === 32 || buf[ve - 1] === 9)) ve--;
      if (first === 0x63 /* c */ && nameLength === 14 && equalsLower(buf, start, CONTENT_LENGTH)) {
        length = v === ve ? Number.NaN : 0;
        for (let i = v; i < ve && length >= 0; i++) {
          const d = buf[i] - 48;
          length = d >= 0 && d <= 9 ? length * 10 + d : Number.NaN;
        }
        if (!Number.isSafeInteger(length)) return this.malformed('bad content-length');
      } else if (first === 0x63 /* c */ && nameLength === 10 && equalsLower(buf, start, CONNECTION)) {
        if (ve - v === 5 && equalsLower(buf, v, CLOSE)) keepAlive = false;
        else if (ve - v === 10 && equalsLower(buf, v, KEEP_ALIVE)) keepAlive = true;
        else if (/(^|,)\s*close\s*(,|$)/i.test(buf.toString('latin1', v, ve))) keepAlive = false;
      } else if (first === 0x74 /* t */ && nameLength === 17 && equalsLower(buf, start, TRANSFER_ENCODING)) {
        chunked = ve - v >= 7 && equalsLower(buf, ve - 7, CHUNKED);
      } else if (first === 0x73 /* s */ && nameLength === 10 && equalsLower(buf, start, SET_COOKIE)) {
        cookie = buf.subarray(v, ve);
      } else if (first === 0x73 /* s */ && nameLength === 13 && equalsLower(buf, start, SERVER_TIMING)) {
        timing = buf.subarray(v, ve);
      } else if (this.readReplica && first === 0x78 /* x */ && nameLength === 9 && equalsLower(buf, start, X_REPLICA)) {
        replica = buf.subarray(v, ve);
      }
    }
    this.closeAfter = !keepAlive;
    this.handler!.onHeaders(status, this.picked(cookie, timing, replica));
    if (status === 204 || status === 304) return Head.Complete;
    if (chunked) {
      this.state = State.ChunkSize;
    } else if (length === 0) {
      return Head.Complete;
    } else if (length > 0) {
      this.remaining = length;
      this.state = State.Fixed;
    } else {
      this.closeAfter = true;
      this.state = State.UntilClose;
    }
    return Head.More;
  }

  private malformed(what: string): Head {
    this.protocolError(what);
    return Head.Failed;
  }
}

const NO_HEADERS: (string | Buffer)[] = [];
const EMPTY = Buffer.alloc(0);
const COLON = 58;

/** A lower-case token, as a string and as bytes. */
interface Token {
  name: string;
  bytes: Buffer;
}
const token = (name: string): Token => ({ name, bytes: Buffer.from(name, 'latin1') });
const HTTP_1 = Buffer.from('HTTP/1.', 'latin1');
const CONTENT_LENGTH = token('content-length');
const CONNECTION = token('connection');
const TRANSFER_ENCODING = token('transfer-encoding');
const SET_COOKIE = token('set-cookie');
const SERVER_TIMING = token(HEADER_SERVER_TIMING);
const X_REPLICA = token(HEADER_REPLICA);
const CLOSE = token('close');
const KEEP_ALIVE = token('keep-alive');
const CHUNKED = token('chunked');

function startsWith(buf: Buffer, at: number, prefix: Buffer): boolean {
  for (let i = 0; i < prefix.length; i++) if (buf[at + i] !== prefix[i]) return false;
  return true;
}

/** Whether buf at `at` holds `t`, ignoring ASCII case (the caller checked the length). */
function equalsLower(buf: Buffer, at: number, t: Token): boolean {
  const b = t.bytes;
  for (let i = 0; i < b.length; i++) {
    const c = buf[at + i];
    if ((c >= 65 && c <= 90 ? c | 0x20 : c) !== b[i]) return false;
  }
  return true;
}


/** Index of the CR of the first CRLF in buf[at, end), or -1. */
function lineEndIn(buf: Buffer, at: number, end: number): number {
  for (let i = at; i < end - 1; i++) if (buf[i] === CR && buf[i + 1] === LF) return i;
  return -1;
}
