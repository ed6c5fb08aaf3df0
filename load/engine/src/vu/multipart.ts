// The body k6 makes of a JS object: a form (application/x-www-form-urlencoded), or multipart/form-data as soon as one
// value is an http.file(). An array value repeats its key (`a=1&a=2`, or one part per element), as k6 does. Runs in
// the sandbox: UTF-8 is encoded here (there is no TextEncoder) and binary bodies cross to the host as base64.
import { b64ToBytes, bytesToB64 } from './base64.ts';
import type { HostApi } from './host-api.ts';
import { Array, ArrayBuffer, encodeURIComponent, Error, Object, String, Uint8Array } from './sandbox-builtins.ts';
import type { Dict } from './vu-state.ts';

/** What http.file(data, filename, contentType) returns (k6's FileData). */
export class FileData {
  data: unknown;
  filename: string | undefined;
  content_type: string;
  constructor(data: unknown, filename?: unknown, contentType?: unknown) {
    const ok =
      typeof data === 'string' || data instanceof ArrayBuffer || ArrayBuffer.isView(data) || Array.isArray(data);
    if (!ok) throw new Error('http.file(data): data must be a string, an ArrayBuffer or an array of byte values');
    this.data = data;
    this.filename = filename === undefined || filename === null ? undefined : String(filename);
    this.content_type =
      contentType === undefined || contentType === null ? 'application/octet-stream' : String(contentType);
  }
}

export interface EncodedBody {
  text: string;
  isB64: boolean;
  contentType: string;
}

/** A form value: scalars as text; a nested object is refused rather than sent as "[object Object]". */
function scalar(key: string, v: unknown): string {
  if (v !== null && typeof v === 'object') {
    throw new Error(
      `form field "${key}" is an object: a form body takes strings, numbers, booleans, arrays of them and http.file() ` +
        '(send JSON with JSON.stringify and a Content-Type header)',
    );
  }
  return String(v);
}

/** Each [key, value] pair of the object, an array value giving one pair per element. */
function pairs(body: Dict): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [k, v] of Object.entries(body)) {
    if (Array.isArray(v)) for (const e of v) out.push([k, e]);
    else out.push([k, v]);
  }
  return out;
}

function utf8(s: string): Uint8Array {
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return new Uint8Array(out);
}

function fileBytes(f: FileData): string | Uint8Array {
  const d = f.data;
  if (typeof d === 'string') return d;
  if (d instanceof ArrayBuffer) return new Uint8Array(d);
  if (ArrayBuffer.isView(d)) return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  return new Uint8Array(d as number[]);
}

/** A header parameter's value as Go's multipart writer quotes it (backslash and double quote escaped). */
const quote = (s: string) => `"${s.replace(/[\\"]/g, '\\$&').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}"`;

function multipart(entries: [string, unknown][], boundary: string): EncodedBody {
  const chunks: (string | Uint8Array)[] = [];
  for (const [k, v] of entries) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name=${quote(k)}`;
    if (v instanceof FileData) {
      // k6 leaves the default filename unspecified; the field name keeps servers treating the part as a file.
      head += `; filename=${quote(v.filename ?? k)}\r\nContent-Type: ${v.content_type}\r\n\r\n`;
      chunks.push(head, fileBytes(v), '\r\n');
    } else {
      chunks.push(`${head}\r\n\r\n${scalar(k, v)}\r\n`);
    }
  }
  chunks.push(`--${boundary}--\r\n`);
  const contentType = `multipart/form-data; boundary=${boundary}`;
  // All text: the host encodes it as UTF-8. Any bytes: the whole body is assembled here and crosses as base64.
  if (chunks.every((c) => typeof c === 'string')) return { text: chunks.join(''), isB64: false, contentType };
  const parts = chunks.map((c) => (typeof c === 'string' ? utf8(c) : c));
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return { text: bytesToB64(all), isB64: true, contentType };
}

/** A random boundary (hex), or the one a script's own `multipart/form-data; boundary=...` header names. */
function boundaryFor(host: HostApi, userContentType: string | undefined): string {
  const given = userContentType === undefined ? null : /boundary="?([^";]+)"?/i.exec(userContentType);
  if (given) return given[1]!;
  let hex = '';
  for (const b of b64ToBytes(host.randomBytesB64(16))) hex += (b < 16 ? '0' : '') + b.toString(16);
  return `k6NodeEngineBoundary${hex}`;
}

/** `userContentType`: the Content-Type header the script set, if any (kept as it is, but for a missing boundary). */
export function encodeObjectBody(host: HostApi, body: Dict, userContentType: string | undefined): EncodedBody {
  const entries = pairs(body);
  if (entries.some(([, v]) => v instanceof FileData)) {
    const boundary = boundaryFor(host, userContentType);
    const encoded = multipart(entries, boundary);
    if (userContentType !== undefined) {
      const needsBoundary = /^multipart\//i.test(userContentType) && !/boundary=/i.test(userContentType);
      encoded.contentType = needsBoundary ? `${userContentType}; boundary=${boundary}` : userContentType;
    }
    return encoded;
  }
  const text = entries.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(scalar(k, v))}`).join('&');
  return { text, isB64: false, contentType: userContentType ?? 'application/x-www-form-urlencoded' };
}
