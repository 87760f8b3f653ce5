import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LatencyProxy } from '../../src/topology/latency-proxy.js';

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** An echo server on port 0 (its sockets kept, so a test can close them), and a proxy in front. */
async function echoBehindProxy(): Promise<{ proxy: LatencyProxy; proxyPort: number; serverSockets: net.Socket[] }> {
  const serverSockets: net.Socket[] = [];
  const echo = net.createServer((s) => {
    serverSockets.push(s);
    s.setNoDelay(true);
    s.on('data', (d) => s.write(d));
    s.on('error', () => {});
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => echo.close(() => resolve())));
  closers.push(() => serverSockets.forEach((s) => s.destroy()));
  const proxy = new LatencyProxy({ host: '127.0.0.1', port: (echo.address() as net.AddressInfo).port });
  const proxyPort = await proxy.listen();
  closers.push(() => proxy.close());
  return { proxy, proxyPort, serverSockets };
}

async function connect(port: number): Promise<net.Socket> {
  const s = net.connect(port, '127.0.0.1');
  s.setNoDelay(true);
  s.on('error', () => {});
  await new Promise((resolve) => s.once('connect', resolve));
  closers.push(() => void s.destroy());
  return s;
}

/** Resolves with the echoed bytes once `n` have come back, and when (performance.now() ms). */
function receive(s: net.Socket, n: number): Promise<{ text: string; atMs: number }> {
  return new Promise((resolve) => {
    let text = '';
    const onData = (d: Buffer): void => {
      text += d.toString();
      if (text.length >= n) {
        s.off('data', onData);
        resolve({ text, atMs: performance.now() });
      }
    };
    s.on('data', onData);
  });
}

describe('proxy toxics (the network faults between replicas and store)', () => {
  it('partition: nothing passes while it holds, and what was sent arrives in order when it heals', async () => {
    const { proxy, proxyPort } = await echoBehindProxy();
    const s = await connect(proxyPort);
    proxy.setToxic({ kind: 'partition' }, true);
    const answer = receive(s, 6);
    s.write('abc');
    s.write('def');
    const healedAtMs = await new Promise<number>((resolve) =>
      setTimeout(() => {
        const at = performance.now();
        proxy.setToxic({ kind: 'partition' }, false);
        resolve(at);
      }, 300),
    );
    const { text, atMs } = await answer;
    expect(text).toBe('abcdef');
    expect(atMs).toBeGreaterThanOrEqual(healedAtMs); // held for the whole partition
    // A connection opened during a partition hangs too, and works once healed.
    proxy.setToxic({ kind: 'partition' }, true);
    const late = await connect(proxyPort);
    const lateAnswer = receive(late, 1);
    late.write('x');
    const raced = await Promise.race([lateAnswer.then(() => 'answered'), new Promise((r) => setTimeout(() => r('held'), 200))]);
    expect(raced).toBe('held');
    proxy.setToxic({ kind: 'partition' }, false);
    expect((await lateAnswer).text).toBe('x');
  });

  it('reset: open connections get ECONNRESET, new ones too while it lasts, then connections work', async () => {
    const { proxy, proxyPort } = await echoBehindProxy();
    const s = await connect(proxyPort);
    const reset = new Promise<string>((resolve) => s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? '')));
    proxy.setToxic({ kind: 'reset' }, true);
    expect(await reset).toBe('ECONNRESET');
    const again = net.connect(proxyPort, '127.0.0.1');
    closers.push(() => void again.destroy());
    const refusedNew = await new Promise<string>((resolve) => {
      again.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? ''));
      again.once('close', () => resolve('closed'));
    });
    expect(['ECONNRESET', 'closed']).toContain(refusedNew);
    proxy.setToxic({ kind: 'reset' }, false);
    const fresh = await connect(proxyPort);
    const answer = receive(fresh, 2);
    fresh.write('ok');
    expect((await answer).text).toBe('ok');
  });

  it('bandwidth: a transfer takes its size ÷ the rate', async () => {
    const { proxy, proxyPort } = await echoBehindProxy();
    const s = await connect(proxyPort);
    // 64 KiB each way at 256 KiB/s: at least 0.25 s to get there (and as long back, overlapping).
    proxy.setToxic({ kind: 'bandwidth', bytesPerSecond: 256 * 1024 }, true);
    const size = 64 * 1024;
    const started = performance.now();
    const answer = receive(s, size);
    s.write(Buffer.alloc(size, 120));
    const { text, atMs } = await answer;
    expect(text.length).toBe(size);
    expect(atMs - started).toBeGreaterThanOrEqual(240);
    proxy.setToxic({ kind: 'bandwidth', bytesPerSecond: 0 }, false);
    const t = performance.now();
    const quick = receive(s, 3);
    s.write('abc');
    await quick;
    expect(performance.now() - t).toBeLessThan(200); // lifted (generous: a busy machine)
  });

  it('slow-close: a connection the store side closes stays open on the client side for the delay', async () => {
    const { proxy, proxyPort, serverSockets } = await echoBehindProxy();
    proxy.setToxic({ kind: 'slow-close', delayMs: 400 }, true);
    const s = await connect(proxyPort);
    const echoed = receive(s, 1);
    s.write('x');
    await echoed;
    const closedAt = new Promise<number>((resolve) => s.once('close', () => resolve(performance.now())));
    const killedAt = performance.now();
    for (const ss of serverSockets) ss.destroy(); // the store goes away
    // Meanwhile what the client sends goes nowhere: no answer, no error.
    s.write('lost');
    expect((await closedAt) - killedAt).toBeGreaterThanOrEqual(380);
    // Without the toxic the close is passed on at once.
    proxy.setToxic({ kind: 'slow-close', delayMs: 0 }, false);
    const s2 = await connect(proxyPort);
    const echoed2 = receive(s2, 1);
    s2.write('y');
    await echoed2;
    const closed2 = new Promise<number>((resolve) => s2.once('close', () => resolve(performance.now())));
    const t = performance.now();
    for (const ss of serverSockets) ss.destroy();
    expect((await closed2) - t).toBeLessThan(200);
  });
});
