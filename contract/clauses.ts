// The contract clauses of POST /api/auth/login. Every check, test title, Allure label, reference defect and
// mutation-table row names one of these ids, so a reader goes from a failure to its clause in one hop.
export interface Clause {
  readonly id: string;
  readonly title: string;
  /** Where the clause comes from: the OpenAPI document, or what a login must guarantee beyond it. */
  readonly source: 'openapi' | 'semantics' | 'security';
  readonly severity: 'blocker' | 'critical' | 'normal' | 'minor';
}

const list = [
  {
    id: 'STATUS-DOCUMENTED',
    title: 'every response status is documented (200, 400, 401, 502)',
    source: 'openapi',
    severity: 'blocker',
  },
  {
    id: 'CONTENT-TYPE',
    title: 'responses carry a documented media type (application/json)',
    source: 'openapi',
    severity: 'critical',
  },
  { id: 'S200-SCHEMA', title: '200 body conforms to AuthLoginResponse', source: 'openapi', severity: 'blocker' },
  {
    id: 'ERROR-SCHEMA',
    title: 'error bodies (400, 401, 502) conform to AuthError',
    source: 'openapi',
    severity: 'critical',
  },
  {
    id: 'ERROR-STATUS-MATCH',
    title: 'AuthError.status equals the HTTP status',
    source: 'semantics',
    severity: 'normal',
  },
  {
    id: 'ERROR-NO-INTERNALS',
    title: 'error bodies reveal no stack trace or internal detail',
    source: 'security',
    severity: 'critical',
  },
  {
    id: 'TOKEN-JWS',
    title: 'jwt is a compact JWS with an allow-listed alg (never none)',
    source: 'security',
    severity: 'blocker',
  },
  {
    id: 'TOKEN-CONSISTENT',
    title: 'jwt = session.tokenized = tokenizedSession.tokenized',
    source: 'semantics',
    severity: 'critical',
  },
  {
    id: 'TOKEN-EXP-MATCHES-SESSION',
    title: 'JWT exp equals session.expires_at (within 1 s)',
    source: 'semantics',
    severity: 'critical',
  },
  { id: 'SESSION-TIMES', title: 'authenticated_at <= now < expires_at', source: 'semantics', severity: 'critical' },
  { id: 'SESSION-ACTIVE', title: 'a new session is active', source: 'semantics', severity: 'critical' },
  {
    id: 'SESSION-IDENTITY',
    title: 'the session belongs to the identity that logged in (email, ids)',
    source: 'semantics',
    severity: 'critical',
  },
  {
    id: 'SESSION-UNIQUE',
    title: 'each login issues a fresh session id, sessionToken and jwt',
    source: 'security',
    severity: 'critical',
  },
  { id: 'SEC-NO-SECRET-ECHO', title: 'no response contains the password', source: 'security', severity: 'blocker' },
  { id: 'SEC-NO-STORE', title: 'a 200 carries Cache-Control: no-store', source: 'security', severity: 'critical' },
  {
    id: 'REQUEST-VALIDATION',
    title: 'every malformed request gets 400 AuthError',
    source: 'openapi',
    severity: 'critical',
  },
  {
    id: 'AUTH-REJECTS-BAD-CREDENTIALS',
    title: 'wrong or unknown credentials get 401 AuthError',
    source: 'openapi',
    severity: 'blocker',
  },
  {
    id: 'SEC-NO-ENUMERATION-BODY',
    title: '401 bodies for unknown identifier and wrong password are identical',
    source: 'security',
    severity: 'critical',
  },
  {
    id: 'SEC-NO-ENUMERATION-TIMING',
    title: '401 timings for unknown identifier and wrong password are indistinguishable',
    source: 'security',
    severity: 'critical',
  },
  {
    id: 'UPSTREAM-502',
    title: 'an identity backend failure gets 502 AuthError',
    source: 'openapi',
    severity: 'normal',
  },
  { id: 'METHODS', title: 'GET, PUT, PATCH, DELETE on the path never succeed', source: 'openapi', severity: 'normal' },
] as const satisfies readonly Clause[];

export type ClauseId = (typeof list)[number]['id'];
export const clauses: readonly Clause[] = list;
export const clauseById: ReadonlyMap<string, Clause> = new Map(list.map((c) => [c.id, c]));

/** Test-title tag for a clause, e.g. `[TOKEN-CONSISTENT]`, so reports and the mutation table can attribute failures. */
export function clauseTag(id: ClauseId): string {
  return `[${id}]`;
}
