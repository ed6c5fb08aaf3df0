// Playwright's `use.proxy` for the contract run, from the decision config/proxy.ts takes per target (k6's rules). The
// request fixture has one proxy per context and a `bypass` list of host suffixes, so: no target proxied => no proxy;
// otherwise the proxied targets' proxy, with the direct targets' hosts bypassed. Kept light: the Playwright config
// imports it.
import { ConfigError } from '../../config/index.ts';
import { proxyFor, redactProxy } from '../../config/proxy.ts';
import type { ProxySettings } from '../../config/proxy.ts';

export interface PlaywrightProxy {
  server: string;
  bypass?: string;
  username?: string;
  password?: string;
}

export function playwrightProxy(
  settings: ProxySettings,
  targets: ReadonlyArray<string | undefined>,
): PlaywrightProxy | undefined {
  const routed = targets
    .filter((t): t is string => t !== undefined)
    .map((t) => ({ url: new URL(t), proxy: proxyFor(t, settings) }));
  const proxied = routed.filter((r) => r.proxy !== undefined);
  const proxy = proxied[0]?.proxy;
  if (proxy === undefined) return undefined;
  if (proxied.some((r) => r.proxy?.href !== proxy.href)) {
    throw new ConfigError(
      `the targets need different proxies (${[...new Set(proxied.map((r) => redactProxy(r.proxy?.href ?? '')))].join(', ')}) but Playwright's request fixture takes one: set HTTPS_PROXY and HTTP_PROXY to the same proxy, or exempt one target with NO_PROXY`,
    );
  }
  const direct = [...new Set(routed.filter((r) => r.proxy === undefined).map((r) => r.url.hostname))];
  // Playwright bypasses a host and its subdomains: a direct host must not cover a proxied one.
  const clash = direct.find((d) => proxied.some((p) => p.url.hostname === d || p.url.hostname.endsWith(`.${d}`)));
  if (clash !== undefined) {
    throw new ConfigError(
      `NO_PROXY sends ${clash} direct but another target under it through the proxy, which Playwright's request fixture cannot express: exempt both targets or neither`,
    );
  }
  return {
    server: proxy.origin,
    ...(direct.length > 0 ? { bypass: direct.join(',') } : {}),
    ...(proxy.username === '' && proxy.password === ''
      ? {}
      : { username: decodeURIComponent(proxy.username), password: decodeURIComponent(proxy.password) }),
  };
}
