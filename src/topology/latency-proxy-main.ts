/**
 * The latency proxy as its own process (forked by latency-proxy-process.ts), so its timers and
 * copies neither steal the load generator's event loop nor get delayed by it. argv: `--config
 * <json>` with `{ host, port, latencyMs, jitterMs }`. It reports `{ type: 'ready', port }` over
 * IPC, applies `{ type: 'set', latencyMs, jitterMs }` and answers `{ type: 'set', ok }`, puts network
 * faults on and off (`{ type: 'toxic', toxic, on }`, answered `{ type: 'toxic', ok }`), and exits
 * when the IPC channel closes, so it never outlives statebench.
 */
import { LatencyProxy } from './latency-proxy.js';
import type { LatencyProxyMessage, LatencyProxyRequest } from './latency-proxy-process.js';

function send(message: LatencyProxyMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--config');
  const config = JSON.parse(process.argv[i + 1] ?? '{}') as { host: string; port: number; latencyMs: number; jitterMs: number };
  process.on('disconnect', () => process.exit(0));
  const proxy = new LatencyProxy({ host: config.host, port: config.port }, { latencyMs: config.latencyMs, jitterMs: config.jitterMs });
  const port = await proxy.listen(0);
  process.on('message', (m: LatencyProxyRequest) => {
    if (m?.type === 'toxic') {
      try {
        proxy.setToxic(m.toxic, m.on);
        send({ type: 'toxic', ok: true });
      } catch (err) {
        send({ type: 'toxic', ok: false, message: (err as Error).message });
      }
      return;
    }
    if (m?.type !== 'set') return;
    try {
      proxy.setLatency({ latencyMs: m.latencyMs, jitterMs: m.jitterMs });
      send({ type: 'set', ok: true });
    } catch (err) {
      send({ type: 'set', ok: false, message: (err as Error).message });
    }
  });
  send({ type: 'ready', port });
}

main().catch((err: unknown) => {
  send({ type: 'fatal', message: (err as Error)?.message ?? String(err) });
  setTimeout(() => process.exit(1), 200).unref();
});
