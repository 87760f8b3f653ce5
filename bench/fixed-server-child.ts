import http from 'node:http';

/**
 * Fallback fixed target for bench/generator when HAProxy is missing: `200 ok` to everything,
 * keep-alive. Binds 127.0.0.1 on a free port and reports it over IPC; exits with its parent.
 */
const body = Buffer.from('ok');
const server = http.createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as { port: number }).port });
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
