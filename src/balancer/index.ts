import { HaproxyProcess } from './haproxy-process.js';

/**
 * What routes requests to replicas: `router`, the in-process router of the load engine (no
 * network hop competes for the cores), or `haproxy`, a real HAProxy statebench starts in front
 * (the production balancer's exact behaviour, and one URL other tools can aim at).
 */
export const BALANCER_KINDS = ['router', 'haproxy'] as const;
export type BalancerKind = (typeof BALANCER_KINDS)[number];

/** Why this balancer cannot run here, or undefined. */
export function balancerUnavailable(kind: BalancerKind): string | undefined {
  if (kind === 'router') return undefined;
  return HaproxyProcess.available() === undefined ? 'haproxy is not on the PATH (install the haproxy package)' : undefined;
}

/** The label of an architecture run behind a balancer, when a run compares balancers: `redis+haproxy`. */
export function variantLabel(architecture: string, kind: BalancerKind, compared: boolean): string {
  return kind === 'router' || !compared ? architecture : `${architecture}+${kind}`;
}

/** The architecture a run label names: `redis+haproxy` → `redis`. */
export function architectureOfLabel(label: string): string {
  const plus = label.indexOf('+');
  return plus < 0 ? label : label.slice(0, plus);
}
