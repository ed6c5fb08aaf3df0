// What the app answers, before serialisation: a status, headers and a JSON value. Defects transform these values,
// so the catalog stays declarative (see defects.ts).
import type { Device } from './identity/service.ts';
import type { Credentials, RequestProblem } from './request.ts';
import type { SessionClaims } from './tokens.ts';

export interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
  /** Sent verbatim instead of JSON.stringify(body) (only defects use it). */
  readonly raw?: string;
}

export interface AppResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export type ReplyKind =
  'login' | 'bad-request' | 'bad-credentials' | 'upstream-failure' | 'method-not-allowed' | 'not-found';

export interface ReplyContext {
  readonly kind: ReplyKind;
  readonly method: string;
  /** The request headers, lower-case names (never logged). */
  readonly headers: Readonly<Record<string, string>>;
  /** The request body as text (never logged). */
  readonly rawBody: string;
  readonly credentials?: Credentials;
  readonly reason?: 'unknown-identifier' | 'wrong-password';
  readonly problem?: RequestProblem;
  readonly cause?: Error;
  /** Per-app scratch space for stateful defects (bounded by the number of accounts). */
  readonly memo: Map<string, unknown>;
}

export interface Identity {
  readonly id: string;
  readonly traits: { readonly email: string } & Readonly<Record<string, unknown>>;
}

export interface SessionBody {
  readonly id: string;
  readonly active: boolean;
  readonly authenticated_at: string;
  readonly expires_at: string;
  readonly devices: readonly Device[];
  readonly identity: Identity;
  readonly tokenized: string;
}

export interface LoginBody {
  readonly sessionToken: string;
  readonly jwt: string;
  readonly session: SessionBody;
  readonly identity: Identity;
  readonly tokenizedSession: SessionBody;
}

/** The session as decided before the JWT is signed; defects may alter it so the JWT stays consistent with it. */
export interface SessionDraft {
  readonly id: string;
  readonly active: boolean;
  readonly authenticatedAt: string;
  readonly expiresAt: string;
  readonly devices: readonly Device[];
  readonly identity: Identity;
}

export interface LoginContext extends ReplyContext {
  readonly claims: SessionClaims;
  sign(claims: SessionClaims): Promise<string>;
}

export const BASE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

/** An AuthError reply whose `status` equals the HTTP status. */
export function authError(status: number, error: string, message: string, headers: Record<string, string> = {}): Reply {
  return { status, headers: { ...BASE_HEADERS, ...headers }, body: { error, message, status } };
}

export function serialize(reply: Reply): AppResponse {
  const body = reply.raw ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
  return { status: reply.status, headers: reply.headers, body };
}
