// What a login response must show under load, as named predicates over the raw body. Pure so Node tests can prove
// each one fails on a broken response. Clause ids (contract/clauses.ts) prefix the check names the reports show.
import { isRecord } from './profiles.ts';

export const loginPath = '/api/auth/login';

export const documentedStatuses: readonly number[] = [200, 400, 401, 502];

export const checkNames = {
  status200: 'login: status is 200',
  tokens: '[S200-SCHEMA] login: JSON body with jwt and sessionToken',
  consistent: '[TOKEN-CONSISTENT] login: jwt equals session.tokenized',
  rejected: '[AUTH-REJECTS-BAD-CREDENTIALS] wrong password: 401 AuthError',
} as const;

/** A status the server answered that the contract does not list (0 = no response at all, counted as failed). */
export function isUndocumentedStatus(status: number): boolean {
  return status !== 0 && !documentedStatuses.includes(status);
}

export function jsonObject(body: unknown): { [key: string]: unknown } | undefined {
  if (typeof body !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function hasTokens(body: unknown): boolean {
  const json = jsonObject(body);
  return json !== undefined && nonEmptyString(json.jwt) && nonEmptyString(json.sessionToken);
}

export function jwtMatchesSession(body: unknown): boolean {
  const json = jsonObject(body);
  const session = json === undefined ? undefined : json.session;
  return json !== undefined && nonEmptyString(json.jwt) && isRecord(session) && session.tokenized === json.jwt;
}

/** A 401 whose body is an AuthError {error, message, status} with status 401. */
export function isRejection(status: number, body: unknown): boolean {
  const json = jsonObject(body);
  return (
    status === 401 &&
    json !== undefined &&
    typeof json.error === 'string' &&
    typeof json.message === 'string' &&
    json.status === 401
  );
}

function nonEmptyString(value: unknown): boolean {
  return typeof value === 'string' && value !== '';
}

/** Readiness: `POST /api/auth/login` with `{}` must get a JSON 400 (or 401). Returns what is wrong, or undefined. */
export function readinessProblem(status: number, contentType: string, transportError: string): string | undefined {
  if ((status === 400 || status === 401) && /^application\/json/i.test(contentType)) return undefined;
  return status === 0 ? `no answer (${transportError})` : `status ${status} (${contentType || 'no Content-Type'})`;
}

export const readinessHint = 'POST /api/auth/login with {} must answer a JSON 400 AuthError';
