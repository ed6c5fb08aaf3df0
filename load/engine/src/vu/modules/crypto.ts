// k6/crypto: hashes and HMACs computed by the worker (node:crypto); input and binary output cross as base64.
import { b64ToBytes, bufferFromB64, toB64 } from '../base64.ts';
import { Error, Uint8Array } from '../sandbox-builtins.ts';
import type { Dict, VuState } from '../vu-state.ts';

const ALGORITHMS = ['md4', 'md5', 'sha1', 'sha256', 'sha384', 'sha512', 'sha512_224', 'sha512_256', 'ripemd160'];

export function createCryptoModule(vu: VuState) {
  const { host } = vu;

  /** `encodingName` 'binary' (the default) returns an ArrayBuffer, 'hex' / 'base64' / 'base64url' a string. */
  function digest(alg: string, input: unknown, encodingName: string, key?: unknown): string | ArrayBuffer {
    const enc = encodingName ?? 'binary';
    const out = host.digest(
      alg,
      toB64(host, input),
      key === undefined ? '' : toB64(host, key),
      enc === 'binary' ? 'base64' : enc,
    );
    // The worker reports an error as '!' + message (the bridge carries strings only).
    if (out.startsWith('!')) throw new Error(out.slice(1));
    return enc === 'binary' ? bufferFromB64(out) : out;
  }

  /** createHash / createHMAC: update() collects the input, digest() hashes it all in one call to the worker. */
  function hasher(alg: string, key?: unknown) {
    const parts: string[] = [];
    return {
      update(input: unknown) {
        parts.push(toB64(host, input));
      },
      digest(enc: string) {
        const all = parts.map((p) => b64ToBytes(p));
        const total = new Uint8Array(all.reduce((n, a) => n + a.length, 0));
        let o = 0;
        for (const a of all) {
          total.set(a, o);
          o += a.length;
        }
        return digest(alg, total, enc, key);
      },
    };
  }

  const crypto: Dict = {
    randomBytes: (size: number) => bufferFromB64(host.randomBytesB64(size)),
    hmac: (alg: string, secret: unknown, input: unknown, enc: string) => digest(alg, input, enc, secret),
    createHash: (alg: string) => hasher(alg),
    createHMAC: (alg: string, secret: unknown) => hasher(alg, secret),
  };
  for (const alg of ALGORITHMS) {
    crypto[alg] = (input: unknown, enc: string) => digest(alg, input, enc);
  }
  return crypto;
}
