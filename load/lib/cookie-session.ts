// The cookie-session variant of a login (LOAD_SESSION=cookie, see session-mode.ts), k6 side: after a successful
// login the session cookie must be in the VU's cookie jar, and a request that carries nothing but the jar's cookies
// must reach the session. Real k6 and the local engine keep one jar per VU, emptied at each iteration.
import { check } from 'k6';
import http from 'k6/http';
import { cookieCheckNames, type SessionMode } from './session-mode.ts';
import { joinUrl } from './url.ts';

// Built once per VU at init, as login.ts does with its callbacks.
const expectSession = http.expectedStatuses(200);

export function checkCookieSession(baseUrl: string, mode: Extract<SessionMode, { kind: 'cookie' }>): void {
  const url = joinUrl(baseUrl, mode.checkPath);
  const inJar = (http.cookieJar().cookiesForURL(url)[mode.cookieName] ?? []).length > 0;
  check(null, { [cookieCheckNames.inJar]: () => inJar });
  if (!inJar) return;
  const res = http.get(url, {
    headers: { Accept: 'application/json' },
    tags: { name: 'session' },
    responseCallback: expectSession,
  });
  check(res, { [cookieCheckNames.accepted]: (r) => r.status === 200 });
}
