// k6/http's authentication: credentials in the URL (http://user:pass@host/) become Basic auth, or Digest auth with
// params.auth = 'digest' (RFC 7616 / 2617: the first request gets the server's 401 challenge, the second answers it;
// both are requests with their own samples, as in k6). NTLM is refused with a clear error.
import { b64ToBytes, bytesToB64 } from '../base64.ts';
import type { HostApi } from '../host-api.ts';
import { Error, String, Uint8Array } from '../sandbox-builtins.ts';
import { parseUrl, percentDecode } from '../url.ts';

export interface Credentials {
  user: string;
  password: string;
}

export type AuthScheme = 'none' | 'basic' | 'digest';

/** The URL's credentials, percent-decoded; undefined when it carries none. */
export function urlCredentials(host: HostApi, url: string): Credentials | undefined {
  const u = parseUrl(url);
  if (u === undefined || !u.hasCredentials) return undefined;
  const decode = (bytes: number[]) => host.b64ToUtf8(bytesToB64(new Uint8Array(bytes)));
  return { user: percentDecode(u.user, decode), password: percentDecode(u.password, decode) };
}

/** params.auth checked against what the URL carries. */
export function authScheme(auth: unknown, credentials: Credentials | undefined): AuthScheme {
  if (auth === undefined || auth === null || auth === 'basic') return credentials === undefined ? 'none' : 'basic';
  if (auth === 'digest') {
    if (credentials === undefined) {
      throw new Error('params.auth "digest" needs the credentials in the URL, e.g. http://user:pass@host/path');
    }
    return 'digest';
  }
  if (auth === 'ntlm') throw new Error('params.auth "ntlm" is not supported by the node engine (basic and digest are)');
  throw new Error(`params.auth "${String(auth)}" is not one of basic, digest, ntlm`);
}

export function basicAuthorization(host: HostApi, c: Credentials): string {
  return `Basic ${host.utf8ToB64(`${c.user}:${c.password}`)}`;
}

// Digest algorithm names (RFC 7616) to k6/crypto's hash names, which the worker's digest primitive takes.
const HASHES: Record<string, string> = { md5: 'md5', 'sha-256': 'sha256', 'sha-512-256': 'sha512_256' };

/** The challenge's parameters (realm, nonce, qop, opaque, algorithm), or undefined when it offers no Digest. */
export function digestChallenge(wwwAuthenticate: string): Record<string, string> | undefined {
  const start = wwwAuthenticate.search(/(^|[\s,])Digest\s/i);
  if (start < 0) return undefined;
  const params: Record<string, string> = {};
  const re = /([A-Za-z-]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^,\s]*)/g;
  const text = wwwAuthenticate.slice(start).replace(/^[\s,]*Digest\s/i, '');
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const key = m[1]!.toLowerCase();
    params[key] ??= m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : m[2]!;
  }
  return params['nonce'] === undefined ? undefined : params;
}

/** The Authorization header answering `challenge` for `method` on `uri` (path and query). */
export function digestAuthorization(
  host: HostApi,
  challenge: Record<string, string>,
  method: string,
  uri: string,
  c: Credentials,
): string {
  const algorithm = challenge['algorithm'] ?? 'MD5';
  const base = algorithm.toLowerCase().replace(/-sess$/, '');
  const hashName = HASHES[base];
  if (hashName === undefined) throw new Error(`digest auth: the server's algorithm "${algorithm}" is not supported`);
  const h = (text: string): string => {
    const out = host.digest(hashName, host.utf8ToB64(text), '', 'hex');
    if (out.startsWith('!')) throw new Error(`digest auth: ${out.slice(1)}`);
    return out;
  };
  const qops = (challenge['qop'] ?? '').split(',').map((q) => q.trim());
  if (challenge['qop'] !== undefined && !qops.includes('auth')) {
    throw new Error(`digest auth: the server asks for qop "${challenge['qop']}"; only "auth" is supported`);
  }
  const realm = challenge['realm'] ?? '';
  const nonce = challenge['nonce'] ?? '';
  const cnonce = hex(host.randomBytesB64(8));
  const nc = '00000001';
  let ha1 = h(`${c.user}:${realm}:${c.password}`);
  if (/-sess$/i.test(algorithm)) ha1 = h(`${ha1}:${nonce}:${cnonce}`);
  const ha2 = h(`${method}:${uri}`);
  const qop = challenge['qop'] === undefined ? '' : 'auth';
  const response = qop === '' ? h(`${ha1}:${nonce}:${ha2}`) : h(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`);
  const q = (v: string) => `"${v.replace(/(["\\])/g, '\\$1')}"`;
  const fields = [`username=${q(c.user)}`, `realm=${q(realm)}`, `nonce=${q(nonce)}`, `uri=${q(uri)}`];
  if (qop !== '') fields.push(`cnonce=${q(cnonce)}`, `nc=${nc}`, `qop=${qop}`);
  fields.push(`response=${q(response)}`);
  if (challenge['opaque'] !== undefined) fields.push(`opaque=${q(challenge['opaque'])}`);
  fields.push(`algorithm=${algorithm}`);
  return `Digest ${fields.join(', ')}`;
}

function hex(b64: string): string {
  let out = '';
  for (const b of b64ToBytes(b64)) out += (b < 16 ? '0' : '') + b.toString(16);
  return out;
}
