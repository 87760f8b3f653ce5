/**
 * The part of a multi-host Redis URL after its scheme (`[:password@]host:port,host:port[/rest]`),
 * as the Sentinel and Cluster forms share it: the password (URL-decoded), the hosts, and what
 * follows the first `/`. Hosts that do not parse are returned with port NaN for the caller to refuse.
 */
export function parseHostList(afterScheme: string): { password?: string; hosts: { host: string; port: number }[]; path: string } {
  let rest = afterScheme;
  let password: string | undefined;
  const slashAt = rest.indexOf('/');
  const at = rest.lastIndexOf('@', slashAt < 0 ? rest.length : slashAt);
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    password = decodeURIComponent(userinfo.slice(userinfo.indexOf(':') + 1));
    rest = rest.slice(at + 1);
  }
  const slash = rest.indexOf('/');
  const hosts = (slash < 0 ? rest : rest.slice(0, slash))
    .split(',')
    .filter(Boolean)
    .map((hostPort) => {
      const colon = hostPort.lastIndexOf(':');
      return { host: hostPort.slice(0, colon), port: Number(hostPort.slice(colon + 1)) };
    });
  const path = slash < 0 ? '' : rest.slice(slash + 1);
  return password === undefined ? { hosts, path } : { password, hosts, path };
}
