import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createRouter } from '../../src/topology/router.js';
import type { Replica, Router, Topology } from '../../src/topology/types.js';
import { waitFor } from '../helpers/processes.js';

/** Just enough of a Topology for the router: a replica list and its events. */
function fakeTopology(replicas: Replica[]): Topology {
  const t = new EventEmitter() as unknown as Topology & { replicas: Replica[] };
  t.replicas = replicas;
  return t;
}

const replica = (name: string, url = 'http://127.0.0.1:1'): Replica => ({ name, url, pid: 1, state: 'up' });

describe('router', () => {
  const closers: (() => void)[] = [];
  afterEach(() => {
    for (const c of closers.splice(0)) c();
  });
  const track = (r: Router): Router => {
    closers.push(() => r.close());
    return r;
  };

  it('round robins over replicas believed up, skipping one reported down', () => {
    const [a, b, c] = [replica('a'), replica('b'), replica('c')];
    const r = track(createRouter(fakeTopology([a, b, c]), { sticky: false, healthIntervalMs: 60_000 }));
    expect([r.pick(), r.pick(), r.pick(), r.pick()].map((x) => x?.name)).toEqual(['a', 'b', 'c', 'a']);
    r.reportFailure(b);
    expect(r.isUp(b)).toBe(false);
    expect([r.pick(), r.pick(), r.pick()].map((x) => x?.name)).toEqual(['c', 'a', 'c']);
    // Non-sticky routers ignore the pin.
    expect(r.pick(a)?.name).toBe('a');
    expect(r.pick(a)?.name).toBe('c');
  });

  it('sticky: returns the pinned replica while it is up, otherwise another one', () => {
    const [a, b] = [replica('a'), replica('b')];
    const r = track(createRouter(fakeTopology([a, b]), { sticky: true, healthIntervalMs: 60_000 }));
    expect([r.pick(b), r.pick(b), r.pick(b)].map((x) => x?.name)).toEqual(['b', 'b', 'b']);
    r.reportFailure(b);
    expect([r.pick(b), r.pick(b)].map((x) => x?.name)).toEqual(['a', 'a']);
    r.reportFailure(a);
    expect(r.pick(b)).toBeUndefined();
    expect(r.pick()).toBeUndefined();
  });

  it('marks a reported replica up again once its /healthz answers', async () => {
    let healthy = false;
    const server = http.createServer((req, res) => {
      res.writeHead(healthy ? 200 : 503).end(healthy ? 'ok' : 'no');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => server.close());
    const a = replica('a', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const r = track(createRouter(fakeTopology([a]), { sticky: false, healthIntervalMs: 10 }));
    r.reportFailure(a);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(r.isUp(a)).toBe(false);
    healthy = true;
    expect(await waitFor(() => r.isUp(a), 2000, 5)).toBe(true);
    expect(r.pick()).toBe(a);
  });

  it('learns added replicas and forgets removed ones from topology events', () => {
    const [a, b, c] = [replica('a'), replica('b'), replica('c')];
    const t = fakeTopology([a, b]);
    const r = track(createRouter(t, { sticky: true, healthIntervalMs: 60_000 }));
    t.emit('replica-added', c);
    expect([r.pick(), r.pick(), r.pick()].map((x) => x?.name)).toEqual(['a', 'b', 'c']);
    t.emit('replica-removed', b);
    expect(r.isUp(b)).toBe(false);
    expect(r.pick(b)).not.toBe(b);
    expect(new Set([r.pick(), r.pick(), r.pick(), r.pick()].map((x) => x?.name))).toEqual(new Set(['a', 'c']));
    r.close();
    t.emit('replica-added', b);
    expect(new Set([r.pick(), r.pick(), r.pick()].map((x) => x?.name))).toEqual(new Set(['a', 'c']));
  });

  it('does not learn about kills from topology state events, only from reported failures', () => {
    const a = replica('a');
    const t = fakeTopology([a]);
    const r = track(createRouter(t, { sticky: false, healthIntervalMs: 60_000 }));
    a.state = 'killed';
    t.emit('replica-state', a);
    expect(r.pick()).toBe(a);
  });
});
