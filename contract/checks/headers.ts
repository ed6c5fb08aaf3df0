// Header clauses: CORS must not hand a foreign origin credentialed access, and (hardening) every answer says nosniff,
// an https one carries HSTS, and none names the server's software version.
import { result } from './result.ts';
import type { CheckResult } from './result.ts';
import type { ResponseLike } from './security.ts';

/**
 * CORS-CREDENTIALS: an origin that is not allow-listed is never echoed in Access-Control-Allow-Origin together with
 * Access-Control-Allow-Credentials: true (that lets any web page read the answers with the user's cookies).
 */
export function corsDoesNotReflectWithCredentials(
  scenario: string,
  origin: string,
  response: Pick<ResponseLike, 'headers'>,
  allowed: readonly string[],
): CheckResult {
  const allowOrigin = response.headers['access-control-allow-origin']?.trim();
  const credentials = response.headers['access-control-allow-credentials']?.trim().toLowerCase() === 'true';
  const problems =
    credentials &&
    allowOrigin !== undefined &&
    allowOrigin.toLowerCase() === origin.toLowerCase() &&
    !allowed.includes(origin)
      ? [`${scenario}: Origin ${origin} is reflected with Access-Control-Allow-Credentials: true`]
      : [];
  return result('CORS-CREDENTIALS', 'corsDoesNotReflectWithCredentials', problems);
}

// Headers that name software and, with a digit-dot-digit, its version.
const versioned = /\d+\.\d+/;
const alwaysVersioned = ['x-aspnet-version', 'x-aspnetmvc-version'];

/**
 * RESPONSE-HEADERS (hardening): X-Content-Type-Options: nosniff; on https, Strict-Transport-Security with a positive
 * max-age; no Server or X-Powered-By naming a version, no X-AspNet(Mvc)-Version.
 */
export function responseHeadersAreHardened(
  responses: readonly { readonly scenario: string; readonly response: Pick<ResponseLike, 'headers'> }[],
  https: boolean,
): CheckResult {
  const problems: string[] = [];
  for (const { scenario, response } of responses) {
    const h = response.headers;
    if (h['x-content-type-options']?.trim().toLowerCase() !== 'nosniff') {
      problems.push(
        `${scenario}: X-Content-Type-Options is ${h['x-content-type-options'] === undefined ? 'missing' : `"${h['x-content-type-options']}"`}, expected nosniff`,
      );
    }
    if (https) {
      const maxAge = /(?:^|;)\s*max-age\s*=\s*"?(\d+)/i.exec(h['strict-transport-security'] ?? '')?.[1];
      if (maxAge === undefined || Number(maxAge) <= 0) {
        problems.push(`${scenario}: no Strict-Transport-Security with a positive max-age on an https answer`);
      }
    }
    for (const name of ['server', 'x-powered-by']) {
      const value = h[name];
      if (value !== undefined && versioned.test(value))
        problems.push(`${scenario}: ${name} "${value}" names a version`);
    }
    for (const name of alwaysVersioned) {
      if (h[name] !== undefined) problems.push(`${scenario}: ${name} "${h[name]}" names a version`);
    }
  }
  return result('RESPONSE-HEADERS', 'responseHeadersAreHardened', [...new Set(problems)]);
}
