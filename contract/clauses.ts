// The contract clauses of POST /api/auth/login. Every check, test title, Allure label, reference defect and
// mutation-table row names one of these ids, so a reader goes from a failure to its clause in one hop.
export const clauseKinds = ['contract', 'security', 'hardening'] as const;
export type ClauseKind = (typeof clauseKinds)[number];

export interface Clause {
  readonly id: string;
  readonly title: string;
  /**
   * Where the clause comes from, which decides its default policy (config/contract-policy.json):
   * `contract` — the OpenAPI document says it; `security` — what any login must guarantee, although the document is
   * silent; `hardening` — good practice the document does not require (advisory by default: a healthy server that
   * does otherwise must not turn the gate red).
   */
  readonly kind: ClauseKind;
  readonly severity: 'blocker' | 'critical' | 'normal' | 'minor';
}

const list = [
  {
    id: 'STATUS-DOCUMENTED',
    title: 'every response status is documented (200, 400, 401, 502)',
    kind: 'contract',
    severity: 'blocker',
  },
  {
    id: 'CONTENT-TYPE',
    title: 'responses carry a documented media type (application/json)',
    kind: 'contract',
    severity: 'critical',
  },
  { id: 'S200-SCHEMA', title: '200 body conforms to AuthLoginResponse', kind: 'contract', severity: 'blocker' },
  {
    id: 'ERROR-SCHEMA',
    title: 'error bodies (400, 401, 502) conform to AuthError',
    kind: 'contract',
    severity: 'critical',
  },
  {
    id: 'ERROR-STATUS-MATCH',
    title: 'AuthError.status equals the HTTP status',
    kind: 'contract',
    severity: 'normal',
  },
  {
    id: 'ERROR-NO-INTERNALS',
    title: 'error bodies reveal no stack trace or internal detail',
    kind: 'security',
    severity: 'critical',
  },
  {
    id: 'TOKEN-JWS',
    title: 'jwt is a compact JWS with an allow-listed alg (never none)',
    kind: 'security',
    severity: 'blocker',
  },
  {
    id: 'TOKEN-CONSISTENT',
    title: 'jwt = session.tokenized = tokenizedSession.tokenized',
    kind: 'contract',
    severity: 'critical',
  },
  {
    id: 'TOKEN-EXP-MATCHES-SESSION',
    title: 'JWT exp equals session.expires_at (within 1 s)',
    kind: 'security',
    severity: 'critical',
  },
  { id: 'SESSION-TIMES', title: 'authenticated_at <= now < expires_at', kind: 'contract', severity: 'critical' },
  { id: 'SESSION-ACTIVE', title: 'a new session is active', kind: 'contract', severity: 'critical' },
  {
    id: 'SESSION-IDENTITY',
    title: 'the session belongs to the identity that logged in (email, ids)',
    kind: 'security',
    severity: 'critical',
  },
  {
    id: 'SESSION-UNIQUE',
    title: 'each login issues a fresh session id, sessionToken and jwt',
    kind: 'security',
    severity: 'critical',
  },
  { id: 'SEC-NO-SECRET-ECHO', title: 'no response contains the password', kind: 'security', severity: 'blocker' },
  { id: 'SEC-NO-STORE', title: 'a 200 carries Cache-Control: no-store', kind: 'security', severity: 'critical' },
  {
    id: 'REQUEST-VALIDATION',
    title: 'every malformed request gets 400 AuthError',
    kind: 'contract',
    severity: 'critical',
  },
  {
    id: 'AUTH-REJECTS-BAD-CREDENTIALS',
    title: 'wrong or unknown credentials get 401 AuthError',
    kind: 'contract',
    severity: 'blocker',
  },
  {
    id: 'SEC-NO-ENUMERATION-BODY',
    title: '401 bodies for unknown identifier and wrong password are identical',
    kind: 'security',
    severity: 'critical',
  },
  {
    id: 'SEC-NO-ENUMERATION-TIMING',
    title: '401 timings for unknown identifier and wrong password are indistinguishable',
    kind: 'security',
    severity: 'critical',
  },
  {
    id: 'UPSTREAM-502',
    title: 'an identity backend failure gets 502 AuthError',
    kind: 'contract',
    severity: 'normal',
  },
  {
    id: 'DUPLICATE-KEYS',
    title:
      'a body that repeats a property is refused with 400 (the document is silent; most JSON parsers keep the last)',
    kind: 'hardening',
    severity: 'minor',
  },
  { id: 'METHODS', title: 'GET, PUT, PATCH, DELETE on the path never succeed', kind: 'security', severity: 'normal' },
  {
    id: 'TOKEN-CLAIMS',
    title: 'JWT iat is not in the future, nbf (if any) not after now, exp after iat and now, sub present',
    kind: 'security',
    severity: 'critical',
  },
  {
    id: 'TOKEN-SIGNATURE',
    title: 'the jwt signature verifies with the published key (JWKS or public key of the environment)',
    kind: 'security',
    severity: 'blocker',
  },
  {
    id: 'CREDENTIALS-CHANNEL',
    title:
      'credentials log in only as the JSON body of a POST: never from a query string, a form body, Basic auth or a method override',
    kind: 'security',
    severity: 'critical',
  },
  {
    id: 'INJECTION',
    title: 'SQL, NoSQL, LDAP and wildcard payloads never log in, never get a 5xx, and get their documented status',
    kind: 'security',
    severity: 'blocker',
  },
  {
    id: 'PASSWORD-EXACT',
    title: 'only the whole password logs in: not a prefix, not with a NUL and more appended, not in another case',
    kind: 'security',
    severity: 'critical',
  },
  {
    id: 'PASSWORD-VERBATIM',
    title:
      'the password is compared as sent: not trimmed, not Unicode-normalised (NIST SP 800-63B allows both, so advisory)',
    kind: 'hardening',
    severity: 'minor',
  },
  {
    id: 'INPUT-SIZE',
    title: 'identifiers and passwords of 1 KiB, 8 KiB and near 16 KiB get 400 or 401, never a 5xx or a session',
    kind: 'security',
    severity: 'normal',
  },
  {
    id: 'LONG-PASSWORD-COST',
    title: 'a near-16 KiB password is answered within a bounded factor of a normal wrong password (no hashing DoS)',
    kind: 'security',
    severity: 'normal',
  },
  {
    id: 'CORS-CREDENTIALS',
    title: 'a foreign Origin is never reflected with Access-Control-Allow-Credentials: true (preflight or POST)',
    kind: 'security',
    severity: 'critical',
  },
  {
    id: 'RESPONSE-HEADERS',
    title: 'responses carry X-Content-Type-Options: nosniff, HSTS on https, and no server version banner',
    kind: 'hardening',
    severity: 'minor',
  },
] as const satisfies readonly Clause[];

export type ClauseId = (typeof list)[number]['id'];
export const clauses: readonly Clause[] = list;
export const clauseById: ReadonlyMap<string, Clause> = new Map(list.map((c) => [c.id, c]));

/** Test-title tag for a clause, e.g. `[TOKEN-CONSISTENT]`, so reports and the mutation table can attribute failures. */
export function clauseTag(id: ClauseId): string {
  return `[${id}]`;
}
