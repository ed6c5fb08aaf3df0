// A byte-exact HTTP client for the contract tests. Most requests go through Playwright's request fixture
// (support/test.ts), which always labels a body it sends (application/octet-stream at least); a body without any
// Content-Type is sent here instead, and so is the reachability probe, which runs before any fixture exists.
// HTTPS trusts Node's roots plus NODE_EXTRA_CA_CERTS (read at process start; Playwright workers inherit it). A proxy
// from HTTP(S)_PROXY / NO_PROXY (config/proxy.ts, k6's rules) is used as k6 uses it: http:// requests in absolute-form
// to the proxy, https:// requests through a CONNECT tunnel.
import { request as httpRequest } from 'node:http';
import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { connect as tlsConnect } from 'node:tls';
import { proxyAuthorization, proxyFor, proxySettingsFromEnv, redactProxy } from '../../config/proxy.ts';
import type { ProxySettings } from '../../config/proxy.ts';
import { joinUrl } from '../../load/lib/url.ts';

export interface SentRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The exact body bytes sent, as text (undefined = no body). */
  readonly body: string | undefined;
}

export interface ReceivedResponse {
  readonly status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
}

export interface Exchange {
  readonly request: SentRequest;
  readonly response: ReceivedResponse;
  /** Client clock (epoch ms) when the request was sent and when the response ended. */
  readonly sentAt: number;
  readonly receivedAt: number;
  /** Monotonic duration of the exchange. */
  readonly durationMs: number;
}

export interface SendOptions {
  readonly method: string;
  /** Absolute URL. */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  readonly timeoutMs?: number;
  /** Proxy settings; default: read once from this process's environment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY). */
  readonly proxy?: ProxySettings;
}

let environmentProxy: ProxySettings | undefined;

/** Sends one request; rejects only on network failure or timeout (any HTTP status resolves). */
export function send(options: SendOptions): Promise<Exchange> {
  const url = new URL(options.url);
  const body = typeof options.body === 'string' ? Buffer.from(options.body, 'utf8') : options.body;
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (body !== undefined) headers['content-length'] = String(body.length);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const proxy = proxyFor(url, options.proxy ?? (environmentProxy ??= proxySettingsFromEnv(process.env)));
  return new Promise((resolve, reject) => {
    const sentAt = Date.now();
    const started = performance.now();
    const onResponse = (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const durationMs = performance.now() - started;
        const responseHeaders: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) responseHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
        }
        resolve({
          request: {
            method: options.method,
            url: url.href,
            headers,
            body: body === undefined ? undefined : body.toString('utf8'),
          },
          response: {
            status: res.statusCode ?? 0,
            headers: responseHeaders,
            text: Buffer.concat(chunks).toString('utf8'),
          },
          sentAt,
          receivedAt: Date.now(),
          durationMs,
        });
      });
    };
    const req = open(url, proxy, { method: options.method, headers, timeout: timeoutMs }, onResponse);
    req.on('timeout', () => req.destroy(new Error(`no response from ${url.origin} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** What to check after a transport failure that is not the target being down (certificate, proxy), or undefined. */
export function transportHint(cause: string): string | undefined {
  if (/CERT|SELF_SIGNED|UNABLE_TO_(GET_ISSUER|VERIFY)|ERR_TLS/i.test(cause)) {
    return 'its certificate is not trusted: set NODE_EXTRA_CA_CERTS to the PEM file of the CA that signed it';
  }
  if (/proxy|\b407\b/i.test(cause)) return 'check HTTPS_PROXY / HTTP_PROXY / NO_PROXY';
  return undefined;
}

/** Joins a base URL (possibly with a path prefix) and a path from the spec: load/lib/url.ts owns the rule. */
export const endpoint = joinUrl;

/** The request, direct or through the proxy. `headers` are the target's; proxy headers never reach the report. */
function open(
  url: URL,
  proxy: URL | undefined,
  options: RequestOptions & { headers: Record<string, string> },
  onResponse: (res: IncomingMessage) => void,
): ClientRequest {
  if (proxy === undefined) return (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, options, onResponse);
  const authorization = proxyAuthorization(proxy);
  if (url.protocol === 'http:') {
    // Absolute-form (RFC 9112 section 3.2.2): the proxy forwards it; Host names the target, as Go sends it.
    return httpRequest(
      {
        ...options,
        host: proxy.hostname,
        port: proxy.port || 80,
        path: url.href,
        agent: false,
        headers: {
          host: url.host,
          ...options.headers,
          ...(authorization === undefined ? {} : { 'proxy-authorization': authorization }),
        },
      },
      onResponse,
    );
  }
  return httpsRequest(
    url,
    {
      ...options,
      // No agent: with createConnection and no agent, Node asks createConnection for the socket.
      createConnection: (_opts, done) => tunnel(url, proxy, authorization, options.timeout ?? 10_000, done),
    },
    onResponse,
  );
}

/** CONNECT host:port through the proxy, then TLS to the target inside the tunnel (certificate checked as usual). */
function tunnel(
  url: URL,
  proxy: URL,
  authorization: string | undefined,
  timeoutMs: number,
  done: (error: Error | null, socket: Socket) => void,
): undefined {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const authority = `${url.hostname}:${url.port || 443}`;
  const connect = httpRequest({
    host: proxy.hostname,
    port: proxy.port || 80,
    method: 'CONNECT',
    path: authority,
    agent: false,
    headers: { host: authority, ...(authorization === undefined ? {} : { 'proxy-authorization': authorization }) },
  });
  const timer = setTimeout(
    () => connect.destroy(new Error(`no answer from proxy ${redactProxy(proxy.href)} within ${timeoutMs} ms`)),
    timeoutMs,
  );
  connect.once('connect', (res: IncomingMessage, socket: Socket, head: Buffer) => {
    clearTimeout(timer);
    if (res.statusCode !== 200) {
      socket.destroy();
      const error = new Error(
        `proxy ${redactProxy(proxy.href)} refused CONNECT ${authority}: ${res.statusCode} ${res.statusMessage ?? ''}`.trim(),
      );
      done(error, socket);
      return;
    }
    if (head.length > 0) socket.unshift(head);
    done(null, tlsConnect({ socket, host, ...(isIP(host) === 0 ? { servername: host } : {}) }));
  });
  // Node's createConnection callback takes the error alone when there is no socket.
  connect.once('error', (error: Error) => {
    clearTimeout(timer);
    (done as (error: Error) => void)(error);
  });
  connect.end();
  return undefined;
}
