import net from 'node:net';

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
   * Status and the response headers the engine reads: `Set-Cookie` and `Server-Timing` only,
   * as [name, value…] strings (names as sent). Others are read by the connection itself.
   */
  onHeaders(status: number, headers: string[]): boolean;
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
  private readonly host: string;
  private readonly port: number;
  private readonly onRead = (nread: number, buf: Uint8Array): boolean => {
    this.read(buf as Buffer, nread);
    return true;
  };

  constructor(
    origin: string,
    private readonly timeoutMs: number,
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
    let text = `${req.method} ${req.path} HTTP/1.1\r\n${this.hostHeader}`;
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
          const next = this.head(buf.toString('latin1', at, headEnd));
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

  /**
   * Parses a response head (status line and headers, without the final CRLFCRLF), hands the
   * status and the engine's headers to the handler, and sets up reading the body.
   */
  private head(head: string): Head {
    // "HTTP/1.1 200 OK"
    if (!head.startsWith('HTTP/1.') || head.charCodeAt(12) > 32) return this.malformed('bad status line');
    const status = (head.charCodeAt(9) - 48) * 100 + (head.charCodeAt(10) - 48) * 10 + (head.charCodeAt(11) - 48);
    if (!(status >= 100 && status <= 599)) return this.malformed('bad status code');
    if (status < 200) return Head.More; // 1xx interim response: the real one follows
    let keepAlive = head.charCodeAt(7) === 49; // HTTP/1.1 keeps alive by default, 1.0 does not
    let length = -1;
    let chunked = false;
    let picked: string[] | undefined;
    let at = head.indexOf('\r\n');
    while (at >= 0) {
      const start = at + 2;
      at = head.indexOf('\r\n', start);
      const lineEnd = at < 0 ? head.length : at;
      const colon = head.indexOf(':', start);
      if (colon < 0 || colon > lineEnd) continue;
      const nameLength = colon - start;
      // Length and first letter before any lower-casing: most headers are never compared.
      const first = head.charCodeAt(start) | 0x20;
      if (first === 0x63 /* c */ && (nameLength === 14 || nameLength === 10)) {
        const name = head.slice(start, colon).toLowerCase();
        if (name === 'content-length') {
          const value = head.slice(colon + 1, lineEnd).trim();
          length = value === '' ? Number.NaN : Number(value);
          if (!Number.isSafeInteger(length) || length < 0) return this.malformed('bad content-length');
        } else if (name === 'connection') {
          const value = head.slice(colon + 1, lineEnd).trim().toLowerCase();
          if (value === 'close') keepAlive = false;
          else if (value === 'keep-alive') keepAlive = true;
        }
      } else if (first === 0x74 /* t */ && nameLength === 17) {
        if (head.slice(start, colon).toLowerCase() === 'transfer-encoding') {
          chunked = head.slice(colon + 1, lineEnd).trim().toLowerCase().endsWith('chunked');
        }
      } else if (first === 0x73 /* s */ && (nameLength === 10 || nameLength === 13)) {
        const name = head.slice(start, colon);
        const lower = name.toLowerCase();
        if (lower === 'set-cookie' || lower === 'server-timing') (picked ??= []).push(name, head.slice(colon + 1, lineEnd).trim());
      }
    }
    this.closeAfter = !keepAlive;
    this.handler!.onHeaders(status, picked ?? NO_HEADERS);
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

const NO_HEADERS: string[] = [];

/** Index of the CR of the first CRLF in buf[at, end), or -1. */
function lineEndIn(buf: Buffer, at: number, end: number): number {
  for (let i = at; i < end - 1; i++) if (buf[i] === CR && buf[i + 1] === LF) return i;
  return -1;
}
