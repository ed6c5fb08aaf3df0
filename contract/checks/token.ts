// Token clauses of a 200: the jwt is a signed compact JWS with an allow-listed alg, the three token copies agree,
// and the JWT's exp is the session's expires_at. Problems never quote a token.
import { at, result } from './result.ts';
import type { CheckResult } from './result.ts';

const base64url = /^[A-Za-z0-9_-]+$/;

export interface DecodedJws {
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown> | undefined;
}

/** Decodes a compact JWS without verifying it (the key is the server's); undefined if it is not one. */
export function decodeCompactJws(token: string): DecodedJws | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p, i) => (i === 2 ? p === '' || base64url.test(p) : base64url.test(p)))) {
    return undefined;
  }
  const header = decodeSegment(parts[0] ?? '');
  if (header === undefined) return undefined;
  return { header, payload: decodeSegment(parts[1] ?? '') };
}

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** TOKEN-JWS: `jwt` is header.payload.signature (base64url JSON), alg allow-listed and never `none`, signed. */
export function jwtIsAllowListedJws(body: unknown, allowList: readonly string[]): CheckResult {
  const problems: string[] = [];
  const jwt = at(body, 'jwt');
  if (typeof jwt !== 'string') {
    problems.push('jwt is missing or not a string');
  } else {
    const parts = jwt.split('.');
    const decoded = decodeCompactJws(jwt);
    if (decoded === undefined) {
      problems.push(`jwt is not a compact JWS (${parts.length} dot-separated parts; expected 3 base64url parts)`);
    } else {
      const alg = decoded.header.alg;
      if (typeof alg !== 'string') problems.push('the JWS header has no alg');
      else if (alg.toLowerCase() === 'none') problems.push('the JWS alg is "none": the token is unsigned');
      else if (!allowList.includes(alg))
        problems.push(`the JWS alg "${alg}" is not allow-listed (${allowList.join(',')})`);
      if ((parts[2] ?? '') === '') problems.push('the JWS has an empty signature');
      if (decoded.payload === undefined) problems.push('the JWS payload is not a JSON object');
      if (decoded.header.crit !== undefined)
        problems.push('the JWS header carries "crit" extensions clients cannot honour');
    }
  }
  return result('TOKEN-JWS', 'jwtIsAllowListedJws', problems);
}

/** TOKEN-CONSISTENT: `jwt` = `session.tokenized` = `tokenizedSession.tokenized`. */
export function tokensAreConsistent(body: unknown): CheckResult {
  const problems: string[] = [];
  const jwt = at(body, 'jwt');
  const fromSession = at(body, 'session', 'tokenized');
  const fromTokenized = at(body, 'tokenizedSession', 'tokenized');
  if (typeof jwt !== 'string') problems.push('jwt is missing');
  if (fromSession !== jwt)
    problems.push(fromSession === undefined ? 'session.tokenized is missing' : 'session.tokenized differs from jwt');
  if (fromTokenized !== jwt) {
    problems.push(
      fromTokenized === undefined
        ? 'tokenizedSession.tokenized is missing'
        : 'tokenizedSession.tokenized differs from jwt',
    );
  }
  return result('TOKEN-CONSISTENT', 'tokensAreConsistent', problems);
}

/** TOKEN-EXP-MATCHES-SESSION: the JWT `exp` (seconds) equals `session.expires_at` within 1 s. */
export function jwtExpMatchesSession(body: unknown, toleranceMs = 1000): CheckResult {
  const problems: string[] = [];
  const jwt = at(body, 'jwt');
  const payload = typeof jwt === 'string' ? decodeCompactJws(jwt)?.payload : undefined;
  const exp = payload?.exp;
  const expiresAt = at(body, 'session', 'expires_at');
  const expiresMs = typeof expiresAt === 'string' ? Date.parse(expiresAt) : Number.NaN;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) problems.push('the JWT has no numeric exp claim');
  if (Number.isNaN(expiresMs)) problems.push('session.expires_at is missing or not a date');
  if (problems.length === 0 && typeof exp === 'number') {
    const deltaMs = exp * 1000 - expiresMs;
    if (Math.abs(deltaMs) > toleranceMs) {
      problems.push(
        `JWT exp is ${new Date(exp * 1000).toISOString()} but session.expires_at is ${String(expiresAt)} (${Math.round(deltaMs / 1000)} s apart)`,
      );
    }
  }
  return result('TOKEN-EXP-MATCHES-SESSION', 'jwtExpMatchesSession', problems);
}
