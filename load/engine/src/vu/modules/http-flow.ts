// One k6/http request, from the script's call to its Response: the hops it takes (redirects, a digest challenge),
// each a request of its own with its own samples (as in k6), and the cookies sent and stored on the way. http.ts
// drives every flow of a call (one, or a batch's) together: one round trip to the I/O thread per round of hops.
import type { HttpRequestSpec, HttpResult } from '../../protocol.ts';
import { CookieJar, parseSetCookie, responseCookies } from '../cookies.ts';
import { Array, Error, Math, Object, String } from '../sandbox-builtins.ts';
import { parseUrl, withoutCredentials } from '../url.ts';
import type { Dict, Tags, VuState } from '../vu-state.ts';
import { authScheme, basicAuthorization, digestAuthorization, digestChallenge, urlCredentials } from './http-auth.ts';
import type { AuthScheme, Credentials } from './http-auth.ts';
import {
  logRedirectLimit,
  redirectLimit,
  redirectTarget,
  sameTrustDomain,
  type RedirectLimit,
} from './http-redirects.ts';
import type { PreparedRequest } from './http-request.ts';
import { ExpectedStatuses, recordResponse, type Response } from './http-response.ts';

interface RequestCookie {
  name: string;
  value: string;
  replace: boolean;
}

/** The VU's jar (http.cookieJar()): k6 gives each iteration a fresh one unless options.noCookiesReset is true. */
export function createVuCookieJar(vu: VuState): () => CookieJar {
  let jar = new CookieJar();
  let iteration = vu.current.vuIteration;
  return () => {
    if (iteration !== vu.current.vuIteration) {
      iteration = vu.current.vuIteration;
      const options = vu.exports['options'] as Dict | undefined;
      if (options?.['noCookiesReset'] !== true) jar = new CookieJar();
    }
    return jar;
  };
}

/** params.jar: a CookieJar, or absent/null for the VU's. */
function pickJar(value: unknown, vuJar: () => CookieJar): CookieJar {
  if (value === undefined || value === null) return vuJar();
  if (value instanceof CookieJar) return value;
  throw new Error('params.jar must be a cookie jar: http.cookieJar() or new http.CookieJar()');
}

/** params.cookies: { name: 'value' } or { name: { value, replace } }; sent with this request only. */
function pickCookies(value: unknown): RequestCookie[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('params.cookies must be an object: { name: "value" } or { name: { value: "v", replace: true } }');
  }
  return Object.entries(value as Dict).map(([name, v]) => {
    if (v !== null && typeof v === 'object') {
      const o = v as Dict;
      return { name, value: String(o['value'] ?? ''), replace: o['replace'] === true };
    }
    return { name, value: String(v ?? ''), replace: false };
  });
}

function headerKey(headers: Record<string, string>, name: string): string | undefined {
  return Object.keys(headers).find((k) => k.toLowerCase() === name);
}

function dropHeader(headers: Record<string, string>, name: string): void {
  const k = headerKey(headers, name);
  if (k !== undefined) delete headers[k];
}

export class RequestFlow {
  response: Response | undefined;
  readonly #vu: VuState;
  readonly #prepared: PreparedRequest;
  readonly #jar: CookieJar;
  readonly #cookies: RequestCookie[];
  readonly #credentials: Credentials | undefined;
  readonly #auth: AuthScheme;
  readonly #limit: RedirectLimit;
  readonly #firstUrl: string;
  readonly #initialHost: string;
  /** The name tag came from the script (tags.name or http.url): every hop keeps it; else each hop's URL is its name. */
  readonly #named: boolean;
  readonly #tags: Tags;
  #method: string;
  #url: string;
  #headers: Record<string, string>;
  #body: string | null;
  #redirects = 0;
  #challenged = false;
  #digest: string | undefined;
  #sent: RequestCookie[] = [];
  /** The request of the hop in flight (spec() builds it, advance() records it). */
  #current: HttpRequestSpec;
  /** When the first hop was sent: params.timeout bounds the whole chain, as Go's client deadline does in k6. */
  #started = 0;

  constructor(vu: VuState, prepared: PreparedRequest, params: unknown, vuJar: () => CookieJar) {
    const p = (params !== null && typeof params === 'object' ? params : {}) as Dict;
    const written = prepared.spec.url;
    this.#vu = vu;
    this.#prepared = prepared;
    this.#credentials = urlCredentials(vu.host, written);
    this.#auth = authScheme(p['auth'], this.#credentials);
    this.#jar = pickJar(p['jar'], vuJar);
    this.#cookies = pickCookies(p['cookies']);
    this.#limit = redirectLimit(vu, p);
    // Credentials leave the URL: they travel as Authorization, never in the request line or the url/name tags.
    this.#url = withoutCredentials(written);
    this.#firstUrl = this.#url;
    this.#initialHost = parseUrl(this.#url)?.host ?? '';
    this.#named = prepared.tags['name'] !== written;
    this.#tags = { ...prepared.tags, url: this.#url, name: withoutCredentials(prepared.tags['name'] ?? this.#url) };
    this.#method = prepared.spec.method;
    this.#headers = { ...prepared.spec.headers };
    this.#body = prepared.spec.body;
    this.#current = prepared.spec;
  }

  /** The next hop's request: the script's headers plus the cookies and Authorization this hop gets. */
  spec(): HttpRequestSpec {
    const headers = { ...this.#headers };
    const u = parseUrl(this.#url);
    this.#sent = [];
    if (u !== undefined) {
      const trusted = sameTrustDomain(this.#initialHost, u.host);
      if (!trusted) ['authorization', 'cookie', 'www-authenticate'].forEach((h) => dropHeader(headers, h));
      if (this.#digest !== undefined) {
        dropHeader(headers, 'authorization');
        headers['Authorization'] = this.#digest;
      } else if (this.#auth === 'basic' && trusted && headerKey(headers, 'authorization') === undefined) {
        headers['Authorization'] = basicAuthorization(this.#vu.host, this.#credentials!);
      }
      const own = trusted ? this.#cookies : [];
      const replaced = own.filter((c) => c.replace).map((c) => c.name);
      const fromJar = this.#jar.matching(u).filter((c) => !replaced.includes(c.name));
      this.#sent = [...own, ...fromJar.map((c) => ({ name: c.name, value: c.value, replace: false }))];
      if (this.#sent.length > 0) {
        const key = headerKey(headers, 'cookie');
        const line = this.#sent.map((c) => `${c.name}=${c.value}`).join('; ');
        if (key !== undefined) headers[key] = `${headers[key]}; ${line}`;
        else headers['Cookie'] = line;
      }
    }
    const now = this.#vu.host.now();
    if (this.#started === 0) this.#started = now;
    // A later hop gets what is left of the timeout (at least 1 ms: a spent deadline ends as k6's timeout error).
    const timeoutMs = Math.max(1, this.#prepared.spec.timeoutMs - (now - this.#started));
    this.#current = {
      ...this.#prepared.spec,
      method: this.#method,
      url: this.#url,
      headers,
      body: this.#body,
      timeoutMs,
    };
    return this.#current;
  }

  /** Takes the result of the hop spec() built: records its samples, stores its cookies; true when another hop follows. */
  advance(r: HttpResult): boolean {
    const u = parseUrl(this.#url);
    if (u !== undefined) {
      for (const header of r.setCookies ?? []) {
        const c = parseSetCookie(header);
        if (c !== undefined) this.#jar.store(u, c);
      }
    }
    const spec = this.#current;
    if (this.#auth === 'digest' && !this.#challenged && r.status === 401 && u !== undefined) {
      const challenge = digestChallenge(r.headers['Www-Authenticate'] ?? '');
      if (challenge !== undefined) {
        // k6 expects a digest request's first answer to be the 401 challenge: it is not a failed request.
        const callback = this.#prepared.callback === null ? null : new ExpectedStatuses([{ min: 401, max: 401 }]);
        this.#record(spec, r, callback);
        this.#challenged = true;
        this.#digest = digestAuthorization(
          this.#vu.host,
          challenge,
          this.#method,
          u.path + u.query,
          this.#credentials!,
        );
        return true;
      }
    }
    const next = u === undefined ? undefined : redirectTarget(this.#method, r.status, r.headers['Location'], u);
    if (next !== undefined && this.#redirects < this.#limit.max) {
      this.#record(spec, r, this.#prepared.callback);
      this.#redirects++;
      // Go's client sends the previous URL as Referer, except from https to http.
      dropHeader(this.#headers, 'referer');
      if (!(u!.scheme === 'https' && next.url.startsWith('http:'))) this.#headers['Referer'] = this.#url;
      if (!next.keepBody) {
        this.#body = null;
        ['content-type', 'content-length'].forEach((h) => dropHeader(this.#headers, h));
      }
      this.#method = next.method;
      this.#url = withoutCredentials(next.url);
      this.#challenged = false;
      this.#digest = undefined;
      return true;
    }
    if (next !== undefined && !this.#limit.explicit) logRedirectLimit(this.#vu, this.#limit.max, this.#firstUrl);
    const res = this.#record(spec, r, this.#prepared.callback);
    res.cookies = responseCookies(r.setCookies ?? []);
    const sent: Dict = {};
    for (const c of this.#sent) ((sent[c.name] ??= []) as RequestCookie[]).push(c);
    res.request['cookies'] = sent;
    this.response = res;
    return false;
  }

  /** One hop's samples, tagged with its own method and URL (and name, unless the script named the request). */
  #record(spec: HttpRequestSpec, r: HttpResult, callback: ExpectedStatuses | null): Response {
    const tags: Tags = { ...this.#tags, method: this.#method, url: this.#url };
    if (!this.#named) tags['name'] = this.#url;
    return recordResponse(this.#vu, { ...this.#prepared, spec, tags, callback }, r);
  }
}
