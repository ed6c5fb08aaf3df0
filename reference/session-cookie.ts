// The cookie-session shape some deployments have (--session-cookie NAME): a successful login also sets the session
// token as an HttpOnly cookie, and GET /api/auth/session answers whether the cookie a client sends names a live
// session, as Kratos' /sessions/whoami does. Off by default: the pinned contract is the JSON body alone. The load
// suite's cookie variant (LOAD_SESSION=cookie) exercises it.
import { authError, BASE_HEADERS } from './reply.ts';
import type { Identity, Reply } from './reply.ts';

export const SESSION_PATH = '/api/auth/session';

/** RFC 6265 cookie-name (an RFC 7230 token). */
export const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Sessions remembered at most (oldest forgotten first): bounded memory under any load. */
const MAX_SESSIONS = 100_000;

interface Remembered {
  readonly identity: Identity;
  readonly expiresAt: number;
}

export interface CookieSessions {
  /** The Set-Cookie value for a session just issued (and remembered until it expires). */
  issue(token: string, identity: Identity, expiresAt: string, secure: boolean): string;
  /** GET /api/auth/session: 200 with the identity of the cookie's live session, else 401. */
  answer(cookieHeader: string | undefined): Reply;
}

export function createCookieSessions(name: string, now: () => number = Date.now): CookieSessions {
  const sessions = new Map<string, Remembered>();
  return {
    issue(token, identity, expiresAt, secure) {
      if (sessions.size >= MAX_SESSIONS) sessions.delete(sessions.keys().next().value!);
      const expires = Date.parse(expiresAt);
      sessions.set(token, { identity, expiresAt: expires });
      const maxAge = Math.max(0, Math.floor((expires - now()) / 1000));
      return `${name}=${token}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
    },
    answer(cookieHeader) {
      const token = cookieValue(cookieHeader ?? '', name);
      const session = token === undefined ? undefined : sessions.get(token);
      if (session === undefined || session.expiresAt <= now()) {
        return authError(401, 'unauthorized', `No live session: log in first and send the ${name} cookie.`);
      }
      return { status: 200, headers: BASE_HEADERS, body: { active: true, identity: session.identity } };
    },
  };
}

function cookieValue(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
