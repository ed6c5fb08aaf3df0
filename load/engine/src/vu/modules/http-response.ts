// k6/http's side of a finished request: the Response object a script gets, the samples k6 records for it, and the
// response callback (http.expectedStatuses) that decides http_req_failed.
import type { HttpResult, HttpTimings } from '../../protocol.ts';
import { bufferFromB64 } from '../base64.ts';
import { htmlApi, htmlText } from '../html/loader.ts';
import { emit } from '../samples.ts';
import { Error, JSON, Number, String } from '../sandbox-builtins.ts';
import type { Dict, VuState } from '../vu-state.ts';
import type { PreparedRequest } from './http-request.ts';

export class ExpectedStatuses {
  ranges: { min: number; max: number }[];
  constructor(ranges: { min: number; max: number }[]) {
    this.ranges = ranges;
  }
  matches(status: number): boolean {
    return this.ranges.some((r) => status >= r.min && status <= r.max);
  }
}

/** http.expectedStatuses(200, { min: 300, max: 399 }, ...) */
export function expectedStatuses(...args: unknown[]): ExpectedStatuses {
  const ranges = args.map((a) => {
    if (typeof a === 'number' && Number.isInteger(a)) return { min: a, max: a };
    if (a !== null && typeof a === 'object' && 'min' in a && 'max' in a) {
      return { min: Number((a as Dict)['min']), max: Number((a as Dict)['max']) };
    }
    throw new Error(`http.expectedStatuses: ${JSON.stringify(a)} is neither an integer nor {min, max}`);
  });
  return new ExpectedStatuses(ranges);
}

export class Response {
  status: number;
  status_text: string;
  proto: string;
  headers: Record<string, string>;
  body: string | ArrayBuffer | null;
  url: string;
  remote_ip: string;
  remote_port: number;
  timings: HttpTimings;
  error: string;
  error_code: number;
  cookies: Dict;
  request: Dict;
  tls_version = '';
  tls_cipher_suite = '';
  ocsp = { status: 'unknown' };
  /** Private: not an enumerable field, so a script's JSON.stringify(res) stays the response. */
  #vu: VuState;
  constructor(r: HttpResult, prepared: PreparedRequest, vu: VuState) {
    this.#vu = vu;
    this.status = r.status;
    this.status_text = r.statusText;
    this.proto = r.proto;
    this.headers = r.headers;
    this.body = r.body === null ? null : r.bodyIsB64 ? bufferFromB64(r.body) : r.body;
    this.url = r.url;
    this.remote_ip = r.remoteIp;
    this.remote_port = r.remotePort;
    this.timings = r.timings;
    this.error = r.error;
    this.error_code = r.errorCode;
    this.cookies = {};
    this.request = {
      method: prepared.spec.method,
      url: prepared.spec.url,
      headers: prepared.spec.headers,
      body: prepared.spec.body ?? '',
      cookies: {},
    };
  }
  /** `selector` is a dotted path ('a.b.0'), a subset of k6's gjson syntax. */
  json(selector?: string): unknown {
    if (typeof this.body !== 'string') throw new Error('Response.json(): the body is not text (responseType?)');
    let v: unknown;
    try {
      v = JSON.parse(this.body);
    } catch (e) {
      throw new Error(`Response.json(): body is not valid JSON: ${(e as Error).message}`, { cause: e });
    }
    if (selector === undefined || selector === '') return v;
    for (const part of selector.split('.')) {
      if (v === null || typeof v !== 'object') return undefined;
      v = (v as Dict)[part];
    }
    return v;
  }
  /** The body parsed as HTML (k6/html's Selection); `selector` narrows it as find() would. */
  html(selector?: string): unknown {
    const doc = htmlApi(this.#vu, 'Response.html()').parseHTML(htmlText(this.body, 'Response.html()'));
    return selector === undefined ? doc : doc.find(String(selector));
  }
  /** Fills in and sends a form of this page; returns the response to it (k6: formSelector, fields, submitSelector,
   * params). */
  submitForm(options?: Dict): Response {
    const o = options ?? {};
    const api = htmlApi(this.#vu, 'Response.submitForm()');
    const doc = api.parseHTML(htmlText(this.body, 'Response.submitForm()'));
    const r = api.submitFormRequest(doc, this.url, o);
    return this.#vu.request!(r.method, r.url, r.body, o['params'] ?? null) as Response;
  }
  /** Follows a link of this page (k6: selector, default "a[href]", and params); returns its response. */
  clickLink(options?: Dict): Response {
    const o = options ?? {};
    const api = htmlApi(this.#vu, 'Response.clickLink()');
    const r = api.clickLinkRequest(api.parseHTML(htmlText(this.body, 'Response.clickLink()')), this.url, o);
    return this.#vu.request!(r.method, r.url, null, o['params'] ?? null) as Response;
  }
}

/** Emits k6's http_req_* samples for one result (tagged with its status, and error when it failed) and counts its
 * bytes for the iteration's data_sent / data_received. */
export function recordResponse(vu: VuState, prepared: PreparedRequest, r: HttpResult): Response {
  // A URL that cannot be built (1020, e.g. http.get(false)) never became a request: k6 emits no sample for it and
  // logs a warning; the script still gets a Response carrying the error.
  if (r.errorCode === 1020) {
    vu.host.log('warn', `Request Failed error="${r.error}"`);
    return new Response(r, prepared, vu);
  }
  const tags = prepared.tags;
  tags['proto'] = r.proto;
  tags['status'] = String(r.status);
  if (r.errorCode !== 0) {
    tags['error_code'] = String(r.errorCode);
    if (r.error !== '') tags['error'] = r.error;
  }
  let failed: boolean | null = null;
  if (prepared.callback !== null) {
    const expected = prepared.callback.matches(r.status);
    tags['expected_response'] = String(expected);
    failed = !expected;
  }
  const t = r.endTime;
  const tm = r.timings;
  emit(vu, 'http_reqs', 1, tags, t);
  emit(vu, 'http_req_duration', tm['duration'] ?? 0, tags, t);
  emit(vu, 'http_req_blocked', tm['blocked'] ?? 0, tags, t);
  emit(vu, 'http_req_connecting', tm['connecting'] ?? 0, tags, t);
  emit(vu, 'http_req_tls_handshaking', tm['tls_handshaking'] ?? 0, tags, t);
  emit(vu, 'http_req_sending', tm['sending'] ?? 0, tags, t);
  emit(vu, 'http_req_waiting', tm['waiting'] ?? 0, tags, t);
  emit(vu, 'http_req_receiving', tm['receiving'] ?? 0, tags, t);
  if (failed !== null) emit(vu, 'http_req_failed', failed ? 1 : 0, tags, t);
  vu.iterBytes.sent += r.bytesSent;
  vu.iterBytes.received += r.bytesReceived;
  return new Response(r, prepared, vu);
}
