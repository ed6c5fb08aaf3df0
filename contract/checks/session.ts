// Session clauses of a 200: plausible times, an active session, the identity that logged in, a fresh session each time.
import { at, result } from './result.ts';
import { decodeCompactJws } from './token.ts';
import type { CheckResult } from './result.ts';

export interface Clock {
  /** Client time (epoch ms) just before the request was sent and just after the response arrived. */
  readonly sentAt: number;
  readonly receivedAt: number;
  /** Allowed difference between the server's clock and ours. */
  readonly skewMs: number;
}

/** Default clock skew tolerated between the target and the machine running the suite. */
export const defaultSkewMs = 10_000;

/**
 * SESSION-TIMES: for `session` and `tokenizedSession`, sentAt - skew <= authenticated_at <= receivedAt + skew
 * < expires_at. A new login is authenticated now, not earlier, and not already expired.
 */
export function sessionTimesArePlausible(body: unknown, clock: Clock): CheckResult {
  const problems: string[] = [];
  for (const name of ['session', 'tokenizedSession']) {
    const session = at(body, name);
    if (session === undefined) continue;
    const authenticated = at(session, 'authenticated_at');
    const expires = at(session, 'expires_at');
    const authMs = typeof authenticated === 'string' ? Date.parse(authenticated) : Number.NaN;
    const expMs = typeof expires === 'string' ? Date.parse(expires) : Number.NaN;
    if (Number.isNaN(authMs)) problems.push(`${name}.authenticated_at is missing or not a date`);
    if (Number.isNaN(expMs)) problems.push(`${name}.expires_at is missing or not a date`);
    if (Number.isNaN(authMs) || Number.isNaN(expMs)) continue;
    const now = new Date(clock.receivedAt).toISOString();
    if (authMs > clock.receivedAt + clock.skewMs) {
      problems.push(`${name}.authenticated_at ${String(authenticated)} is in the future (now ${now})`);
    }
    if (authMs < clock.sentAt - clock.skewMs) {
      problems.push(
        `${name}.authenticated_at ${String(authenticated)} predates this login (sent ${new Date(clock.sentAt).toISOString()})`,
      );
    }
    if (expMs <= clock.receivedAt - clock.skewMs)
      problems.push(`${name}.expires_at ${String(expires)} is already past (now ${now})`);
    if (expMs <= authMs)
      problems.push(`${name}.expires_at ${String(expires)} is not after authenticated_at ${String(authenticated)}`);
  }
  if (at(body, 'session') === undefined) problems.push('session is missing');
  return result('SESSION-TIMES', 'sessionTimesArePlausible', problems);
}

/** SESSION-ACTIVE: `session.active` is true (and `tokenizedSession.active`, when present, is not false). */
export function sessionIsActive(body: unknown): CheckResult {
  const problems: string[] = [];
  const active = at(body, 'session', 'active');
  if (active !== true) problems.push(`session.active is ${JSON.stringify(active) ?? 'missing'}, expected true`);
  const tokenized = at(body, 'tokenizedSession', 'active');
  if (tokenized !== undefined && tokenized !== true)
    problems.push(`tokenizedSession.active is ${JSON.stringify(tokenized)}`);
  return result('SESSION-ACTIVE', 'sessionIsActive', problems);
}

/**
 * SESSION-IDENTITY: `identity.traits.email` is the identifier that logged in (case-insensitive, as emails are),
 * every nested identity (session.identity, tokenizedSession.identity) is that same identity, and so is the JWT
 * subject when the token names one.
 */
export function sessionBelongsToIdentity(body: unknown, identifier: string): CheckResult {
  const problems: string[] = [];
  const identity = at(body, 'identity') ?? at(body, 'session', 'identity');
  const email = at(identity, 'traits', 'email');
  if (typeof email !== 'string') problems.push('identity.traits.email is missing');
  else if (email.trim().toLowerCase() !== identifier.trim().toLowerCase()) {
    problems.push(`identity.traits.email is "${email}", expected "${identifier}"`);
  }
  const id = at(identity, 'id');
  if (typeof id !== 'string' || id === '') problems.push('identity.id is missing');
  for (const name of ['session', 'tokenizedSession']) {
    const nested = at(body, name, 'identity');
    if (nested === undefined) continue;
    if (at(nested, 'id') !== id) problems.push(`${name}.identity.id differs from identity.id`);
    const nestedEmail = at(nested, 'traits', 'email');
    if (
      typeof nestedEmail === 'string' &&
      typeof email === 'string' &&
      nestedEmail.toLowerCase() !== email.toLowerCase()
    ) {
      problems.push(`${name}.identity.traits.email differs from identity.traits.email`);
    }
  }
  const jwt = at(body, 'jwt');
  const sub = typeof jwt === 'string' ? decodeCompactJws(jwt)?.payload?.sub : undefined;
  if (sub !== undefined && sub !== id) problems.push('the JWT sub is another identity than identity.id');
  return result('SESSION-IDENTITY', 'sessionBelongsToIdentity', problems);
}

/** SESSION-UNIQUE: across logins, every session.id, sessionToken and jwt is new. */
export function sessionsAreFresh(bodies: readonly unknown[]): CheckResult {
  const problems: string[] = [];
  const fields: [string, string[]][] = [
    ['session.id', ['session', 'id']],
    ['sessionToken', ['sessionToken']],
    ['jwt', ['jwt']],
  ];
  for (const [label, path] of fields) {
    const values = bodies.map((b) => at(b, ...path));
    if (values.some((v) => typeof v !== 'string' || v === '')) {
      problems.push(`${label} is missing in at least one login`);
      continue;
    }
    const distinct = new Set(values).size;
    if (distinct !== values.length)
      problems.push(`${label} repeated: ${values.length} logins gave ${distinct} distinct values`);
  }
  return result('SESSION-UNIQUE', 'sessionsAreFresh', problems);
}
