import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Engine } from '../../src/load/engine.js';
import type { LoadRecorder } from '../../src/load/load-recorder.js';
import type { OutcomeKind } from '../../src/load/outcome.js';
import type { Replica, Router } from '../../src/topology/types.js';

/**
 * A stand-in for the cookie architecture whose answers are scheduled by the test: the session is
 * the cookie itself (`sid=c.<sku>.<sku>…`), and the first two adds of a session are held until
 * both have arrived, then answered in `order` 50 ms apart. Both were sent with the same cookie,
 * so each answer's Set-Cookie holds only its own item: whichever arrives last is the cart the
 * browser keeps.
 */
function cookieShop(order: [number, number]) {
  const held: { sku: string; answer: () => void }[] = [];
  const seen = { checkoutSkus: [] as string[], answeredLast: '' };
  const cart = (req: http.IncomingMessage): string[] => {
    const sid = /sid=([^;]*)/.exec(req.headers.cookie ?? '')?.[1] ?? 'c';
    return sid.split('.').slice(1);
  };
  const cookie = (skus: string[]): string => `sid=${['c', ...skus].join('.')}; Path=/; HttpOnly`;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const json = (status: number, value: unknown, setCookie?: string): void => {
        res.writeHead(status, { 'content-type': 'application/json', ...(setCookie ? { 'set-cookie': setCookie } : {}) });
        res.end(JSON.stringify(value));
      };
      const skus = cart(req);
      if (req.url === '/login') return json(200, { ok: true }, cookie([]));
      if (req.url === '/cart') return json(200, { items: skus.map((sku) => ({ sku, qty: 1 })), version: 0 });
      if (req.url === '/checkout') {
        seen.checkoutSkus = skus;
        return json(200, { ok: true, items: skus.length }, cookie([]));
      }
      if (req.url === '/cart/items') {
        const sku = (JSON.parse(body) as { sku: string }).sku;
        const answer = (): void => {
          res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': cookie([...skus, sku]) });
          res.end(JSON.stringify({ count: skus.length + 1, version: 0 }));
        };
        if (held.length >= 2) return answer();
        held.push({ sku, answer });
        if (held.length === 2) {
          const [first, second] = order.map((i) => held[i]);
          first.answer();
          setTimeout(() => {
            seen.answeredLast = second.sku;
            second.answer();
          }, 50);
        }
        return;
      }
      json(200, { ok: true });
    });
  });
  return { server, seen };
}

function recorderStub() {
  const kinds: { endpoint: string; kind: OutcomeKind }[] = [];
  let itemsLost = 0;
  let staleReads = 0;
  const recorder: LoadRecorder = {
    sent() {},
    dropped() {},
    request(endpoint, kind) {
      kinds.push({ endpoint, kind });
    },
    sessionStarted() {},
    sessionLost() {},
    updateLost(_nowMs, items) {
      itemsLost += items;
    },
    readAnomaly() {
      staleReads++;
    },
  };
  return { recorder, kinds, lost: () => itemsLost, staleReads: () => staleReads };
}

describe('engine: concurrent Set-Cookie answers, as a browser applies them', () => {
  let server: http.Server | undefined;
  afterEach(async () => {
    vi.restoreAllMocks();
    await new Promise((r) => server?.close(r));
    server = undefined;
  });

  it.each([
    ['in send order', [0, 1]],
    ['out of send order', [1, 0]],
  ] as const)('two tabs add at once, answered %s: the last answer sets the cookie, the next read lacks the other item, and checkout finds it lost', async (_, order) => {
    const shop = cookieShop([...order]);
    server = shop.server;
    await new Promise<void>((r) => shop.server.listen(0, '127.0.0.1', r));
    const replica: Replica = { name: 'replica-1', url: `http://127.0.0.1:${(shop.server.address() as AddressInfo).port}`, pid: undefined, state: 'up' };
    const router: Router = { sticky: false, pick: () => replica, reportFailure() {}, isUp: () => true, close() {} };
    const { recorder, kinds, lost, staleReads } = recorderStub();

    // Two adds, then reads until a read has lacked an item, then one more add and checkout.
    let calls = 0;
    vi.spyOn(Math, 'random').mockImplementation(() => (calls++ < 2 || staleReads() > 0 ? 0.99 : 0));
    const engine = new Engine({
      router,
      recorder,
      mix: { adds: 3, readRatio: 0.5, payloadBytes: 1, thinkTimeMs: 0 },
      users: 1,
      parallelPerSession: 2,
      timeoutMs: 2000,
    });
    engine.windowStartMs = 0;
    const vu = engine.users[0];
    await new Promise<void>((resolve) => {
      engine.onUserFree = (u) => {
        if (u.phase === 'logout') return resolve(); // checkout answered: the session is judged
        while (u.canIssue()) engine.issue(u, performance.now());
      };
      engine.onUserFree(vu, 'ok');
    });
    await engine.destroy();

    const adds = kinds.filter((k) => k.endpoint === 'add');
    expect(adds.map((k) => k.kind)).toEqual(['ok', 'ok', 'ok']);
    // The item answered first was acknowledged, then dropped by the later Set-Cookie: the read
    // lacks it (stale so far), and the checkout, never seeing it again, counts it lost.
    // (Both tabs may read before the switch to adds: each read that lacks it is stale.)
    expect(kinds.filter((k) => k.endpoint === 'read' && k.kind === 'stale-read').length).toBeGreaterThanOrEqual(1);
    expect(lost()).toBe(1);
    expect(kinds.find((k) => k.endpoint === 'checkout')?.kind).toBe('update-lost');
    expect(shop.seen.checkoutSkus).toEqual([shop.seen.answeredLast, expect.stringMatching(/-2$/)]);
  });
});
