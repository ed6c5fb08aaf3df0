// Performs one k6 request spec on a keep-alive pool and measures k6's timing phases at the socket: the HTTP side of
// both engine designs (the thread-per-VU design's I/O thread, the many-VUs-per-thread design's host threads). Errors
// become k6's error strings and codes; proxies follow config/proxy.ts.
import { performance } from 'node:perf_hooks';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { WARM_UP_METHOD, type HttpRequestSpec, type HttpResult, type RequestCompression } from '../protocol.ts';
import {
  anyProxy,
  proxyAuthorization,
  proxyFor,
  proxySettingsFromEnv,
  type ProxySettings,
} from '../../../../config/proxy.ts';
import { ConnectionPool, HttpError, type ProxyRoute, type RawResponse } from './http1-client.ts';

export { ConnectionPool };

let insecure = false;

/** k6's insecureSkipTLSVerify, for every later request of this thread. */
export function setInsecureSkipTLSVerify(value: boolean): void {
  insecure = value;
}

// HTTP(S)_PROXY / NO_PROXY from the environment, k6's (Go's) rules: config/proxy.ts is the one owner of them (the
// contract client uses the same module). The CLI refuses a bad value before the run; should one reach here anyway,
// every request fails with the reason, as Go's client does.
let proxySettings: ProxySettings | undefined;
let proxyProblem = '';
try {
  proxySettings = proxySettingsFromEnv(process.env);
} catch (e) {
  proxyProblem = (e as Error).message;
}
const proxied = proxySettings !== undefined && anyProxy(proxySettings);
const routes = new Map<string, ProxyRoute | null>();

function routeFor(text: string, url: URL): ProxyRoute | undefined {
  if (!proxied || proxySettings === undefined) return undefined;
  let route = routes.get(text);
  if (route === undefined) {
    const proxy = proxyFor(url, proxySettings);
    route = proxy === undefined ? null : { url: proxy, authorization: proxyAuthorization(proxy) };
    if (routes.size >= CACHE_MAX) routes.clear();
    routes.set(text, route);
  }
  return route ?? undefined;
}

function errorOf(err: HttpError, url: URL, proxy: ProxyRoute | undefined): { error: string; code: number } {
  if (err.atProxy && proxy !== undefined) {
    // Go: "proxyconnect tcp: dial tcp 10.0.0.1:3128: connect: connection refused".
    const inner = errorOf(new HttpError(err.message, err.code, err.reused, err.gotBytes), proxy.url, undefined);
    return { error: `proxyconnect tcp: ${inner.error}`, code: inner.code };
  }
  const hostPort = `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
  switch (err.code) {
    case 'TIMEOUT':
      return { error: 'request timeout', code: 1050 };
    case 'ECONNREFUSED':
      return { error: `dial tcp ${hostPort}: connect: connection refused`, code: 1212 };
    case 'ECONNRESET':
      return { error: `read tcp ${hostPort}: read: connection reset by peer`, code: 1220 };
    case 'EPIPE':
      return { error: `write tcp ${hostPort}: write: broken pipe`, code: 1201 };
    case 'ENOTFOUND':
      return { error: `lookup ${url.hostname}: no such host`, code: 1101 };
    case 'EAI_AGAIN':
      return { error: `lookup ${url.hostname}: ${err.message}`, code: 1100 };
    case 'ETIMEDOUT':
      return { error: `dial tcp ${hostPort}: i/o timeout`, code: 1211 };
    default:
      // TLS failures, certificate verification included (Node: UNABLE_TO_VERIFY_LEAF_SIGNATURE, SELF_SIGNED_CERT_IN_CHAIN...).
      if (/^ERR_TLS|CERT|^UNABLE_TO_|SELF_SIGNED/.test(err.code)) return { error: err.message, code: 1300 };
      return { error: err.message, code: 1000 };
  }
}

function failed(spec: HttpRequestSpec, error: string, code: number, t0: number): HttpResult {
  return {
    status: 0,
    statusText: '',
    proto: '',
    headers: {},
    setCookies: [],
    body: null,
    bodyIsB64: false,
    url: spec.url,
    remoteIp: '',
    remotePort: 0,
    timings: {
      duration: performance.now() - t0,
      blocked: 0,
      connecting: 0,
      tls_handshaking: 0,
      sending: 0,
      waiting: 0,
      receiving: 0,
    },
    error,
    errorCode: code,
    bytesSent: 0,
    bytesReceived: 0,
    endTime: Date.now(),
  };
}

// Scripts hit the same few URLs and servers send the same few header names: parse each once (bounded caches).
const CACHE_MAX = 1000;
const urls = new Map<string, URL>();
const headerNames = new Map<string, string>();

function parseUrl(text: string): URL {
  let url = urls.get(text);
  if (!url) {
    url = new URL(text);
    if (urls.size >= CACHE_MAX) urls.clear();
    urls.set(text, url);
  }
  return url;
}

function canonicalHeader(name: string): string {
  let canonical = headerNames.get(name);
  if (canonical === undefined) {
    canonical = canonicalize(name);
    if (headerNames.size >= CACHE_MAX) headerNames.clear();
    headerNames.set(name, canonical);
  }
  return canonical;
}

function canonicalize(name: string): string {
  return name
    .toLowerCase()
    .split('-')
    .map((p) => (p.length > 0 ? p[0]!.toUpperCase() + p.slice(1) : p))
    .join('-');
}

function toResult(spec: HttpRequestSpec, r: RawResponse): HttpResult {
  const headers: Record<string, string> = {};
  const setCookies: string[] = [];
  for (const [rawName, value] of r.rawHeaders) {
    const name = canonicalHeader(rawName);
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    if (name === 'Set-Cookie') setCookies.push(value);
  }
  const t = r.t;
  const ready = Math.max(t.connected, t.secured);
  const sending = Math.max(0, t.sent - ready);
  const waiting = Math.max(0, t.firstByte - t.sent);
  const receiving = Math.max(0, t.end - t.firstByte);
  return {
    status: r.status,
    statusText: `${r.status} ${r.statusText}`.trim(),
    proto: `HTTP/${r.httpVersion}`,
    headers,
    setCookies,
    body: spec.responseType === 'none' ? null : r.body.toString(spec.responseType === 'binary' ? 'base64' : 'utf8'),
    bodyIsB64: spec.responseType === 'binary',
    url: spec.url,
    remoteIp: r.remoteIp,
    remotePort: r.remotePort,
    timings: {
      duration: sending + waiting + receiving,
      blocked: Math.max(0, t.got - t.start),
      connecting: r.reused ? 0 : Math.max(0, t.connected - t.got),
      tls_handshaking: r.reused ? 0 : Math.max(0, t.secured - t.connected),
      sending,
      waiting,
      receiving,
    },
    error: '',
    errorCode: r.status >= 400 && r.status < 600 ? 1000 + r.status : 0,
    bytesSent: r.bytesSent,
    bytesReceived: r.bytesReceived,
    endTime: Date.now(),
  };
}

const COMPRESS: Record<RequestCompression, (b: Buffer) => Buffer> = {
  gzip: (b) => gzipSync(b),
  // HTTP's "deflate" is the zlib format (RFC 9110 8.4.1.2), as Go's compress/zlib writes it for k6.
  deflate: (b) => deflateSync(b),
  br: (b) => brotliCompressSync(b),
};

/** params.compression: the body compressed with each coding in order, Content-Encoding naming them (k6's behaviour). */
function compressed(
  body: Buffer | null,
  headers: Record<string, string>,
  codings: RequestCompression[] | undefined,
): { body: Buffer | null; headers: Record<string, string> } {
  if (body === null || codings === undefined || codings.length === 0) return { body, headers };
  let out = body;
  for (const c of codings) out = COMPRESS[c](out);
  return { body: out, headers: { ...headers, 'Content-Encoding': codings.join(', ') } };
}

export async function perform(pool: ConnectionPool, spec: HttpRequestSpec): Promise<HttpResult> {
  const t0 = performance.now();
  if (spec.method === WARM_UP_METHOD) {
    const canned = { status: 200, statusText: '200 OK', proto: 'HTTP/1.1', body: '{"ok":true}' };
    return { ...failed(spec, '', 0, t0), ...canned, headers: { 'Content-Type': 'application/json' } };
  }
  let url: URL;
  try {
    url = parseUrl(spec.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`unsupported protocol ${url.protocol}`);
  } catch (e) {
    return failed(spec, `invalid URL "${spec.url}": ${(e as Error).message}`, 1020, t0);
  }
  if (proxyProblem !== '') return failed(spec, proxyProblem, 1000, t0);
  const raw = spec.body === null ? null : spec.bodyIsB64 ? Buffer.from(spec.body, 'base64') : Buffer.from(spec.body);
  const { body, headers } = compressed(raw, spec.headers, spec.compression);
  const proxy = routeFor(spec.url, url);
  const req = { method: spec.method, url, headers, body, timeoutMs: spec.timeoutMs, insecure, proxy };
  for (let attempt = 0; ; attempt++) {
    try {
      return toResult(spec, await pool.request(req));
    } catch (e) {
      const err = e instanceof HttpError ? e : new HttpError(String(e), 'ERR', false, false);
      // A keep-alive connection the server closed while idle: retry once on a fresh one, as Go's client does.
      if (attempt === 0 && err.reused && !err.gotBytes && err.code !== 'TIMEOUT') continue;
      const { error, code } = errorOf(err, url, proxy);
      return failed(spec, error, code, t0);
    }
  }
}
