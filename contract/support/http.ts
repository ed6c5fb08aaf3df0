// A byte-exact HTTP client for the contract tests. Most requests go through Playwright's request fixture
// (support/test.ts), which always labels a body it sends (application/octet-stream at least); a body without any
// Content-Type is sent here instead, and so is the reachability probe, which runs before any fixture exists.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { performance } from 'node:perf_hooks';

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
}

/** Sends one request; rejects only on network failure or timeout (any HTTP status resolves). */
export function send(options: SendOptions): Promise<Exchange> {
  const url = new URL(options.url);
  const body = typeof options.body === 'string' ? Buffer.from(options.body, 'utf8') : options.body;
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (body !== undefined) headers['content-length'] = String(body.length);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const requestFn = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const sentAt = Date.now();
    const started = performance.now();
    const req = requestFn(url, { method: options.method, headers, timeout: timeoutMs }, (res) => {
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
    });
    req.on('timeout', () => req.destroy(new Error(`no response from ${url.origin} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Joins a base URL (possibly with a path prefix) and a path from the spec. */
export function endpoint(baseUrl: string, path: string): string {
  return new URL(path.replace(/^\//, ''), baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).href;
}
