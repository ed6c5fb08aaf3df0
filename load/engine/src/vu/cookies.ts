// k6/http's cookie jar, by RFC 6265 (as Go's net/http/cookiejar, which k6 uses, applies it): Set-Cookie headers are
// stored per (name, domain, path), host-only unless they carry a Domain, with Max-Age or Expires, and sent back on
// requests whose host, path and scheme (Secure) match. One jar per VU is k6/http's default (http.cookieJar()); scripts
// may make their own (new http.CookieJar()) and pass it as params.jar.
// Not applied: the public suffix list (a Domain attribute without a dot is refused instead) and SameSite (a
// browser's cross-site rule; a load test has no sites).
import { parseCookieDate } from './cookie-date.ts';
import { Array, Error, Math, Number, Object, String } from './sandbox-builtins.ts';
import { isIpAddress, parseUrl, type ParsedUrl } from './url.ts';

/** Cookie attributes as a Set-Cookie header or jar.set() gives them. */
export interface CookieAttributes {
  name: string;
  value: string;
  /** Without its leading dot; '' when absent. */
  domain: string;
  /** '' when absent. */
  path: string;
  /** Go's convention (k6 shows it): 0 = no Max-Age, -1 = Max-Age <= 0 (delete), else seconds. */
  maxAge: number;
  /** ms since epoch; undefined when absent or unparsable (0 is a date: servers delete cookies with it). */
  expires: number | undefined;
  secure: boolean;
  httpOnly: boolean;
}

interface StoredCookie {
  name: string;
  value: string;
  domain: string;
  hostOnly: boolean;
  path: string;
  secure: boolean;
  httpOnly: boolean;
  /** ms since epoch; Infinity for a session cookie. */
  expiresAt: number;
  /** Insertion order, for the RFC's "earlier creation first" among equal path lengths. */
  created: number;
}

let clock: () => number = () => 0;
let creations = 0;

/** The VU's wall clock (host.now); set once by k6/http. */
export function setCookieClock(now: () => number): void {
  clock = now;
}

/** One Set-Cookie header; undefined when it names no cookie (RFC 6265 5.2: ignored). */
export function parseSetCookie(header: string): CookieAttributes | undefined {
  const parts = header.split(';');
  const pair = parts[0]!;
  const eq = pair.indexOf('=');
  if (eq < 0) return undefined;
  const name = pair.slice(0, eq).trim();
  if (name === '') return undefined;
  let value = pair.slice(eq + 1).trim();
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  const c: CookieAttributes = {
    name,
    value,
    domain: '',
    path: '',
    maxAge: 0,
    expires: undefined,
    secure: false,
    httpOnly: false,
  };
  for (const part of parts.slice(1)) {
    const i = part.indexOf('=');
    const key = (i < 0 ? part : part.slice(0, i)).trim().toLowerCase();
    const val = i < 0 ? '' : part.slice(i + 1).trim();
    if (key === 'domain') c.domain = val.replace(/^\./, '').toLowerCase();
    else if (key === 'path') c.path = val;
    else if (key === 'secure') c.secure = true;
    else if (key === 'httponly') c.httpOnly = true;
    else if (key === 'max-age' && /^-?\d+$/.test(val)) c.maxAge = Number(val) <= 0 ? -1 : Number(val);
    else if (key === 'expires') c.expires = parseCookieDate(val);
  }
  return c;
}

/** res.cookies as k6 gives it: the response's own Set-Cookie headers, by name. */
export function responseCookies(headers: readonly string[]): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const h of headers) {
    const c = parseSetCookie(h);
    if (c === undefined) continue;
    (out[c.name] ??= []).push({
      name: c.name,
      value: c.value,
      domain: c.domain,
      path: c.path,
      http_only: c.httpOnly,
      secure: c.secure,
      max_age: c.maxAge,
      expires: c.expires ?? 0,
    });
  }
  return out;
}

function requireUrl(url: unknown, what: string): ParsedUrl {
  const u = parseUrl(String(url));
  if (u === undefined) throw new Error(`${what}: "${String(url)}" is not an absolute http:// or https:// URL`);
  return u;
}

/** RFC 6265 5.1.4. */
function pathMatches(cookiePath: string, requestPath: string): boolean {
  if (cookiePath === requestPath) return true;
  return (
    requestPath.startsWith(cookiePath) && (cookiePath.endsWith('/') || requestPath.charAt(cookiePath.length) === '/')
  );
}

function domainMatches(c: StoredCookie, host: string): boolean {
  if (c.hostOnly || isIpAddress(host)) return host === c.domain;
  return host === c.domain || host.endsWith(`.${c.domain}`);
}

/** RFC 6265 5.1.4's default-path: the request path up to its last '/'. */
function defaultPath(requestPath: string): string {
  const i = requestPath.lastIndexOf('/');
  return i <= 0 ? '/' : requestPath.slice(0, i);
}

export class CookieJar {
  #cookies: StoredCookie[] = [];

  /** Stores one cookie as received from `url`; a cookie the URL may not set (another domain) is dropped, as in k6. */
  store(u: ParsedUrl, c: CookieAttributes): void {
    let domain = u.host;
    let hostOnly = true;
    if (c.domain !== '' && c.domain !== u.host) {
      const allowed = !isIpAddress(u.host) && c.domain.includes('.') && u.host.endsWith(`.${c.domain}`);
      if (!allowed) return;
      domain = c.domain;
      hostOnly = false;
    } else if (c.domain !== '') hostOnly = false;
    const path = c.path.startsWith('/') ? c.path : defaultPath(u.path);
    const now = clock();
    let expiresAt = Number.POSITIVE_INFINITY;
    if (c.maxAge !== 0) expiresAt = c.maxAge < 0 ? Number.NEGATIVE_INFINITY : now + c.maxAge * 1000;
    else if (c.expires !== undefined) expiresAt = c.expires;
    const i = this.#cookies.findIndex((o) => o.name === c.name && o.domain === domain && o.path === path);
    const created = i >= 0 ? this.#cookies[i]!.created : ++creations;
    if (i >= 0) this.#cookies.splice(i, 1);
    if (expiresAt <= now) return;
    this.#cookies.push({
      name: c.name,
      value: c.value,
      domain,
      hostOnly,
      path,
      secure: c.secure,
      httpOnly: c.httpOnly,
      expiresAt,
      created,
    });
  }

  /** The cookies to send to `u`, most specific path first (RFC 6265 5.4). */
  matching(u: ParsedUrl): { name: string; value: string }[] {
    if (this.#cookies.length === 0) return []; // the common case under load: no allocation per request
    const now = clock();
    this.#cookies = this.#cookies.filter((c) => c.expiresAt > now);
    return this.#cookies
      .filter((c) => domainMatches(c, u.host) && pathMatches(c.path, u.path) && (!c.secure || u.scheme === 'https'))
      .sort((a, b) => b.path.length - a.path.length || a.created - b.created)
      .map((c) => ({ name: c.name, value: c.value }));
  }

  #remove(url: unknown, what: string, name?: string): void {
    const u = requireUrl(url, what);
    this.#cookies = this.#cookies.filter(
      (c) => !(domainMatches(c, u.host) && pathMatches(c.path, u.path) && (name === undefined || c.name === name)),
    );
  }

  // ---- the script's API ----

  /** { name: [value, ...] } of the cookies this jar would send to `url`. */
  cookiesForURL(url: unknown): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const c of this.matching(requireUrl(url, 'CookieJar.cookiesForURL'))) (out[c.name] ??= []).push(c.value);
    return out;
  }

  /** As if `url` had answered Set-Cookie; options: domain, path, expires (a date string), max_age, secure, http_only. */
  set(url: unknown, name: unknown, value: unknown, options?: unknown): void {
    const u = requireUrl(url, 'CookieJar.set');
    if (typeof name !== 'string' || name === '')
      throw new Error('CookieJar.set: the cookie name must be a non-empty string');
    const o = (options ?? {}) as Record<string, unknown>;
    if (typeof o !== 'object' || Array.isArray(o)) throw new Error('CookieJar.set: options must be an object');
    const unknownKey = Object.keys(o).find(
      (k) => !['domain', 'path', 'expires', 'max_age', 'secure', 'http_only'].includes(k),
    );
    if (unknownKey !== undefined) {
      throw new Error(
        `CookieJar.set: unknown option "${unknownKey}" (domain, path, expires, max_age, secure, http_only)`,
      );
    }
    let expires: number | undefined;
    if (o['expires'] !== undefined && o['expires'] !== null && o['expires'] !== '') {
      const parsed = parseCookieDate(String(o['expires']));
      if (parsed === undefined) {
        throw new Error(
          `CookieJar.set: expires "${String(o['expires'])}" is not a date like "Mon, 02 Jan 2006 15:04:05 GMT"`,
        );
      }
      expires = parsed;
    }
    const maxAge = Number(o['max_age'] ?? 0);
    if (!Number.isFinite(maxAge)) throw new Error(`CookieJar.set: max_age must be a number of seconds`);
    this.store(u, {
      name,
      value: String(value ?? ''),
      domain: String(o['domain'] ?? '')
        .replace(/^\./, '')
        .toLowerCase(),
      path: String(o['path'] ?? ''),
      maxAge: maxAge < 0 ? -1 : Math.trunc(maxAge),
      expires,
      secure: o['secure'] === true,
      httpOnly: o['http_only'] === true,
    });
  }

  /** Deletes every cookie this jar would send to `url`. */
  clear(url: unknown): void {
    this.#remove(url, 'CookieJar.clear');
  }

  /** Deletes the cookies named `name` this jar would send to `url`. */
  delete(url: unknown, name: unknown): void {
    this.#remove(url, 'CookieJar.delete', String(name));
  }
}
