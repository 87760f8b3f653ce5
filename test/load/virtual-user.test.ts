import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../src/load/outcome.js';
import { VirtualUser } from '../../src/load/virtual-user.js';
import type { SessionMix } from '../../src/scenario/types.js';
import type { Replica } from '../../src/topology/types.js';

const replica: Replica = { name: 'replica-1', url: 'http://127.0.0.1:1', pid: undefined, state: 'up' };

function mix(over: Partial<SessionMix> = {}): SessionMix {
  return { adds: 8, readRatio: 0.5, payloadBytes: 16, thinkTimeMs: 0, ...over };
}

interface Issued {
  endpoint: Endpoint;
  /** Requests of this user already in flight when it was issued. */
  concurrent: Endpoint[];
}

/**
 * Runs one user through `sessions` whole sessions, answering every request with success the way
 * the engine interprets answers (engine.ts: login → loggedIn, checkout → logout phase, logout →
 * startOver). `pickDone` chooses which in-flight request completes next, so tabs finish out of order.
 */
function drive(vu: VirtualUser, sessions: number, pickDone: (inFlight: number) => number): Issued[][] {
  const plans: Issued[][] = [];
  let current: Issued[] = [];
  const inFlight: Endpoint[] = [];
  while (plans.length < sessions) {
    while (vu.canIssue()) {
      const endpoint = vu.next();
      current.push({ endpoint, concurrent: [...inFlight] });
      inFlight.push(endpoint);
      vu.inFlight++;
    }
    expect(inFlight.length).toBeGreaterThan(0); // a user that can send nothing and waits on nothing is stuck
    const [done] = inFlight.splice(pickDone(inFlight.length), 1);
    vu.inFlight--;
    if (done === 'login') vu.loggedIn(`token-${plans.length}`, replica);
    else if (done === 'checkout') vu.phase = 'logout';
    else if (done === 'logout') {
      vu.startOver();
      plans.push(current);
      current = [];
    }
  }
  return plans;
}

describe('virtual user plan', () => {
  it('one tab: login, adds mixed with reads, checkout, logout, then a fresh session', () => {
    const vu = new VirtualUser(0, mix(), 1);
    const plans = drive(vu, 200, () => 0);
    let reads = 0;
    let cartOps = 0;
    for (const plan of plans) {
      const endpoints = plan.map((p) => p.endpoint);
      expect(endpoints[0]).toBe('login');
      expect(endpoints.slice(-2)).toEqual(['checkout', 'logout']);
      const cart = endpoints.slice(1, -2);
      expect(cart.every((e) => e === 'add' || e === 'read')).toBe(true);
      expect(cart.filter((e) => e === 'add')).toHaveLength(8);
      expect(plan.every((p) => p.concurrent.length === 0)).toBe(true);
      reads += cart.filter((e) => e === 'read').length;
      cartOps += cart.length;
    }
    // Each cart operation is a read with probability readRatio: 200 sessions × ~16 ops puts the
    // observed share within a few standard deviations (~0.01) of 0.5.
    expect(reads / cartOps).toBeGreaterThan(0.45);
    expect(reads / cartOps).toBeLessThan(0.55);
  });

  it('readRatio 0: exactly `adds` adds and no read', () => {
    const plans = drive(new VirtualUser(0, mix({ adds: 3, readRatio: 0 }), 1), 5, () => 0);
    for (const plan of plans) expect(plan.map((p) => p.endpoint)).toEqual(['login', 'add', 'add', 'add', 'checkout', 'logout']);
  });

  it('several tabs: only cart operations overlap, up to parallelPerSession, and the session stays whole', () => {
    const parallel = 3;
    const vu = new VirtualUser(7, mix({ adds: 10, readRatio: 0.3 }), parallel);
    // Complete a random in-flight request each time, so tabs finish in any order.
    const plans = drive(vu, 100, (n) => Math.floor(Math.random() * n));
    let overlapped = 0;
    let maxConcurrent = 0;
    for (const plan of plans) {
      expect(plan[0].endpoint).toBe('login');
      expect(plan.map((p) => p.endpoint).slice(-2)).toEqual(['checkout', 'logout']);
      expect(plan.filter((p) => p.endpoint === 'add')).toHaveLength(10);
      for (const p of plan) {
        maxConcurrent = Math.max(maxConcurrent, p.concurrent.length + 1);
        if (p.endpoint === 'login' || p.endpoint === 'checkout' || p.endpoint === 'logout') {
          // Waits until the session is quiet, and nothing joins it (checked by the next request's view).
          expect(p.concurrent).toEqual([]);
        } else {
          expect(p.concurrent.every((e) => e === 'add' || e === 'read')).toBe(true);
          if (p.concurrent.length > 0) overlapped++;
        }
      }
    }
    expect(maxConcurrent).toBe(parallel);
    expect(overlapped).toBeGreaterThan(100 * 5);
  });

  it('a lost session starts over: next request is a login, adds count from zero, SKUs never repeat', () => {
    const vu = new VirtualUser(3, mix({ adds: 4, readRatio: 0 }), 1);
    expect(vu.next()).toBe('login');
    vu.loggedIn('a', replica);
    const generation = vu.generation;
    expect(vu.next()).toBe('add');
    const first = vu.nextSku();
    expect(vu.next()).toBe('add');
    vu.startOver(); // a 401: the session is gone
    expect(vu.generation).toBeGreaterThan(generation);
    expect(vu.token).toBeUndefined();
    expect(vu.canIssue()).toBe(true);
    expect(vu.next()).toBe('login');
    vu.loggedIn('b', replica);
    const adds: Endpoint[] = [];
    while (vu.phase === 'cart') adds.push(vu.next());
    expect(adds).toEqual(['add', 'add', 'add', 'add', 'checkout']);
    expect(vu.nextSku()).not.toBe(first);
  });
});
