import { InvalidInputError, type InputProblem } from '../errors.js';

/**
 * The haproxy.cfg statebench writes for its own HAProxy in front of the replicas. A pure
 * function of the settings, so the text can be snapshot-tested and `haproxy -c` can check it.
 */

/** `sticky`: a session stays on the server that created it; `round-robin`: any server, in turn. */
export type BalancingMode = 'sticky' | 'round-robin';

/**
 * How a sticky balancer remembers a session's server.
 *
 * `stick-table` (the default): a table in HAProxy's memory maps the application's own `sid`
 * cookie to the server that set it (`stick store-response res.cook(sid)`, `stick match
 * req.cook(sid)`). Chosen as the default because (1) any client that carries the shop's session
 * cookie is pinned, with no second cookie to keep: statebench's engine sends only `sid`, and so
 * does `curl -b sid=…`; (2) the pin is the session itself, so a user who logs in again after a
 * lost session is pinned afresh by the new `sid`; (3) HAProxy 2.6 refuses `cookie` on servers
 * added at run time (`add server … cookie` → "'cookie' option is not accepted for dynamic
 * server"), and a dynamic server without a cookie value is never pinned, while a stick table
 * pins any server. Its cost, which a run should show: the pins live only in this HAProxy, so a
 * `balancer-kill` + restart forgets every pin and sticky sessions scatter.
 *
 * `cookie`: `cookie sid prefix nocache`: HAProxy prefixes the application's own session cookie
 * with the server's name on the way out (`sid=replica-1~…`) and strips it on the way in, so any
 * client that keeps `sid` is pinned (statebench's engine, curl, k6) and the pin survives a
 * balancer restart: the client carries it. Servers added at run time must come from
 * pre-declared slots (HAProxy 2.6 refuses `cookie` on a dynamic server).
 */
export type Stickiness = 'stick-table' | 'cookie';

/** What a scenario may set about the HAProxy in front (`haproxy:`); the rest stays as statebench writes it. */
export interface HaproxySettings {
  stickiness?: Stickiness;
  health?: Partial<Pick<HealthCheckSettings, 'intervalMs' | 'timeoutMs' | 'rise' | 'fall'>>;
}

/** An operator's setting for a server (`set server … state`): `drain` takes no new sessions. */
export type ServerAdminState = 'ready' | 'drain' | 'maint';

export interface BalancerServer {
  /** HAProxy server name: letters, digits, `-_.:` (statebench uses the replica name). */
  name: string;
  /** IPv4 or IPv6 literal: no DNS, so a restart cannot hang on a resolver. */
  host: string;
  port: number;
  /** `maint` is written as `disabled`; `drain` cannot be written in a config and is applied at run time. */
  state?: ServerAdminState;
}

export interface HealthCheckSettings {
  /** Between two `GET /healthz` of one server (`inter`). */
  intervalMs: number;
  /** Consecutive passing checks before a down server takes traffic again. */
  rise: number;
  /** Consecutive failing checks before an up server is taken out. */
  fall: number;
  /** A check slower than this fails (`timeout check`): a paused replica never answers. */
  timeoutMs: number;
  /**
   * Passive checking, as the in-process router does: after this many consecutive connection
   * errors on live traffic the server is marked down at once (`observe layer4 error-limit N
   * on-error mark-down`), instead of after `fall` checks. 0 turns it off.
   */
  errorLimit: number;
}

export interface BalancerTimeouts {
  connectMs: number;
  /** Client inactivity while a request or response is under way. */
  clientMs: number;
  /** Server inactivity; a paused replica holds a request this long before a 504. */
  serverMs: number;
  /** A client's whole request headers must arrive within this. */
  httpRequestMs: number;
  /** An idle keep-alive client connection is closed after this. */
  keepAliveMs: number;
  /** A request waiting for a server slot (maxconn) gives up after this (503). */
  queueMs: number;
}

export interface HaproxyConfigOptions {
  /** The frontend binds `127.0.0.1:<port>`, nothing else. */
  port: number;
  servers: readonly BalancerServer[];
  mode: BalancingMode;
  /** Sticky mode only. Default `stick-table` (see {@link Stickiness} for why). */
  stickiness?: Stickiness;
  /** The application's session cookie, the stick table's key. Default `sid`. */
  sessionCookie?: string;
  /** Stick-table sizing: entries, and how long an unused pin is kept (the session TTL). */
  stickTable?: { size: number; expireS: number };
  health?: Partial<HealthCheckSettings>;
  timeouts?: Partial<BalancerTimeouts>;
  /** The runtime API (`stats socket … level admin`): a unix socket path (max 107 bytes). */
  socketPath: string;
  /** Concurrent client connections, for the process and the frontend. */
  maxconn?: number;
  /**
   * Worker threads. Default 1: on a small shared machine more threads compete with the replicas
   * they serve, and one thread carries tens of thousands of requests per second.
   */
  threads?: number;
  /** Connection attempts after the first fails; each one goes to another server (redispatch). */
  retries?: number;
}

export const BACKEND_NAME = 'replicas';
export const FRONTEND_NAME = 'shop';
/** What separates the server's name from the session in `cookie` stickiness (HAProxy's own). */
export const COOKIE_PREFIX_SEPARATOR = '~';

/**
 * Defaults an operator would write for a balancer in front of a few app servers on one LAN:
 * checks every second, down after 3 failures, up after 2 passes. A killed server is out within
 * one request (passive checking: its refused connection), a hung one within about 4 s. A check
 * may take a second: with 500 ms and 2 failures, a busy 2-core machine catching up after the
 * warm-up timed out checks of healthy replicas, and HAProxy took them out, losing every sticky
 * session pinned to them with no fault scheduled (151 of 300 in one run).
 */
export const DEFAULT_HEALTH: HealthCheckSettings = { intervalMs: 1000, rise: 2, fall: 3, timeoutMs: 1000, errorLimit: 1 };
export const DEFAULT_TIMEOUTS: BalancerTimeouts = {
  connectMs: 1000,
  clientMs: 30_000,
  serverMs: 30_000,
  httpRequestMs: 10_000,
  keepAliveMs: 30_000,
  queueMs: 5000,
};
export const DEFAULT_MAXCONN = 4096;
export const DEFAULT_RETRIES = 2;
export const DEFAULT_STICK_TABLE = { size: 200_000, expireS: 1800 };

const NAME_RE = /^[A-Za-z0-9_.:-]+$/;
const IPV4_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
/** Longest stick-table key: longer `sid` values are truncated (still unique for random tokens). */
const STICK_KEY_LEN = 64;
/** sun_path is 108 bytes on Linux, including the final NUL. */
const MAX_SOCKET_PATH_BYTES = 107;

/** Every problem in the settings at once (field paths relative to `balancer`). */
export function haproxyConfigProblems(o: HaproxyConfigOptions): InputProblem[] {
  const problems: InputProblem[] = [];
  const bad = (path: string, message: string): void => void problems.push({ file: 'balancer', path, message });
  if (!isPort(o.port)) bad('port', 'must be an integer from 1 to 65535');
  if (o.mode !== 'sticky' && o.mode !== 'round-robin') bad('mode', 'must be sticky or round-robin');
  if (o.stickiness !== undefined && o.stickiness !== 'stick-table' && o.stickiness !== 'cookie') {
    bad('stickiness', 'must be stick-table or cookie');
  }
  if (o.sessionCookie !== undefined && !/^[A-Za-z0-9_-]+$/.test(o.sessionCookie)) bad('sessionCookie', 'must be a cookie name');
  const names = new Set<string>();
  o.servers.forEach((s, i) => {
    if (!NAME_RE.test(s.name)) bad(`servers[${i}].name`, 'must be letters, digits and -_.: only');
    else if (names.has(s.name)) bad(`servers[${i}].name`, `duplicate server name ${s.name}`);
    names.add(s.name);
    if (!isIpLiteral(s.host)) bad(`servers[${i}].host`, 'must be an IP address (no DNS names)');
    if (!isPort(s.port)) bad(`servers[${i}].port`, 'must be an integer from 1 to 65535');
    if (s.state !== undefined && !['ready', 'drain', 'maint'].includes(s.state)) bad(`servers[${i}].state`, 'must be ready, drain or maint');
  });
  const h = { ...DEFAULT_HEALTH, ...o.health };
  if (!isPositiveInt(h.intervalMs)) bad('health.intervalMs', 'must be a positive integer');
  if (!isPositiveInt(h.timeoutMs)) bad('health.timeoutMs', 'must be a positive integer');
  if (!isPositiveInt(h.rise)) bad('health.rise', 'must be a positive integer');
  if (!isPositiveInt(h.fall)) bad('health.fall', 'must be a positive integer');
  if (!Number.isInteger(h.errorLimit) || h.errorLimit < 0) bad('health.errorLimit', 'must be an integer of at least 0');
  for (const [key, value] of Object.entries({ ...DEFAULT_TIMEOUTS, ...o.timeouts })) {
    if (!isPositiveInt(value)) bad(`timeouts.${key}`, 'must be a positive integer');
  }
  if (o.maxconn !== undefined && !isPositiveInt(o.maxconn)) bad('maxconn', 'must be a positive integer');
  if (o.threads !== undefined && !(isPositiveInt(o.threads) && o.threads <= 64)) bad('threads', 'must be an integer from 1 to 64');
  if (o.retries !== undefined && !(Number.isInteger(o.retries) && o.retries >= 0)) bad('retries', 'must be an integer of at least 0');
  if (o.stickTable !== undefined) {
    if (!isPositiveInt(o.stickTable.size)) bad('stickTable.size', 'must be a positive integer');
    if (!isPositiveInt(o.stickTable.expireS)) bad('stickTable.expireS', 'must be a positive integer');
  }
  if (Buffer.byteLength(o.socketPath) > MAX_SOCKET_PATH_BYTES) bad('socketPath', `must be at most ${MAX_SOCKET_PATH_BYTES} bytes`);
  if (/\s/.test(o.socketPath)) bad('socketPath', 'must not contain spaces');
  return problems;
}

/**
 * The keywords of one `server` line after its address; the same list goes to the runtime API's
 * `add server`, which takes nothing from `default-server` (so the config does not use one either).
 */
export function serverKeywords(o: Pick<HaproxyConfigOptions, 'mode' | 'stickiness' | 'health'>, server: Pick<BalancerServer, 'name'>): string[] {
  const h = { ...DEFAULT_HEALTH, ...o.health };
  const words = ['check', 'inter', `${h.intervalMs}ms`, 'rise', String(h.rise), 'fall', String(h.fall)];
  if (h.errorLimit > 0) words.push('observe', 'layer4', 'error-limit', String(h.errorLimit), 'on-error', 'mark-down');
  if (o.mode === 'sticky' && o.stickiness === 'cookie') words.push('cookie', server.name);
  return words;
}

/** `host:port`, with IPv6 hosts bracketed as HAProxy expects. */
export function serverAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The haproxy.cfg text; throws {@link InvalidInputError} listing every problem. */
export function haproxyConfig(o: HaproxyConfigOptions): string {
  const problems = haproxyConfigProblems(o);
  if (problems.length > 0) throw new InvalidInputError(problems);
  const h = { ...DEFAULT_HEALTH, ...o.health };
  const t = { ...DEFAULT_TIMEOUTS, ...o.timeouts };
  const maxconn = o.maxconn ?? DEFAULT_MAXCONN;
  const stickiness = o.stickiness ?? 'stick-table';
  const cookieName = o.sessionCookie ?? 'sid';
  const table = o.stickTable ?? DEFAULT_STICK_TABLE;
  const lines: string[] = [
    '# Written by statebench for one balancer process; rewritten on every start.',
    'global',
    `  nbthread ${o.threads ?? 1}`,
    `  maxconn ${maxconn}`,
    // The runtime API: drains, states, servers added and removed, counters.
    `  stats socket ${o.socketPath} mode 600 level admin`,
    '  stats timeout 10s',
    '',
    'defaults',
    '  mode http',
    // No `log`: nothing is written per request; startup problems go to stderr, which statebench reads.
    `  timeout connect ${t.connectMs}ms`,
    `  timeout client ${t.clientMs}ms`,
    `  timeout server ${t.serverMs}ms`,
    `  timeout http-request ${t.httpRequestMs}ms`,
    `  timeout http-keep-alive ${t.keepAliveMs}ms`,
    `  timeout queue ${t.queueMs}ms`,
    `  timeout check ${h.timeoutMs}ms`,
    '',
    `frontend ${FRONTEND_NAME}`,
    `  bind 127.0.0.1:${o.port}`,
    `  maxconn ${maxconn}`,
    `  default_backend ${BACKEND_NAME}`,
    '',
    `backend ${BACKEND_NAME}`,
    // Sticky mode too: round robin places a session's first request (its login).
    '  balance roundrobin',
    '  option httpchk GET /healthz',
    '  http-check expect status 200',
    // Keep-alive to the servers, sharing idle connections between clients (HAProxy's safe
    // default, written down): a request never pays a new TCP connection to a replica.
    '  http-reuse safe',
    // A refused connection is retried at once on another server: `redispatch 1` moves every
    // retry (without it the retries stay on the dead server, a second apart). For sticky
    // sessions this is what moves a session whose server died to one that does not know it.
    `  retries ${o.retries ?? DEFAULT_RETRIES}`,
    '  option redispatch 1',
  ];
  if (o.mode === 'sticky' && stickiness === 'stick-table') {
    lines.push(
      `  stick-table type string len ${STICK_KEY_LEN} size ${table.size} expire ${table.expireS}s`,
      // Pin on the cookie the server sets at login; a logout's empty cookie pins nothing.
      `  stick store-response res.cook(${cookieName}) if { res.cook(${cookieName}) -m len gt 0 }`,
      `  stick match req.cook(${cookieName})`,
    );
  } else if (o.mode === 'sticky') {
    lines.push(`  cookie ${cookieName} prefix nocache`);
  }
  for (const s of o.servers) {
    const words = ['server', s.name, serverAddress(s.host, s.port), ...serverKeywords(o, s)];
    if (s.state === 'maint') words.push('disabled');
    lines.push(`  ${words.join(' ')}`);
  }
  lines.push('');
  return lines.join('\n');
}

function isPort(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 65535;
}

function isPositiveInt(n: number): boolean {
  return Number.isInteger(n) && n > 0;
}

function isIpLiteral(host: string): boolean {
  const m = IPV4_RE.exec(host);
  if (m !== null) return m.slice(1).every((p) => Number(p) <= 255);
  return /^[0-9a-fA-F:]+$/.test(host) && host.includes(':');
}
