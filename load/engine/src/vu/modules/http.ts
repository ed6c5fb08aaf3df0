// k6/http: requests, batch, http.url, response callbacks. A request blocks the VU thread: its spec goes to the
// worker (host.request), which waits for the I/O thread's reply.
import { WARM_UP_METHOD, type HttpResult } from '../../protocol.ts';
import { FileData } from '../multipart.ts';
import { CookieJar, setCookieClock } from '../cookies.ts';
import { Array, Error, JSON, Object, String } from '../sandbox-builtins.ts';
import { requireVuContext, type Dict, type VuState } from '../vu-state.ts';
import { createAsyncRequests } from './http-async.ts';
import { createVuCookieJar, RequestFlow } from './http-flow.ts';
import { prepareRequest, urlTag } from './http-request.ts';
import { ExpectedStatuses, expectedStatuses, type Response } from './http-response.ts';

export function createHttpModule(vu: VuState) {
  // Set by http.setResponseCallback; k6's default counts 2xx and 3xx as expected.
  let defaultResponseCallback: ExpectedStatuses | null = expectedStatuses({ min: 200, max: 399 });
  setCookieClock(() => vu.host.now());
  const vuJar = createVuCookieJar(vu);

  function setResponseCallback(cb: unknown): void {
    if (cb !== null && !(cb instanceof ExpectedStatuses)) {
      throw new Error('http.setResponseCallback only accepts http.expectedStatuses(...) or null (as in k6)');
    }
    defaultResponseCallback = cb as ExpectedStatuses | null;
  }

  function prepare(method: string, url: unknown, body: unknown, params: unknown): RequestFlow {
    return new RequestFlow(vu, prepareRequest(vu, defaultResponseCallback, method, url, body, params), params, vuJar);
  }

  /** One round trip to the worker per round of hops (a batch's requests are performed in parallel by the I/O
   * thread); a request that redirects or is challenged takes part in the next round. */
  function send(flows: RequestFlow[]): Response[] {
    let pending = flows;
    while (pending.length > 0) {
      const out = JSON.parse(vu.host.request(JSON.stringify(pending.map((f) => f.spec())))) as HttpResult[];
      pending = pending.filter((f, i) => f.advance(out[i]!));
    }
    return flows.map((f) => f.response!);
  }

  const { queueAsync, withQueued } = createAsyncRequests(vu, send);

  /** A blocking request; async requests queued before it go in the same round trip (http-async.ts). */
  function request(method: string, url: unknown, body?: unknown, params?: unknown): Response {
    return withQueued(prepare(String(method).toUpperCase(), url, body, params));
  }
  vu.request = request;

  /** An array of requests gives an array of responses; an object, an object with the same keys. */
  function batch(reqs: unknown): unknown {
    const entries: [string, unknown][] = Array.isArray(reqs)
      ? reqs.map((r, i) => [String(i), r])
      : Object.entries((reqs ?? {}) as Dict);
    const prepared = entries.map(([, r]) => {
      if (typeof r === 'string' || (r !== null && typeof r === 'object' && 'url' in r && !('method' in r))) {
        return prepare('GET', r, null, null);
      }
      if (Array.isArray(r)) return prepare(String(r[0]).toUpperCase(), r[1], r[2] ?? null, r[3] ?? null);
      const o = r as Dict;
      return prepare(String(o['method'] ?? 'GET').toUpperCase(), o['url'], o['body'] ?? null, o['params'] ?? null);
    });
    const responses = send(prepared);
    if (Array.isArray(reqs)) return responses;
    const out: Dict = {};
    entries.forEach(([k], i) => (out[k] = responses[i]));
    return out;
  }

  const http = {
    request,
    get: (url: unknown, params?: unknown) => request('GET', url, null, params),
    head: (url: unknown, params?: unknown) => request('HEAD', url, null, params),
    post: (url: unknown, body?: unknown, params?: unknown) => request('POST', url, body, params),
    put: (url: unknown, body?: unknown, params?: unknown) => request('PUT', url, body, params),
    patch: (url: unknown, body?: unknown, params?: unknown) => request('PATCH', url, body, params),
    del: (url: unknown, body?: unknown, params?: unknown) => request('DELETE', url, body, params),
    options: (url: unknown, body?: unknown, params?: unknown) => request('OPTIONS', url, body, params),
    batch,
    url: urlTag,
    expectedStatuses,
    setResponseCallback,
    asyncRequest: (method: string, url: unknown, body?: unknown, params?: unknown) =>
      queueAsync(() => prepare(String(method).toUpperCase(), url, body, params)),
    file: (data: unknown, filename?: string, contentType?: string) => new FileData(data, filename, contentType),
    cookieJar: () => {
      requireVuContext(vu, 'http.cookieJar()');
      return vuJar();
    },
    CookieJar,
  };

  /** One request the I/O thread answers itself, through the same path as a script's (see runtime.warmUp). */
  function sendWarmUpRequest(): void {
    const prepared = [prepare(WARM_UP_METHOD, 'http://127.0.0.1/', null, { tags: { name: 'warm-up' } })];
    for (const res of send(prepared)) res.json();
  }

  return { http, sendWarmUpRequest };
}
