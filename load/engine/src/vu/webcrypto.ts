// The WebCrypto global k6 gives every script: crypto.getRandomValues(typedArray) and crypto.randomUUID(). Random bytes
// come from the worker (node:crypto) as base64, like k6/crypto's randomBytes. crypto.subtle is not offered: a script
// that touches it gets one line saying so rather than "undefined is not a function".
import { b64ToBytes } from './base64.ts';
import { Array, ArrayBuffer, Error, Object, Uint8Array } from './sandbox-builtins.ts';
import type { Dict, VuState } from './vu-state.ts';

/** WebCrypto's limit per call (bytes), as in browsers and k6. */
const MAX_BYTES = 65536;
const INTEGER_ARRAYS = [
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'BigInt64Array',
  'BigUint64Array',
];

export function createWebCrypto(vu: VuState): Dict {
  const { host } = vu;

  function getRandomValues<T>(array: T): T {
    // Typed arrays name themselves through Symbol.toStringTag; anything else (a plain array, a Float64Array) fails.
    const tag = ArrayBuffer.isView(array) ? Object.prototype.toString.call(array).slice(8, -1) : '';
    if (!INTEGER_ARRAYS.includes(tag)) {
      throw new TypeError(
        `crypto.getRandomValues: the argument must be an integer typed array (got ${describe(array)})`,
      );
    }
    const view = array as unknown as ArrayBufferView;
    if (view.byteLength > MAX_BYTES) {
      throw new Error(
        `QuotaExceededError: crypto.getRandomValues: ${view.byteLength} bytes requested, at most ${MAX_BYTES}`,
      );
    }
    if (view.byteLength > 0) {
      new Uint8Array(view.buffer, view.byteOffset, view.byteLength).set(
        b64ToBytes(host.randomBytesB64(view.byteLength)),
      );
    }
    return array;
  }

  function randomUUID(): string {
    const b = b64ToBytes(host.randomBytesB64(16));
    b[6] = (b[6]! & 0x0f) | 0x40; // version 4
    b[8] = (b[8]! & 0x3f) | 0x80; // RFC 4122 variant
    let hex = '';
    for (let i = 0; i < 16; i++) hex += (b[i]! + 0x100).toString(16).slice(1);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  const crypto: Dict = { getRandomValues, randomUUID };
  Object.defineProperty(crypto, 'subtle', {
    get() {
      throw new Error(
        'crypto.subtle (WebCrypto SubtleCrypto) is not supported by this engine; k6/crypto has hashes and HMACs',
      );
    },
  });
  return crypto;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v !== 'object') return typeof v;
  return ArrayBuffer.isView(v)
    ? Object.prototype.toString.call(v).slice(8, -1)
    : Array.isArray(v)
      ? 'an array'
      : 'an object';
}

/** Installs `crypto` on the sandbox's global object (scripts that import k6/crypto as `crypto` shadow it locally). */
export function installWebCrypto(vu: VuState): void {
  (globalThis as unknown as Dict)['crypto'] = createWebCrypto(vu);
}
