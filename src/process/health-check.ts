import http from 'node:http';

/**
 * True when `GET <origin>/healthz` answers 200 within `timeoutMs`. A fresh connection each time
 * (no agent), so a health check never rides on, or holds open, a pooled connection.
 */
export function checkHealth(origin: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${origin}/healthz`, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/** Polls `/healthz` every `intervalMs` until it answers or `deadlineMs` (a Date.now() time) passes. */
export async function waitHealthy(origin: string, deadlineMs: number, intervalMs = 20): Promise<boolean> {
  for (;;) {
    const remainingMs = deadlineMs - Date.now();
    if (remainingMs <= 0) return false;
    if (await checkHealth(origin, Math.min(remainingMs, 500))) return true;
    await sleep(intervalMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
