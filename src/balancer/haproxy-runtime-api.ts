import net from 'node:net';
import { BalancerCommandError } from './balancer-errors.js';
import type { ServerAdminState } from './haproxy-config.js';

/**
 * HAProxy's runtime API over its unix stats socket (`stats socket … level admin`): one
 * connection per command line, in non-interactive mode (HAProxy answers, then closes), as
 * `echo "show stat" | socat stdio unix-connect:…` does.
 */

/** A command that does not answer within this is treated as failed: the process is gone or stopped. */
export const COMMAND_TIMEOUT_MS = 2000;

/** Sends one command line (several commands may be joined with `;`) and resolves with the whole reply. */
export function runtimeCommand(socketPath: string, command: string, timeoutMs = COMMAND_TIMEOUT_MS): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ path: socketPath });
    const chunks: Buffer[] = [];
    let settled = false;
    const fail = (reason: string): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      reject(new BalancerCommandError(command, reason));
    };
    socket.setTimeout(timeoutMs, () => fail(`no answer within ${timeoutMs} ms`));
    socket.on('connect', () => socket.end(`${command}\n`));
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message));
    socket.on('close', () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

/** What `show stat` says about one server, with the figures statebench reads. */
export interface ServerStatus {
  /** HAProxy's server name. */
  name: string;
  /** `127.0.0.1:41234` */
  address: string;
  /** The raw status: `UP`, `DOWN`, `MAINT`, `DRAIN`, `UP 1/2` (going down), `DOWN 1/2` (going up)… */
  status: string;
  /** The operator's setting. */
  admin: ServerAdminState;
  /** What the health checks say; `unknown` in maintenance, where checks stop. */
  health: 'up' | 'down' | 'unknown';
  /** Requests (streams) on this server now (`scur`): what a drain waits to reach 0. */
  currentSessions: number;
  /** Sessions sent to this server since start (`stot`). */
  totalSessions: number;
  /** Last health check result, e.g. `L7OK`, `L4CON` (refused), `L4TOUT`. */
  checkStatus: string;
}

/** Rows of a `show stat` CSV reply, keyed by its header (`# pxname,svname,…`). */
export function parseStatCsv(text: string): Record<string, string>[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const headerLine = lines.find((l) => l.startsWith('# '));
  if (headerLine === undefined) return [];
  const header = headerLine.slice(2).split(',');
  return lines
    .filter((l) => !l.startsWith('#'))
    .map((l) => {
      const cells = l.split(',');
      const row: Record<string, string> = {};
      header.forEach((h, i) => {
        if (h !== '' && h !== '-') row[h] = cells[i] ?? '';
      });
      return row;
    });
}

/** The servers of `backend` in a `show stat` reply, in the backend's order. */
export function parseServerStats(text: string, backend: string): ServerStatus[] {
  return parseStatCsv(text)
    .filter((r) => r.pxname === backend && r.svname !== 'BACKEND' && r.svname !== 'FRONTEND')
    .map((r) => {
      const status = r.status ?? '';
      const admin: ServerAdminState = status.startsWith('MAINT') ? 'maint' : status.startsWith('DRAIN') ? 'drain' : 'ready';
      const health =
        admin === 'maint' ? 'unknown'
        : status.startsWith('DOWN') ? 'down'
        : 'up';
      return {
        name: r.svname,
        address: r.addr ?? '',
        status,
        admin,
        health,
        currentSessions: Number(r.scur) || 0,
        totalSessions: Number(r.stot) || 0,
        checkStatus: r.check_status ?? '',
      };
    });
}

/** Requests the frontend has received since start (`req_tot`): the balancer's CPU per request divides by it. */
export function parseFrontendRequests(text: string, frontend: string): number | undefined {
  const row = parseStatCsv(text).find((r) => r.pxname === frontend && r.svname === 'FRONTEND');
  return row === undefined ? undefined : Number(row.req_tot) || 0;
}
