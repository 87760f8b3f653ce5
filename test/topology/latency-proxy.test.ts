import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LatencyProxy } from '../../src/topology/latency-proxy.js';

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** An echo server on port 0, and a proxy in front of it. */
async function echoBehindProxy(): Promise<{ echoPort: number; proxy: LatencyProxy; proxyPort: number }> {
  const echo = net.createServer((s) => {
    s.setNoDelay(true);
    s.on('data', (d) => s.write(d));
    s.on('error', () => {});
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => echo.close(() => resolve())));
  const echoPort = (echo.address() as net.AddressInfo).port;
  const proxy = new LatencyProxy({ host: '127.0.0.1', port: echoPort });
  const proxyPort = await proxy.listen();
  closers.push(() => proxy.close());
  return { echoPort, proxy, proxyPort };
}

async function connect(port: number): Promise<net.Socket> {
  const s = net.connect(port, '127.0.0.1');
  s.setNoDelay(true);
  await new Promise((resolve) => s.once('connect', resolve));
  closers.push(() => void s.destroy());
  return s;
}

/** Sequential one-byte round trips; returns their median in ms. */
async function medianRoundTripMs(port: number, n: number): Promise<number> {
  const s = await connect(port);
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await new Promise((resolve) => {
      s.once('data', resolve);
      s.write('x');
    });
    ms.push(performance.now() - t);
  }
  s.destroy();
  return ms.sort((a, b) => a - b)[n >> 1];
}

describe('LatencyProxy', () => {
  it('adds the round-trip latency it is set to (half each way), and almost nothing at 0', async () => {
    const { echoPort, proxy, proxyPort } = await echoBehindProxy();
    const direct = await medianRoundTripMs(echoPort, 200);
    const atZero = await medianRoundTripMs(proxyPort, 200);
    // The figure DESIGN.md's proxy claim rests on: one extra loopback hop, tens of microseconds.
    console.log(`latency proxy at 0 ms: +${((atZero - direct) * 1000).toFixed(0)} µs per round trip (median of 200)`);
    expect(atZero - direct).toBeLessThan(0.5);

    proxy.setLatency({ latencyMs: 2, jitterMs: 0 });
    const at2 = await medianRoundTripMs(proxyPort, 50);
    expect(at2 - direct).toBeGreaterThan(1.95);
    expect(at2 - direct).toBeLessThan(3);

    proxy.setLatency({ latencyMs: 0.5, jitterMs: 0 });
    const atHalf = await medianRoundTripMs(proxyPort, 100);
    expect(atHalf - direct).toBeGreaterThan(0.45);
    expect(atHalf - direct).toBeLessThan(1.2);
  });

  it('keeps byte order under jitter larger than the gap between writes', async () => {
    const { proxy, proxyPort } = await echoBehindProxy();
    proxy.setLatency({ latencyMs: 4, jitterMs: 4 });
    const s = await connect(proxyPort);
    let received = '';
    const sent: string[] = [];
    const done = new Promise<void>((resolve) => {
      s.on('data', (d) => {
        received += d.toString();
        if (received.length >= sent.join('').length && sent.length === 200) resolve();
      });
    });
    for (let i = 0; i < 200; i++) {
      const chunk = `${i},`;
      sent.push(chunk);
      s.write(chunk);
      if (i % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await done;
    expect(received).toBe(sent.join(''));
  });

  it('passes a close through: the client sees the end when the server hangs up', async () => {
    const server = net.createServer((s) => s.end('bye'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const proxy = new LatencyProxy({ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port }, { latencyMs: 1, jitterMs: 0 });
    const port = await proxy.listen();
    closers.push(() => proxy.close());
    const s = await connect(port);
    let text = '';
    s.on('data', (d) => (text += d.toString()));
    await new Promise((resolve) => s.once('end', resolve));
    expect(text).toBe('bye');
  });
});
