// Base64 with k6's conventions, shared by k6/encoding, k6/crypto, k6/http (binary bodies) and open(): binary data
// crosses the bridge to the worker as base64 text, so these convert between it and the sandbox's ArrayBuffers.
import type { HostApi } from './host-api.ts';
import { ArrayBuffer, Error, Math, Uint8Array } from './sandbox-builtins.ts';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function bytesToB64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] ?? 0;
    const b = bytes[i + 1] ?? 0;
    const c = bytes[i + 2] ?? 0;
    const n = (a << 16) | (b << 8) | c;
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]!;
    out += i + 1 < bytes.length ? B64[(n >> 6) & 63]! : '=';
    out += i + 2 < bytes.length ? B64[n & 63]! : '=';
  }
  return out;
}

/** Characters outside the standard alphabet (padding, whitespace) are skipped; callers map url-safe ones first. */
export function b64ToBytes(b64: string): Uint8Array {
  const clean = b64.replace(/[^A-Za-z0-9+/]/g, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let o = 0;
  for (let i = 0; i < clean.length; i += 4) {
    const n =
      (B64.indexOf(clean[i] ?? 'A') << 18) |
      (B64.indexOf(clean[i + 1] ?? 'A') << 12) |
      ((i + 2 < clean.length ? B64.indexOf(clean[i + 2]!) : 0) << 6) |
      (i + 3 < clean.length ? B64.indexOf(clean[i + 3]!) : 0);
    if (o < out.length) out[o++] = (n >> 16) & 255;
    if (i + 2 < clean.length && o < out.length) out[o++] = (n >> 8) & 255;
    if (i + 3 < clean.length && o < out.length) out[o++] = n & 255;
  }
  return out;
}

/** A string is UTF-8 encoded by the worker (the sandbox has no TextEncoder). */
export function toB64(host: HostApi, input: unknown): string {
  if (typeof input === 'string') return host.utf8ToB64(input);
  if (input instanceof ArrayBuffer) return bytesToB64(new Uint8Array(input));
  if (ArrayBuffer.isView(input)) return bytesToB64(new Uint8Array(input.buffer, input.byteOffset, input.byteLength));
  throw new Error('expected a string or an ArrayBuffer');
}

export function bufferFromB64(b64: string): ArrayBuffer {
  const bytes = b64ToBytes(b64);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
