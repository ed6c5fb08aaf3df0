// HTTP(S) proxies from the environment with Go's rules (net/http ProxyFromEnvironment, which k6 uses), so the contract
// run, the load CLI's readiness probe and the local engine route a request exactly as real k6 would:
//   - HTTPS_PROXY (else https_proxy) for https:// requests, HTTP_PROXY (else http_proxy) for http:// requests; an
//     https request never falls back to HTTP_PROXY. A value without a scheme means http://.
//   - NO_PROXY (else no_proxy): comma-separated; `*` = no proxy at all; an IP or CIDR (`10.0.0.0/8`); a domain matches
//     itself and its subdomains (`example.com`), `.example.com` / `*.example.com` only subdomains; `:port` narrows an
//     entry to that port.
//   - localhost and loopback IPs are never proxied. TEST_PROXY_LOOPBACK=1 lifts that rule, for tests only: it lets a
//     test route loopback traffic through a loopback proxy and count what passes (Go has no such switch).
// The one owner of these rules: contract/, cli/ and load/engine/ import it. Pure (no I/O; the caller passes the env).
import { BlockList, isIP } from 'node:net';
import { domainToASCII } from 'node:url';

export class ProxyConfigError extends Error {
  override readonly name = 'ProxyConfigError';
}

type NoProxyEntry =
  | { readonly kind: 'all' }
  | { readonly kind: 'ip'; readonly list: BlockList; readonly port: string }
  | { readonly kind: 'cidr'; readonly list: BlockList }
  | { readonly kind: 'domain'; readonly suffix: string; readonly matchHost: boolean; readonly port: string };

export interface ProxySettings {
  /** The proxy for http:// requests and the variable it came from. */
  readonly http: { readonly url: URL; readonly from: string } | undefined;
  /** The proxy for https:// requests (tunnelled with CONNECT) and the variable it came from. */
  readonly https: { readonly url: URL; readonly from: string } | undefined;
  /** NO_PROXY as given (for printing) and parsed. */
  readonly noProxy: string;
  readonly noProxyEntries: readonly NoProxyEntry[];
  /** TEST_PROXY_LOOPBACK=1 (tests only): proxy loopback targets too. */
  readonly proxyLoopback: boolean;
}

export const proxyVariables = {
  HTTPS_PROXY: 'proxy for https:// targets (CONNECT tunnel), e.g. http://proxy.example.com:3128; also https_proxy',
  HTTP_PROXY: 'proxy for http:// targets, e.g. http://proxy.example.com:3128; also http_proxy',
  NO_PROXY:
    'comma-separated hosts that bypass the proxy: example.com (and subdomains), .example.com, 10.0.0.0/8, host:port, *; also no_proxy. Loopback never uses a proxy',
  TEST_PROXY_LOOPBACK: 'tests only: 1 = proxy loopback targets too (k6/Go never do), to test through a loopback proxy',
} as const;

export type Env = { readonly [name: string]: string | undefined };

/** Reads and validates the proxy variables; a bad value is a ProxyConfigError naming the variable (one line). */
export function proxySettingsFromEnv(env: Env): ProxySettings {
  const http = firstSet(env, 'HTTP_PROXY', 'http_proxy');
  const https = firstSet(env, 'HTTPS_PROXY', 'https_proxy');
  const noProxy = firstSet(env, 'NO_PROXY', 'no_proxy');
  const loopback = env.TEST_PROXY_LOOPBACK?.trim() ?? '';
  if (!['', '0', '1'].includes(loopback)) {
    throw new ProxyConfigError(`TEST_PROXY_LOOPBACK="${loopback}" must be 1 or 0 (tests only; leave it unset)`);
  }
  return {
    http: http === undefined ? undefined : { url: parseProxyUrl(http.name, http.value), from: http.name },
    https: https === undefined ? undefined : { url: parseProxyUrl(https.name, https.value), from: https.name },
    noProxy: noProxy?.value ?? '',
    noProxyEntries: parseNoProxy(noProxy?.value ?? ''),
    proxyLoopback: loopback === '1',
  };
}

/** The proxy a request to `target` goes through, or undefined for a direct connection. */
export function proxyFor(target: URL | string, settings: ProxySettings): URL | undefined {
  const url = typeof target === 'string' ? new URL(target) : target;
  const proxy = url.protocol === 'https:' ? settings.https : url.protocol === 'http:' ? settings.http : undefined;
  if (proxy === undefined) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return useProxy(host, port, settings) ? proxy.url : undefined;
}

/** True when at least one proxy is configured (callers skip the per-request decision otherwise). */
export function anyProxy(settings: ProxySettings): boolean {
  return settings.http !== undefined || settings.https !== undefined;
}

/** The Proxy-Authorization header value for a proxy URL with credentials (Basic), else undefined. */
export function proxyAuthorization(proxy: URL): string | undefined {
  if (proxy.username === '' && proxy.password === '') return undefined;
  const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
}

/** A proxy URL fit to print: credentials replaced by ***. */
export function redactProxy(value: string): string {
  return value.replace(
    /^([a-z][a-z0-9+.-]*:\/\/)?[^/@\s]*@/i,
    (_m, scheme: string | undefined) => `${scheme ?? ''}***@`,
  );
}

/** The settings as printable lines (npm run config). */
export function describeProxy(settings: ProxySettings): Record<string, string> {
  const show = (p: ProxySettings['http']) =>
    p === undefined ? '(unset: direct)' : `${redactProxy(p.url.href)} (${p.from})`;
  return {
    HTTPS_PROXY: show(settings.https),
    HTTP_PROXY: show(settings.http),
    NO_PROXY: settings.noProxy === '' ? '(unset)' : `${settings.noProxy} (loopback always direct)`,
    ...(settings.proxyLoopback ? { TEST_PROXY_LOOPBACK: '1 (tests only: loopback goes through the proxy too)' } : {}),
  };
}

function firstSet(env: Env, ...names: string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') return { name, value: value.trim() };
  }
  return undefined;
}

function parseProxyUrl(name: string, value: string): URL {
  const shown = redactProxy(value);
  let url: URL | undefined;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
  } catch {
    url = undefined;
  }
  if (url === undefined || url.hostname === '') {
    throw new ProxyConfigError(
      `${name}="${shown}" is not a valid proxy URL: expected http://host:port, e.g. http://proxy.example.com:3128`,
    );
  }
  if (url.protocol !== 'http:') {
    throw new ProxyConfigError(
      `${name}="${shown}" uses ${url.protocol.slice(0, -1)}: only http:// proxies are supported (https targets still go through them, tunnelled with CONNECT)`,
    );
  }
  return url;
}

function parseNoProxy(value: string): NoProxyEntry[] {
  const entries: NoProxyEntry[] = [];
  for (const raw of value.split(',')) {
    const p = raw.trim().toLowerCase();
    if (p === '') continue;
    if (p === '*') return [{ kind: 'all' }];
    const cidr = /^([^/]+)\/(\d{1,3})$/.exec(p);
    const cidrFamily = cidr === null ? 0 : isIP(cidr[1] ?? '');
    if (cidr !== null && cidrFamily !== 0 && Number(cidr[2]) <= (cidrFamily === 4 ? 32 : 128)) {
      const list = new BlockList();
      list.addSubnet(cidr[1] ?? '', Number(cidr[2]), cidrFamily === 4 ? 'ipv4' : 'ipv6');
      entries.push({ kind: 'cidr', list });
      continue;
    }
    const split = splitHostPort(p);
    let host = split?.[0] ?? p;
    const port = split?.[1] ?? '';
    if (split !== undefined && host === '') continue; // ":80": no host part, ignored as Go does
    const family = isIP(host);
    if (family !== 0) {
      const list = new BlockList();
      list.addAddress(host, family === 4 ? 'ipv4' : 'ipv6');
      entries.push({ kind: 'ip', list, port });
      continue;
    }
    if (host.startsWith('*.')) host = host.slice(1);
    const matchHost = !host.startsWith('.');
    const suffix = matchHost ? `.${host}` : host;
    entries.push({ kind: 'domain', suffix: domainToASCII(suffix) || suffix, matchHost, port });
  }
  return entries;
}

/** Go's net.SplitHostPort for NO_PROXY entries: `host:port` or `[v6]:port`; undefined when there is no port. */
function splitHostPort(p: string): [string, string] | undefined {
  if (p.startsWith('[')) {
    const m = /^\[([^\]]*)\]:([^:]*)$/.exec(p);
    return m === null ? undefined : [m[1] ?? '', m[2] ?? ''];
  }
  const i = p.lastIndexOf(':');
  if (i < 0 || p.indexOf(':') !== i) return undefined;
  return [p.slice(0, i), p.slice(i + 1)];
}

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

function useProxy(host: string, port: string, settings: ProxySettings): boolean {
  const family = isIP(host);
  if (!settings.proxyLoopback) {
    if (host === 'localhost') return false;
    if (family !== 0 && loopback.check(host, family === 4 ? 'ipv4' : 'ipv6')) return false;
  }
  for (const entry of settings.noProxyEntries) {
    switch (entry.kind) {
      case 'all':
        return false;
      case 'ip':
        if (family !== 0 && entry.list.check(host, family === 4 ? 'ipv4' : 'ipv6') && portMatches(entry.port, port))
          return false;
        break;
      case 'cidr':
        if (family !== 0 && entry.list.check(host, family === 4 ? 'ipv4' : 'ipv6')) return false;
        break;
      case 'domain':
        if (
          (host.endsWith(entry.suffix) || (entry.matchHost && host === entry.suffix.slice(1))) &&
          portMatches(entry.port, port)
        )
          return false;
        break;
    }
  }
  return true;
}

function portMatches(entryPort: string, port: string): boolean {
  return entryPort === '' || entryPort === port;
}
