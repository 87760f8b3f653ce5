import { describe, expect, it } from 'vitest';
import { Exchange } from '../../src/load/exchange.js';

const raw = (...pairs: string[]): Buffer[] => pairs.map((p) => Buffer.from(p));

describe('Exchange header scan', () => {
  it('reads the store duration and the session cookie from raw header bytes', () => {
    const ex = new Exchange({ complete: () => {} }, 0);
    ex.begin(false);
    ex.onHeaders(200, raw('Connection', 'keep-alive', 'Server-Timing', 'store;dur=1.234, app;dur=2.5', 'Set-Cookie', 'sid=abc; Path=/'));
    expect(ex.storeUs).toBe(1234);
    expect(ex.setCookie).toBe('abc');
    ex.begin(false);
    ex.onHeaders(200, raw('server-timing', 'store;dur=0.000, app;dur=0.1'));
    expect(ex.storeUs).toBe(0);
    ex.begin(false);
    ex.onHeaders(200, raw('server-timing', 'app;dur=0.1'));
    expect(ex.storeUs).toBe(-1);
    ex.begin(false);
    ex.onHeaders(200, ['server-timing', 'store;dur=12, app;dur=13']);
    expect(ex.storeUs).toBe(12_000);
  });
});
