// k6/http's side of a request before it is sent: the script's url, body and params turned into the spec the I/O
// thread performs, plus the tags its samples will carry and the response callback that judges it.
import type { HttpRequestSpec, RequestCompression } from '../../protocol.ts';
import { toB64 } from '../base64.ts';
import { baseTags, withUserTags } from '../samples.ts';
import { encodeObjectBody } from '../multipart.ts';
import { ArrayBuffer, Error, Number, Object, String } from '../sandbox-builtins.ts';
import { requireVuContext, type Dict, type Tags, type VuState } from '../vu-state.ts';
import { ExpectedStatuses } from './http-response.ts';

export interface PreparedRequest {
  spec: HttpRequestSpec;
  tags: Tags;
  callback: ExpectedStatuses | null;
  requestBody: unknown;
}

/** What http.url`...` returns: the URL, and the template with each value as `${}` for the `name` tag. */
interface UrlLike {
  url: string;
  name: string;
}

export function urlTag(strings: TemplateStringsArray, ...args: unknown[]): UrlLike {
  let url = '';
  let name = '';
  strings.forEach((s, i) => {
    url += s;
    name += s;
    if (i < args.length) {
      url += String(args[i]);
      name += '${}';
    }
  });
  return { url, name };
}

/** params.timeout: milliseconds, or a duration like '10s'; k6's default is 60 s. */
function parseTimeout(t: unknown): number {
  if (t === undefined || t === null) return 60000;
  if (typeof t === 'number') return t;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(String(t).trim());
  if (!m) throw new Error(`invalid timeout "${String(t)}": use milliseconds or a duration like "10s"`);
  const n = Number(m[1]);
  const unit = m[2] ?? 'ms';
  return n * (unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60000 : 3600000);
}

/** params.compression: '', 'gzip', 'deflate', 'br' or a comma-separated list of them (applied in that order). */
function parseCompression(value: unknown, headers: Record<string, string>): RequestCompression[] {
  if (value === undefined || value === null || value === '') return [];
  const codings = String(value)
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  for (const c of codings) {
    if (c === 'zstd')
      throw new Error('params.compression "zstd" is not available on the local engine: use gzip, deflate or br');
    if (c !== 'gzip' && c !== 'deflate' && c !== 'br') {
      throw new Error(
        `params.compression "${c}" is not a compression: use gzip, deflate, br or a comma-separated list of them`,
      );
    }
  }
  if (codings.length > 0 && Object.keys(headers).some((h) => h.toLowerCase() === 'content-encoding')) {
    throw new Error('params.compression and a Content-Encoding header together: set one or the other');
  }
  return codings as RequestCompression[];
}

/** `defaultCallback` is the one http.setResponseCallback set; params.responseCallback overrides it. */
export function prepareRequest(
  vu: VuState,
  defaultCallback: ExpectedStatuses | null,
  method: string,
  urlIn: unknown,
  body: unknown,
  params: unknown,
): PreparedRequest {
  requireVuContext(vu, 'http requests');
  const p = (params ?? {}) as Dict;
  let url: string;
  let nameTag: string | undefined;
  if (urlIn !== null && typeof urlIn === 'object' && 'url' in (urlIn as Dict)) {
    url = String((urlIn as UrlLike).url);
    nameTag = (urlIn as UrlLike).name;
  } else {
    url = String(urlIn);
  }
  const headers: Record<string, string> = {};
  if (p['headers'] && typeof p['headers'] === 'object') {
    for (const [k, v] of Object.entries(p['headers'] as Dict)) headers[k] = String(v);
  }
  let bodyText: string | null = null;
  let bodyIsB64 = false;
  if (body !== null && body !== undefined) {
    if (typeof body === 'string') bodyText = body;
    else if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) {
      bodyText = toB64(vu.host, body);
      bodyIsB64 = true;
    } else if (typeof body === 'object') {
      // An object body is sent as a form, or as multipart/form-data when it holds an http.file(), as in k6.
      const ctKey = Object.keys(headers).find((h) => h.toLowerCase() === 'content-type');
      const encoded = encodeObjectBody(vu.host, body as Dict, ctKey === undefined ? undefined : headers[ctKey]);
      bodyText = encoded.text;
      bodyIsB64 = encoded.isB64;
      headers[ctKey ?? 'Content-Type'] = encoded.contentType;
    } else bodyText = String(body);
  }
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'user-agent')) {
    headers['User-Agent'] = 'k6-node-engine/1.0 (compatible; k6)';
  }
  const tags = baseTags(vu);
  tags['method'] = method;
  tags['url'] = url;
  tags['name'] = nameTag ?? url;
  withUserTags(tags, p['tags']);
  const callback = 'responseCallback' in p ? (p['responseCallback'] as ExpectedStatuses | null) : defaultCallback;
  if (callback !== null && !(callback instanceof ExpectedStatuses)) {
    throw new Error('params.responseCallback only accepts http.expectedStatuses(...) or null (as in k6)');
  }
  return {
    spec: {
      method,
      url,
      headers,
      body: bodyText,
      bodyIsB64,
      timeoutMs: parseTimeout(p['timeout']),
      // The I/O thread reads anything but 'binary' and 'none' as text.
      responseType: p['responseType'] === 'binary' || p['responseType'] === 'none' ? p['responseType'] : 'text',
      compression: parseCompression(p['compression'], headers),
    },
    tags,
    callback,
    requestBody: body,
  };
}
