// Token clauses of a 200: the jwt is a signed compact JWS with an allow-listed alg, the three token copies agree,
// the JWT's exp is the session's expires_at, its time claims are plausible and it names a subject, and — when the
// environment gives a key — its signature verifies. Decoding and verification are jose's. Problems never quote a token.
import { compactVerify, createLocalJWKSet, decodeJwt, decodeProtectedHeader } from 'jose';
import type { JSONWebKeySet } from 'jose';
import type { KeyObject } from 'node:crypto';
import { at, result } from './result.ts';
import type { CheckResult } from './result.ts';

const base64url = /^[A-Za-z0-9_-]+$/;

export interface DecodedJws {
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown> | undefined;
}

/**
 * Decodes a compact JWS without verifying it (jose's decodeProtectedHeader / decodeJwt); undefined if it is not one
 * (three base64url parts, the signature possibly empty, a JSON object header). The payload is undefined when it is
 * not a JSON object.
 */
export function decodeCompactJws(token: string): DecodedJws | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p, i) => (i === 2 ? p === '' || base64url.test(p) : base64url.test(p)))) {
    return undefined;
  }
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  let payload: Record<string, unknown> | undefined;
  try {
    payload = decodeJwt(token) as Record<string, unknown>;
  } catch {
    payload = undefined;
  }
  return { header, payload };
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

export interface ClaimsClock {
  /** Client time (epoch ms) just before the request was sent and just after the response arrived. */
  readonly sentAt: number;
  readonly receivedAt: number;
  /** Allowed difference between the server's clock and ours. */
  readonly skewMs: number;
}

/**
 * TOKEN-CLAIMS: the JWT was issued now, is valid now and later — `iat` not in the future, `nbf` (if any) not after
 * now, `exp` after `iat` and after now (all beyond the skew) — and names its subject (`sub`, a non-empty string; that
 * it is this identity is SESSION-IDENTITY's). A token that is not a decodable JWS is TOKEN-JWS's finding, not this.
 */
export function jwtClaimsArePlausible(body: unknown, clock: ClaimsClock): CheckResult {
  const problems: string[] = [];
  const jwt = at(body, 'jwt');
  const payload = typeof jwt === 'string' ? decodeCompactJws(jwt)?.payload : undefined;
  if (payload !== undefined) {
    const iso = (seconds: number): string => new Date(seconds * 1000).toISOString();
    const latest = (clock.receivedAt + clock.skewMs) / 1000;
    const earliest = (clock.sentAt - clock.skewMs) / 1000;
    const now = iso(clock.receivedAt / 1000);
    const numeric = (name: string): number | undefined => {
      const value = payload[name];
      if (value === undefined) return undefined;
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      problems.push(`the JWT ${name} claim is ${JSON.stringify(value)}, not a NumericDate`);
      return undefined;
    };
    const [iat, nbf, exp] = [numeric('iat'), numeric('nbf'), numeric('exp')];
    if (payload.iat === undefined) problems.push('the JWT has no iat claim');
    else if (iat !== undefined && iat > latest) problems.push(`the JWT iat ${iso(iat)} is in the future (now ${now})`);
    if (nbf !== undefined && nbf > latest)
      problems.push(`the JWT nbf ${iso(nbf)} is after now (${now}): not valid yet`);
    if (payload.exp === undefined) problems.push('the JWT has no exp claim');
    else if (exp !== undefined) {
      if (iat !== undefined && exp <= iat) problems.push(`the JWT exp ${iso(exp)} is not after its iat ${iso(iat)}`);
      if (exp <= earliest) problems.push(`the JWT exp ${iso(exp)} is already past (now ${now})`);
    }
    const sub = payload.sub;
    if (typeof sub !== 'string' || sub.trim() === '') {
      problems.push(sub === undefined ? 'the JWT has no sub claim' : `the JWT sub is ${JSON.stringify(sub)}`);
    }
  }
  return result('TOKEN-CLAIMS', 'jwtClaimsArePlausible', problems);
}

/** Where the signature is checked against: a public key (JWT_PUBLIC_KEY) or a JWKS (JWT_JWKS_URL, or the reference's). */
export type VerificationKey =
  | { readonly kind: 'public-key'; readonly key: KeyObject; readonly source: string }
  | { readonly kind: 'jwks'; readonly jwks: JSONWebKeySet; readonly source: string };

/**
 * TOKEN-SIGNATURE: the jwt's signature verifies under the key the environment names, with an allow-listed alg.
 * Only a compact JWS with an allow-listed alg and a signature is verified; anything else is TOKEN-JWS's finding.
 */
export async function jwtSignatureVerifies(
  body: unknown,
  key: VerificationKey,
  allowList: readonly string[],
): Promise<CheckResult> {
  const problems: string[] = [];
  const jwt = at(body, 'jwt');
  const decoded = typeof jwt === 'string' ? decodeCompactJws(jwt) : undefined;
  const alg = decoded?.header.alg;
  if (typeof jwt === 'string' && typeof alg === 'string' && allowList.includes(alg) && !jwt.endsWith('.')) {
    try {
      if (key.kind === 'public-key') await compactVerify(jwt, key.key, { algorithms: [...allowList] });
      else await compactVerify(jwt, createLocalJWKSet(key.jwks), { algorithms: [...allowList] });
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      problems.push(`the jwt (alg ${alg}) does not verify with ${key.source}: ${why}`);
    }
  }
  return result('TOKEN-SIGNATURE', 'jwtSignatureVerifies', problems);
}
