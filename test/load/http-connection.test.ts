import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyError } from '../../src/load/classify-error.js';
import { HttpConnection, type HttpRequest, type ResponseHandler } from '../../src/load/http-connection.js';
import { ReplicaClients } from '../../src/load/replica-clients.js';
import { freePort } from '../../src/process/free-port.js';

/** A request as the server saw it. */
interface Seen {
  head: string;
  body: string;
  socket: net.Socket;
  connection: number;
}

/**
 * A raw TCP server on 127.0.0.1:0 that parses requests (head + Content-Length body) and lets
 * the test answer each with arbitrary bytes, piece by piece.
 */
async function rawServer(answer: (req: Seen) => void | Promise<void>): Promise<{ url: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const connection = ++connections;
    let buf = Buffer.alloc(0);
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.subarray(0, end).toString('latin1');
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (buf.length < end + 4 + length) return;
        const req = { head, body: buf.subarray(end + 4, end + 4 + length).toString(), socket, connection };
        buf = buf.subarray(end + 4 + length);
        seen.push(req);
        void answer(req);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Writes `pieces` one by one with a pause between, so the client reads them separately. */
async function dribble(socket: net.Socket, pieces: (string | Buffer)[]): Promise<void> {
  for (const p of pieces) {
    socket.write(p);
    await sleep(15);
  }
}

interface Result {
  status: number;
  headers: string[];
  body: string;
  error?: Error;
}

/** A handler collecting one response; resolves when it completes or fails. */
function collect(wantsBody = true): { handler: ResponseHandler; done: Promise<Result> } {
  const r: Result = { status: 0, headers: [], body: '' };
  const chunks: Buffer[] = [];
  let resolve!: (r: Result) => void;
  const done = new Promise<Result>((res) => (resolve = res));
  const handler: ResponseHandler = {
    wantsBody,
    onHeaders(status, headers) {
      r.status = status;
      r.headers = headers.map(String); // views of a reused buffer: copied now
      return true;
    },
    onData(chunk) {
      chunks.push(chunk);
      return true;
    },
    onComplete() {
      r.body = Buffer.concat(chunks).toString();
      resolve(r);
    },
    onError(err) {
      r.error = err;
      resolve(r);
    },
  };
  return { handler, done };
}

const GET = (path = '/cart', headers: string[] = []): HttpRequest => ({ method: 'GET', path, headers, body: undefined });

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setup(answer: (req: Seen) => void | Promise<void>, timeoutMs = 5000) {
  const server = await rawServer(answer);
  const conn = new HttpConnection(server.url, timeoutMs);
  cleanup.push(() => server.close(), () => conn.destroy());
  const send = async (req: HttpRequest = GET(), wantsBody = true): Promise<Result> => {
    const c = collect(wantsBody);
    conn.dispatch(req, c.handler);
    return c.done;
  };
  return { server, conn, send };
}

const OK_HEAD = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Replica: r1\r\nServer-Timing: store;dur=1.500, app;dur=2.000\r\nSet-Cookie: sid=abc; Path=/; HttpOnly\r\n';

describe('HttpConnection', () => {
  it('writes the request as sent by the engine: method, path, host, headers, body with its length', async () => {
    const { server, send } = await setup((req) => void req.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'));
    await send({ method: 'POST', path: '/cart/items', headers: ['cookie', 'sid=t1', 'content-type', 'application/json'], body: '{"sku":"é"}' });
    await send({ method: 'POST', path: '/logout', headers: ['cookie', 'sid=t1'], body: undefined });
    const [add, logout] = server.seen;
    const port = new URL(server.url).port;
    expect(add.head).toBe(
      `POST /cart/items HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncookie: sid=t1\r\ncontent-type: application/json\r\ncontent-length: 12`,
    );
    expect(add.body).toBe('{"sku":"é"}');
    expect(logout.head).toBe(`POST /logout HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncookie: sid=t1\r\ncontent-length: 0`);
    // Keep-alive: both on one connection.
    expect(logout.connection).toBe(add.connection);
  });

  it('reads a Content-Length response split anywhere, with only Set-Cookie and Server-Timing handed on', async () => {
    const body = '{"items":[{"sku":"a","qty":1}],"version":3}';
    const whole = `${OK_HEAD}Content-Length: ${body.length}\r\n\r\n${body}`;
    // Split inside the status line, inside the blank line ending the head, and inside the body.
    const cuts = [5, whole.indexOf('\r\n\r\n') + 2, whole.length - 10];
    const { send } = await setup((req) => dribble(req.socket, [whole.slice(0, cuts[0]), whole.slice(cuts[0], cuts[1]), whole.slice(cuts[1], cuts[2]), whole.slice(cuts[2])]));
    const r = await send();
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(200);
    expect(r.body).toBe(body);
    expect(r.headers).toEqual(['server-timing', 'store;dur=1.500, app;dur=2.000', 'set-cookie', 'sid=abc; Path=/; HttpOnly']);
  });

  it('keeps bodies it hands on intact when later reads reuse its buffer', async () => {
    let n = 0;
    const { send } = await setup((req) => {
      const body = `body-${++n}-${'y'.repeat(100)}`;
      req.socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    });
    const first = await send();
    await send();
    await send();
    expect(first.body).toBe(`body-1-${'y'.repeat(100)}`);
  });

  it('skips the body when it is not wanted, and the connection stays usable', async () => {
    const { server, send } = await setup((req) => void req.socket.write(`HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello`));
    const r = await send(GET(), false);
    expect(r.body).toBe('');
    expect((await send()).body).toBe('hello');
    expect(server.seen[1].connection).toBe(server.seen[0].connection);
  });

  it('reads chunked bodies with extensions and trailers, split at every awkward place', async () => {
    const wire = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n';
    const pieces = [wire.slice(0, 50), wire.slice(50, 52), wire.slice(52, 58), wire.slice(58, 61), wire.slice(61, 63), wire.slice(63, 80), wire.slice(80)];
    expect(pieces.join('')).toBe(wire);
    const { server, send } = await setup((req) => (server.seen.length === 1 ? dribble(req.socket, pieces) : void req.socket.write(wire)));
    expect(await send()).toMatchObject({ status: 200, body: 'hello, world' });
    // In one read too, then the connection is reused.
    expect(await send()).toMatchObject({ status: 200, body: 'hello, world' });
    expect(server.seen[1].connection).toBe(server.seen[0].connection);
  });

  it('closes after `Connection: close` (a draining replica) and opens a new connection for the next request', async () => {
    const { server, send } = await setup((req) =>
      void req.socket.write(`HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok`),
    );
    expect((await send()).body).toBe('ok');
    expect((await send()).body).toBe('ok');
    expect(server.seen.map((s) => s.connection)).toEqual([1, 2]);
  });

  it('reads header names in any case, and list values', async () => {
    const { server, send } = await setup((req) =>
      void req.socket.write(
        server.seen.length !== 2
          ? 'HTTP/1.1 200 OK\r\nCONTENT-LENGTH:3\r\nSET-COOKIE:  sid=up  \r\n\r\nabc'
          : 'HTTP/1.1 200 OK\r\ntransfer-encoding: gzip, Chunked\r\nConnection: Upgrade, Close\r\n\r\n3\r\nxyz\r\n0\r\n\r\n',
      ),
    );
    expect(await send()).toMatchObject({ body: 'abc', headers: ['set-cookie', 'sid=up'] });
    expect(await send()).toMatchObject({ body: 'xyz' });
    expect((await send()).body).toBe('abc'); // after `close`, on a new connection
    expect(server.seen.map((s) => s.connection)).toEqual([1, 1, 2]);
  });

  it('reads a body without length until the server closes', async () => {
    const { server, send } = await setup((req) => {
      req.socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\npart one, ');
      setTimeout(() => req.socket.end('part two'), 20);
    });
    expect(await send()).toMatchObject({ status: 200, body: 'part one, part two' });
    expect((await send()).body).toBe('part one, part two');
    expect(server.seen.map((s) => s.connection)).toEqual([1, 2]);
  });

  it('skips a 100 Continue and completes a 204 without a body', async () => {
    const { server, send } = await setup((req) =>
      void req.socket.write(
        server.seen.length === 1 ? 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nServer-Timing: store;dur=0\r\n\r\n' : 'HTTP/1.1 401 Unauthorized\r\nContent-Length: 2\r\n\r\nno',
      ),
    );
    expect(await send()).toMatchObject({ status: 204, body: '', headers: ['server-timing', 'store;dur=0'] });
    expect(await send()).toMatchObject({ status: 401, body: 'no' });
    expect(server.seen[1].connection).toBe(server.seen[0].connection);
  });

  it('reconnects, without an error, when the server closed the idle connection', async () => {
    const { server, send } = await setup((req) => {
      req.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      setTimeout(() => req.socket.end(), 10); // as a keep-alive timeout or a drain closes idle connections
    });
    expect((await send()).body).toBe('ok');
    await sleep(100);
    const r = await send();
    expect(r.error).toBeUndefined();
    expect(r.body).toBe('ok');
    expect(server.seen.map((s) => s.connection)).toEqual([1, 2]);
  });

  it('classifies failures as today: reset mid-response, refused, malformed, timeout', async () => {
    const reset = await setup((req) => {
      req.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial');
      setTimeout(() => req.socket.resetAndDestroy(), 20);
    });
    const r1 = await reset.send();
    expect(classifyError(r1.error)).toBe('reset');

    const closedBeforeAnswer = await setup((req) => void req.socket.end());
    expect(classifyError((await closedBeforeAnswer.send()).error)).toBe('reset');

    const port = await freePort(); // nothing listens there
    const refused = new HttpConnection(`http://127.0.0.1:${port}`, 1000);
    cleanup.push(() => refused.destroy());
    const c = collect();
    refused.dispatch(GET(), c.handler);
    expect(classifyError((await c.done).error)).toBe('refused');

    const malformed = await setup((req) => void req.socket.write('SMTP ready\r\n\r\n'));
    expect(classifyError((await malformed.send()).error)).toBe('reset');

    const silent = await setup(() => {}, 1000);
    const pending = silent.send();
    silent.conn.checkTimeout(performance.now()); // not yet
    silent.conn.checkTimeout(performance.now() + 1001);
    expect(classifyError((await pending).error)).toBe('timeout');
  });

  it('times out through the shared sweep of ReplicaClients', async () => {
    const server = await rawServer(() => {});
    cleanup.push(() => server.close());
    const clients = new ReplicaClients(1, 200);
    cleanup.push(() => clients.destroy());
    const c = collect();
    const t0 = performance.now();
    clients.get({ name: 'r', url: server.url, pid: undefined, state: 'up' }, 0).dispatch(
      { origin: server.url, method: 'GET', path: '/', headers: [], body: undefined, headersTimeout: 200, bodyTimeout: 200 },
      c.handler as never,
    );
    const r = await c.done;
    const tookMs = performance.now() - t0;
    expect(classifyError(r.error)).toBe('timeout');
    expect(tookMs).toBeGreaterThanOrEqual(195);
    expect(tookMs).toBeLessThan(1500);
  });

  it('refuses a second request while one is in flight (no pipelining)', async () => {
    const { conn } = await setup(() => {});
    conn.dispatch(GET(), collect().handler);
    expect(() => conn.dispatch(GET(), collect().handler)).toThrow(/in flight/);
  });
});
