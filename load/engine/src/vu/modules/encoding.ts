// k6/encoding: b64encode / b64decode with k6's variants ('std', 'rawstd' without padding, 'url', 'rawurl').
import { bufferFromB64, toB64 } from '../base64.ts';
import { String } from '../sandbox-builtins.ts';
import type { VuState } from '../vu-state.ts';

export function createEncodingModule(vu: VuState) {
  const { host } = vu;
  function b64encode(input: unknown, variant?: string): string {
    let s = toB64(host, input);
    if (variant === 'url' || variant === 'rawurl') s = s.replace(/\+/g, '-').replace(/\//g, '_');
    if (variant === 'rawstd' || variant === 'rawurl') s = s.replace(/=+$/, '');
    return s;
  }
  /** format 's' returns a string (UTF-8 decoded), anything else an ArrayBuffer. */
  function b64decode(input: string, variant?: string, format?: string): ArrayBuffer | string {
    let s = String(input);
    if (variant === 'url' || variant === 'rawurl') s = s.replace(/-/g, '+').replace(/_/g, '/');
    while (s.length % 4 !== 0) s += '=';
    return format === 's' ? host.b64ToUtf8(s) : bufferFromB64(s);
  }
  return { b64encode, b64decode };
}
