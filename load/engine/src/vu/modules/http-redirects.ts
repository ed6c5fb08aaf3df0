// k6/http's redirects, with Go's client rules (k6 follows them through Go's net/http): 301, 302 and 303 turn a
// request other than GET/HEAD into a GET without body; 307 and 308 repeat method and body. k6 follows up to
// options.maxRedirects (default 10), or params.redirects for one request; past the limit the last response (the
// redirection itself) is returned, and when the limit was the global one a warning says so.
import type { VuState } from '../vu-state.ts';
import { Error, JSON, Number, String } from '../sandbox-builtins.ts';
import { resolveReference, type ParsedUrl } from '../url.ts';

export const DEFAULT_MAX_REDIRECTS = 10;

export interface RedirectLimit {
  max: number;
  /** True when params.redirects set it (k6 then returns the redirection without a warning). */
  explicit: boolean;
}

function wholeNumber(v: unknown, what: string): number {
  const n = typeof v === 'number' ? v : Number.NaN;
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(`${what} must be a whole number >= 0, got ${JSON.stringify(v) ?? String(v)}`);
  }
  return n;
}

/** params.redirects for this request, else the script's options.maxRedirects, else k6's default. */
export function redirectLimit(vu: VuState, params: Record<string, unknown>): RedirectLimit {
  const own = params['redirects'];
  if (own !== undefined && own !== null) return { max: wholeNumber(own, 'params.redirects'), explicit: true };
  const options = vu.exports['options'] as Record<string, unknown> | undefined;
  const global = options?.['maxRedirects'];
  if (global === undefined || global === null) return { max: DEFAULT_MAX_REDIRECTS, explicit: false };
  return { max: wholeNumber(global, 'options.maxRedirects'), explicit: false };
}

export interface NextHop {
  method: string;
  url: string;
  /** False when the redirect turns the request into a GET without body. */
  keepBody: boolean;
}

/** Where a response sends the request next, or undefined when it is not a redirect to follow. */
export function redirectTarget(
  method: string,
  status: number,
  location: string | undefined,
  from: ParsedUrl,
): NextHop | undefined {
  if (location === undefined || location === '') return undefined;
  const url = resolveReference(from, location);
  if (status === 301 || status === 302 || status === 303) {
    const keep = method === 'GET' || method === 'HEAD';
    return { method: keep ? method : 'GET', url, keepBody: false };
  }
  if (status === 307 || status === 308) return { method, url, keepBody: true };
  return undefined;
}

/** Go forwards Authorization and Cookie headers only to the same host or one of its subdomains. */
export function sameTrustDomain(initialHost: string, host: string): boolean {
  return host === initialHost || host.endsWith(`.${initialHost}`);
}

/** k6's warning when the global limit stops a chain. */
export function logRedirectLimit(vu: VuState, limit: number, url: string): void {
  vu.host.log(
    'warn',
    `Stopped after ${limit} redirects and returned the redirection; pass { redirects: n } in request params or set global maxRedirects to n to increase the limit  url=${url}`,
  );
}
