// The few URL operations k6/http needs inside the sandbox (cookie matching, redirects, credentials): the sandbox has
// no URL class (neither the vm context nor QuickJS provides one), so this parses absolute http(s) URLs by RFC 3986's
// grammar. It never normalises what it does not have to: the text sent stays the text the script wrote.
import { Map, Number, Object } from './sandbox-builtins.ts';

export interface ParsedUrl {
  /** Lower case, without ':' ('http', 'https'). */
  scheme: string;
  /** Raw (still percent-encoded) user and password; '' when absent. */
  user: string;
  password: string;
  hasCredentials: boolean;
  /** Lower case; IPv6 literals keep their brackets. */
  host: string;
  /** '' when the URL names none. */
  port: string;
  /** Always starts with '/'. */
  path: string;
  /** With its '?', or ''. */
  query: string;
}

const ABSOLUTE = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/;

// A request parses its URL several times (credentials, cookies, trust domain, redirects) and a script requests the
// same few URLs over and over: the parsed forms are kept, frozen, so one caller cannot change another's.
const parsed = new Map<string, Readonly<ParsedUrl> | undefined>();
const PARSED_KEPT = 256;

/** An absolute http(s) URL, or undefined when `text` is not one. */
export function parseUrl(text: string): Readonly<ParsedUrl> | undefined {
  if (parsed.has(text)) return parsed.get(text);
  const u = parseUrlUncached(text);
  if (parsed.size >= PARSED_KEPT) parsed.clear();
  parsed.set(text, u === undefined ? u : Object.freeze(u));
  return u;
}

function parseUrlUncached(text: string): ParsedUrl | undefined {
  const m = ABSOLUTE.exec(text);
  if (!m) return undefined;
  const scheme = m[1]!.toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') return undefined;
  let authority = m[2]!;
  let user = '';
  let password = '';
  const at = authority.lastIndexOf('@');
  if (at >= 0) {
    const info = authority.slice(0, at);
    authority = authority.slice(at + 1);
    const colon = info.indexOf(':');
    user = colon < 0 ? info : info.slice(0, colon);
    password = colon < 0 ? '' : info.slice(colon + 1);
  }
  const hp = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(authority);
  if (!hp || hp[1] === '') return undefined;
  return {
    scheme,
    user,
    password,
    hasCredentials: at >= 0,
    host: hp[1]!.toLowerCase(),
    port: hp[2] ?? '',
    path: m[3] === '' ? '/' : m[3]!,
    query: m[4] ?? '',
  };
}

/** The URL as text, without credentials or fragment. */
export function formatUrl(u: ParsedUrl): string {
  return `${u.scheme}://${u.host}${u.port === '' ? '' : `:${u.port}`}${u.path}${u.query}`;
}

/** `text` with its `user:password@` removed and nothing else changed (tags and the sent URL stay as written). */
export function withoutCredentials(text: string): string {
  if (!text.includes('@')) return text;
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)([^/?#]*)(.*)$/s.exec(text);
  if (!m) return text;
  const at = m[2]!.lastIndexOf('@');
  return at < 0 ? text : `${m[1]}${m[2]!.slice(at + 1)}${m[3]}`;
}

export function isIpAddress(host: string): boolean {
  return host.startsWith('[') || /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
}

/** RFC 3986 5.2: a Location header's reference resolved against the URL that answered it. */
export function resolveReference(base: ParsedUrl, ref: string): string {
  const r = ref.trim().replace(/#.*$/s, '');
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(r)) return r;
  const origin = `${base.scheme}://${base.host}${base.port === '' ? '' : `:${base.port}`}`;
  if (r.startsWith('//')) return `${base.scheme}:${r}`;
  if (r === '') return formatUrl(base);
  if (r.startsWith('?')) return `${origin}${base.path}${r}`;
  const q = r.indexOf('?');
  const refPath = q < 0 ? r : r.slice(0, q);
  const refQuery = q < 0 ? '' : r.slice(q);
  const merged = refPath.startsWith('/') ? refPath : `${base.path.slice(0, base.path.lastIndexOf('/') + 1)}${refPath}`;
  return `${origin}${removeDotSegments(merged)}${refQuery}`;
}

function removeDotSegments(path: string): string {
  const out: string[] = [];
  const segments = path.split('/');
  segments.forEach((s, i) => {
    const last = i === segments.length - 1;
    if (s === '..') {
      if (out.length > 1) out.pop();
      if (last) out.push('');
    } else if (s === '.') {
      if (last) out.push('');
    } else out.push(s);
  });
  const joined = out.join('/');
  return joined.startsWith('/') ? joined : `/${joined}`;
}

/** Percent-decodes userinfo: each run of %XX escapes is UTF-8 decoded by `decodeBytes` (the worker's decoder). */
export function percentDecode(text: string, decodeBytes: (bytes: number[]) => string): string {
  return text.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) =>
    decodeBytes(
      run
        .slice(1)
        .split('%')
        .map((h) => Number.parseInt(h, 16)),
    ),
  );
}
