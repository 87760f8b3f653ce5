import { haproxyVersion } from '../../src/balancer/haproxy-version.js';

/** HAProxy tests run whenever haproxy is on the PATH (CI installs it); otherwise they skip, saying why. */
export const HAS_HAPROXY = haproxyVersion() !== undefined;
if (!HAS_HAPROXY) {
  console.warn('haproxy is not on the PATH: balancer tests are skipped (apt-get install haproxy to run them)');
}
