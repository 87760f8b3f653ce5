import { request } from 'undici';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Parsed body when JSON, else undefined. */
  json: any;
  /** The `sid` value from Set-Cookie, when the response set one. */
  sid: string | undefined;
  replica: string | undefined;
  /** `store;dur=` from Server-Timing, in ms. */
  storeMs: number;
  appMs: number;
}

/** One request, with an optional session token and JSON body. */
export async function call(
  origin: string,
  method: string,
  path: string,
  options: { sid?: string; body?: unknown; rawCookie?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (options.rawCookie !== undefined) headers.cookie = options.rawCookie;
  else if (options.sid !== undefined) headers.cookie = `sid=${options.sid}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const res = await request(origin + path, { method: method as 'GET', headers, body, headersTimeout: 10_000 });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const setCookie = res.headers['set-cookie'];
  const cookieLine = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  const sid = cookieLine !== undefined ? /^sid=([^;]*)/.exec(cookieLine)?.[1] : undefined;
  const timing = String(res.headers['server-timing'] ?? '');
  return {
    status: res.statusCode,
    headers: res.headers,
    text,
    json,
    sid,
    replica: res.headers['x-replica'] as string | undefined,
    storeMs: Number(/store;dur=([\d.]+)/.exec(timing)?.[1] ?? NaN),
    appMs: Number(/app;dur=([\d.]+)/.exec(timing)?.[1] ?? NaN),
  };
}

/** Logs in at `origin` and returns the session token. */
export async function login(origin: string): Promise<string> {
  const r = await call(origin, 'POST', '/login');
  if (r.status !== 200 || r.sid === undefined) throw new Error(`login failed: ${r.status} ${r.text}`);
  return r.sid;
}
