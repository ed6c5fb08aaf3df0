// Which session shape the deployment under load has (LOAD_SESSION): `token` (the default: the login's JSON body
// carries the session, as the pinned contract says) or `cookie` (the login also sets a session cookie, and a request
// carrying only that cookie must reach the session: LOAD_SESSION_COOKIE names it, LOAD_SESSION_PATH is that request's
// path). Pure, so Node tests check the parsing; lib/cookie-session.ts does the k6 side.
import { LoadInputError } from './input-error.ts';

export type SessionMode =
  { readonly kind: 'token' } | { readonly kind: 'cookie'; readonly cookieName: string; readonly checkPath: string };

/** The variant's two checks (after a successful login). */
export const cookieCheckNames = {
  inJar: 'session: the login set the session cookie',
  accepted: 'session: the cookie alone opens the session',
} as const;

export const defaultSessionCookie = 'session';
export const defaultSessionPath = '/api/auth/session';

/** RFC 6265 cookie-name (an RFC 7230 token). */
const cookieName = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function sessionModeFrom(env: Readonly<Record<string, string | undefined>>): SessionMode {
  const kind = (env['LOAD_SESSION'] ?? '').trim();
  if (kind === '' || kind === 'token') return { kind: 'token' };
  if (kind !== 'cookie') {
    throw new LoadInputError(`LOAD_SESSION="${kind}" must be token (the default) or cookie`);
  }
  const name = (env['LOAD_SESSION_COOKIE'] ?? '').trim() || defaultSessionCookie;
  if (!cookieName.test(name)) {
    throw new LoadInputError(`LOAD_SESSION_COOKIE="${name}" is not a cookie name (letters, digits, !#$%&'*+-.^_\`|~)`);
  }
  const path = (env['LOAD_SESSION_PATH'] ?? '').trim() || defaultSessionPath;
  if (!path.startsWith('/')) {
    throw new LoadInputError(
      `LOAD_SESSION_PATH="${path}" must be a path under the base URL, e.g. ${defaultSessionPath}`,
    );
  }
  return { kind: 'cookie', cookieName: name, checkPath: path };
}
