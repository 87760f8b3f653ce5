import net from 'node:net';

/**
 * A TCP port on 127.0.0.1 that was free a moment ago. Only for processes that cannot report the
 * port they bound themselves (redis-server); callers retry on `EADDRINUSE`, since another
 * process may take it in between.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
