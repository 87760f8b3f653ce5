import { spawnSync } from 'node:child_process';

/** What `haproxy -v` says, and what this version's runtime API allows. */
export interface HaproxyVersion {
  /** As printed, e.g. `2.6.12-1+deb12u4`. */
  text: string;
  major: number;
  minor: number;
  /**
   * `add server` / `del server` on the runtime API: 2.4 and later; 2.4 and 2.5 only after
   * `experimental-mode on` (stable since 2.6, haproxy/haproxy#1136).
   */
  dynamicServers: boolean;
  /** Prefix for `add server` / `del server`: `experimental-mode on; ` on 2.4 and 2.5, else empty. */
  dynamicServerPrefix: string;
}

/** Parses the first line of `haproxy -v` (`HAProxy version 2.6.12-1+deb12u4 2026/10/17 - …`). */
export function parseHaproxyVersion(output: string): HaproxyVersion | undefined {
  const m = /version (\d+)\.(\d+)(\S*)/i.exec(output);
  if (m === null) return undefined;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  const atLeast = (ma: number, mi: number): boolean => major > ma || (major === ma && minor >= mi);
  return {
    text: `${m[1]}.${m[2]}${m[3]}`,
    major,
    minor,
    dynamicServers: atLeast(2, 4),
    dynamicServerPrefix: atLeast(2, 6) ? '' : 'experimental-mode on; ',
  };
}

const cache = new Map<string, HaproxyVersion | null>();

/**
 * The installed HAProxy's version, or undefined when `binary` is not on the PATH (checked once
 * per binary). A scenario asking for `balancer: haproxy` is refused before start when this is
 * undefined.
 */
export function haproxyVersion(binary = 'haproxy'): HaproxyVersion | undefined {
  let v = cache.get(binary);
  if (v === undefined) {
    const r = spawnSync(binary, ['-v'], { encoding: 'utf8', timeout: 5000 });
    v = r.error === undefined && r.status === 0 ? (parseHaproxyVersion(r.stdout) ?? null) : null;
    cache.set(binary, v);
  }
  return v ?? undefined;
}
