/**
 * The shop application every replica runs: node:http, no framework, because this handler is on
 * the measured path. Sessions follow the ordinary pattern: load at the start of a request, save
 * at the end when it changed; only a store with an atomic `addItem` (redis-atomic, sqlite-tx)
 * handles cart adds itself. See targets/protocol.ts for how statebench starts it.
 */
import http from 'node:http';
import {
  HEADER_REPLICA,
  HEADER_SERVER_TIMING,
  SESSION_COOKIE,
  formatServerTiming,
  type ReplicaMessage,
} from './protocol.js';
import {
  SessionTooLargeError,
  StoreUnavailableError,
  type AddedItem,
  type CartItem,
  type Session,
  type SessionStore,
} from './session.js';
import { openStore } from './open-store.js';
import { replicaConfig } from './replica-config.js';

/** Larger bodies are refused before parsing: payload size is the client's knob, not unbounded. */
const MAX_BODY_BYTES = 1024 * 1024;
/** After SIGTERM, in-flight requests get this long before connections are cut. */
const SHUTDOWN_GRACE_MS = 2000;

const JSON_TYPE = 'application/json';
const TEXT_TYPE = 'text/plain';
const COOKIE_ATTRIBUTES = '; Path=/; HttpOnly';
const CLEAR_COOKIE = `${SESSION_COOKIE}=; Path=/; HttpOnly; Max-Age=0`;
const SID_PREFIX = `${SESSION_COOKIE}=`;
const NS_PER_MS = 1e6;

/**
 * Set on SIGTERM. Responses then carry `Connection: close`, so a keep-alive connection that was
 * busy when the stop began ends with its response instead of holding the exit for the whole
 * grace period (a rolling deploy would otherwise take seconds per replica).
 */
let draining = false;

/** A request body the handler refuses; carries its status so the catch can answer it. */
class BadRequest extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
  ) {
    super(errorCode);
  }
}

/** Per-request timing; store time accumulates across every store call of the request. */
interface Timing {
  startNs: bigint;
  storeNs: bigint;
}

interface AddItemBody {
  sku: string;
  qty: number;
  payload: string;
}

function sessionToken(req: http.IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (header === undefined) return undefined;
  let start = 0;
  while (start < header.length) {
    let end = header.indexOf(';', start);
    if (end < 0) end = header.length;
    while (header.charCodeAt(start) === 32) start++;
    if (header.startsWith(SID_PREFIX, start)) {
      const value = header.slice(start + SID_PREFIX.length, end).trim();
      return value === '' ? undefined : value;
    }
    start = end + 1;
  }
  return undefined;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      // Keep draining past the limit so the client still gets its 413 on a usable connection.
      if (bytes <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (bytes > MAX_BODY_BYTES) reject(new BadRequest(413, 'body-too-large'));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

function parseItem(text: string): AddItemBody {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new BadRequest(400, 'invalid-json');
  }
  const b = body as Partial<AddItemBody> | null;
  if (b === null || typeof b !== 'object' || typeof b.sku !== 'string' || b.sku === '') {
    throw new BadRequest(400, 'invalid-item');
  }
  const qty = b.qty ?? 1;
  if (!Number.isInteger(qty) || qty < 1) throw new BadRequest(400, 'invalid-item');
  const payload = b.payload ?? '';
  if (typeof payload !== 'string') throw new BadRequest(400, 'invalid-item');
  return { sku: b.sku, qty, payload };
}

/** The request handler of one replica. */
function createHandler(name: string, store: SessionStore): http.RequestListener {
  const countStoreTime = store.external;

  /** Runs one store call, adding its duration to the request's store time. */
  async function timed<T>(t: Timing, call: () => Promise<T>): Promise<T> {
    const s = process.hrtime.bigint();
    try {
      return await call();
    } finally {
      t.storeNs += process.hrtime.bigint() - s;
    }
  }

  const load = (t: Timing, token: string): Promise<Session | undefined> => timed(t, () => store.load(token));
  const loadForRead = (t: Timing, token: string): Promise<Session | undefined> =>
    store.loadForRead === undefined ? load(t, token) : timed(t, () => store.loadForRead!(token));
  const save = (t: Timing, token: string | undefined, session: Session): Promise<string> => {
    session.version++;
    return timed(t, () => store.save(token, session));
  };
  const addItem = (t: Timing, token: string, item: CartItem): Promise<AddedItem | undefined> =>
    timed(t, () => store.addItem!(token, item));
  const destroy = (t: Timing, token: string): Promise<void> => timed(t, () => store.destroy(token));

  function send(
    res: http.ServerResponse,
    t: Timing,
    status: number,
    body: string,
    contentType: string = JSON_TYPE,
    setCookie?: string,
  ): void {
    const appMs = Number(process.hrtime.bigint() - t.startNs) / NS_PER_MS;
    const storeMs = countStoreTime ? Number(t.storeNs) / NS_PER_MS : 0;
    const headers: http.OutgoingHttpHeaders = {
      'content-type': contentType,
      'content-length': Buffer.byteLength(body),
      [HEADER_REPLICA]: name,
      [HEADER_SERVER_TIMING]: formatServerTiming(storeMs, appMs),
    };
    if (setCookie !== undefined) headers['set-cookie'] = setCookie;
    if (draining) headers.connection = 'close';
    res.writeHead(status, headers);
    res.end(body);
  }

  const unknownSession = JSON.stringify({ error: 'session-unknown' });
  const okBody = JSON.stringify({ ok: true });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, t: Timing): Promise<void> {
    const method = req.method;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);

    if (path === '/healthz') return send(res, t, 200, 'ok', TEXT_TYPE);

    if (path === '/login' && method === 'POST') {
      const session: Session = { user: `user-${process.pid}-${t.startNs}`, items: [], version: 0, createdAtMs: Date.now() };
      const token = await save(t, undefined, session);
      return send(res, t, 200, okBody, JSON_TYPE, SESSION_COOKIE + '=' + token + COOKIE_ATTRIBUTES);
    }

    const route =
      path === '/cart/items' && method === 'POST' ? 'add'
      : path === '/cart' && method === 'GET' ? 'read'
      : path === '/checkout' && method === 'POST' ? 'checkout'
      : path === '/logout' && method === 'POST' ? 'logout'
      : undefined;
    if (route === undefined) return send(res, t, 404, JSON.stringify({ error: 'not-found' }));

    const token = sessionToken(req);
    if (route === 'add' && store.addItem !== undefined) {
      // An atomic store changes the cart in place: no load before and no whole-session save after,
      // so nothing a concurrent tab wrote in between can be overwritten.
      if (token === undefined) return send(res, t, 401, unknownSession);
      const item = parseItem(await readBody(req));
      const added = await addItem(t, token, item);
      if (added === undefined) return send(res, t, 401, unknownSession);
      return send(res, t, 200, JSON.stringify(added));
    }
    const session = token === undefined ? undefined : await (route === 'read' ? loadForRead(t, token) : load(t, token));
    if (session === undefined || token === undefined) return send(res, t, 401, unknownSession);

    switch (route) {
      case 'add': {
        const item = parseItem(await readBody(req));
        session.items.push(item);
        const next = await save(t, token, session);
        const body = JSON.stringify({ count: session.items.length, version: session.version });
        return send(res, t, 200, body, JSON_TYPE, next === token ? undefined : SESSION_COOKIE + '=' + next + COOKIE_ATTRIBUTES);
      }
      case 'read': {
        const items = session.items.map((i) => ({ sku: i.sku, qty: i.qty }));
        // Rolling sessions whose store cannot extend them on load (the cookie) are reissued.
        const next = store.touch === undefined ? token : await timed(t, () => store.touch!(token, session));
        return send(res, t, 200, JSON.stringify({ items, version: session.version }), JSON_TYPE, next === token ? undefined : SESSION_COOKIE + '=' + next + COOKIE_ATTRIBUTES);
      }
      case 'checkout': {
        const n = session.items.length;
        session.items = [];
        const next = await save(t, token, session);
        const body = JSON.stringify({ ok: true, items: n });
        return send(res, t, 200, body, JSON_TYPE, next === token ? undefined : SESSION_COOKIE + '=' + next + COOKIE_ATTRIBUTES);
      }
      case 'logout': {
        await destroy(t, token);
        return send(res, t, 200, okBody, JSON_TYPE, CLEAR_COOKIE);
      }
    }
  }

  return (req, res) => {
    const t: Timing = { startNs: process.hrtime.bigint(), storeNs: 0n };
    handle(req, res, t).catch((err: unknown) => {
      if (res.headersSent) return;
      if (err instanceof BadRequest) {
        send(res, t, err.status, JSON.stringify({ error: err.errorCode }));
      } else if (err instanceof SessionTooLargeError) {
        send(res, t, 413, JSON.stringify({ error: 'session-too-large', bytes: err.bytes, limitBytes: err.limitBytes }));
      } else if (err instanceof StoreUnavailableError) {
        send(res, t, 503, JSON.stringify({ error: 'store-unavailable' }));
      } else {
        process.stderr.write(`${name}: ${(err as Error)?.stack ?? String(err)}\n`);
        send(res, t, 500, JSON.stringify({ error: 'internal' }));
      }
    });
  };
}

function report(message: ReplicaMessage): void {
  if (process.send) process.send(message);
}

async function main(): Promise<void> {
  const config = replicaConfig(process.argv, process.env);
  const host = config.host ?? '127.0.0.1';

  // The parent is gone (exited or SIGKILLed): nobody can route to us or stop us, so go now.
  process.on('disconnect', () => process.exit(0));

  const store = await openStore(config);
  const server = http.createServer(createHandler(config.name, store));
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as { port: number }).port;

  const shutdown = (): void => {
    if (draining) return;
    draining = true;
    setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS).unref();
    server.close(() => {
      store.close().finally(() => process.exit(0));
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);

  if (process.send) report({ type: 'ready', port, pid: process.pid });
  else process.stdout.write(`listening http://${host}:${port}\n`);
}

main().catch((err: unknown) => {
  const e = err as NodeJS.ErrnoException;
  const message = e?.code ? `${e.code}: ${e.message}` : String(e?.message ?? err);
  if (process.send) {
    // Exit only once the message has reached the parent, so it can say why the start failed.
    const fatal: ReplicaMessage = { type: 'fatal', message };
    process.send(fatal, undefined, undefined, () => process.exit(1));
    setTimeout(() => process.exit(1), 1000).unref();
  } else {
    process.stderr.write(`${message}\n`);
    process.exit(1);
  }
});
