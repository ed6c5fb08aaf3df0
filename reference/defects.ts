// The defect catalog: deliberate contract breaks the suite must catch (`--defect NAME`). Each entry names the
// clause(s) of contract/clauses.ts it breaks and is one declarative transformation at one stage of a login:
//   identity  -> faults inside the identity service (timing, password check, injectable lookups)
//   lenient   -> request problems the validator lets through
//   channels  -> undocumented places credentials are taken from (query string, form body, Basic auth, method override)
//   credentials -> what happens to the credentials before the identity call (trimmed, truncated, slowed down)
//   session / claims / jwt -> the session or JWT before signing (so everything else stays consistent)
//   login     -> the 200 body after signing
//   reply     -> any reply, by kind (bad-request, bad-credentials, upstream-failure, method-not-allowed, ...)
import { randomInt } from 'node:crypto';
import type { ClauseId } from '../contract/clauses.ts';
import { identityIdFor, MAIN_ACCOUNT } from './accounts.ts';
import type { Channel } from './channels.ts';
import type { IdentityFaults } from './identity/service.ts';
import { INTERMITTENT_DEFECTS } from './intermittent-defects.ts';
import type { LoginBody, LoginContext, Reply, ReplyContext, ReplyKind, SessionDraft } from './reply.ts';
import type { Credentials, Leniency, RequestProblem } from './request.ts';
import type { SessionClaims } from './tokens.ts';

export interface Defect {
  readonly name: string;
  readonly clauses: readonly [ClauseId, ...ClauseId[]];
  readonly description: string;
  readonly identity?: IdentityFaults;
  readonly lenient?: readonly Leniency[];
  readonly channels?: readonly Channel[];
  readonly credentials?: (
    credentials: Credentials,
    context: { readonly sleep: (ms: number) => Promise<unknown> },
  ) => Credentials | Promise<Credentials>;
  readonly session?: (draft: SessionDraft) => SessionDraft;
  readonly claims?: (claims: SessionClaims) => SessionClaims;
  /** `unpublished-key`: signed with a key pair of its own, which the JWKS does not publish. */
  readonly jwt?: 'none' | 'opaque' | 'unpublished-key';
  readonly login?: (body: LoginBody, context: LoginContext) => unknown;
  readonly reply?: (reply: Reply, context: ReplyContext) => Reply;
}

// ---- small combinators, so each catalog row reads as one transformation ----

// Error-shape defects hit 400 and 401 only; the 502 has its own rows, so UPSTREAM-502 breaks only where declared.
const CLIENT_ERRORS: readonly ReplyKind[] = ['bad-request', 'bad-credentials'];

/** Apply `edit` only to replies of the given kinds (and, optionally, request problem). */
function on(
  kinds: ReplyKind | readonly ReplyKind[],
  edit: (reply: Reply, context: ReplyContext) => Reply,
  problem?: RequestProblem,
): (reply: Reply, context: ReplyContext) => Reply {
  const list: readonly ReplyKind[] = typeof kinds === 'string' ? [kinds] : kinds;
  return (reply, context) =>
    list.includes(context.kind) && (problem === undefined || context.problem === problem)
      ? edit(reply, context)
      : reply;
}

/** The reply with another status; AuthError bodies keep `status` equal to it (so only the status clause breaks). */
function status(code: number): (reply: Reply) => Reply {
  return (reply) => ({
    ...reply,
    status: code,
    body: isRecord(reply.body) ? { ...reply.body, status: code } : reply.body,
  });
}

function headers(set: Record<string, string>, remove: readonly string[] = []): (reply: Reply) => Reply {
  return (reply) => {
    const next: Record<string, string> = { ...reply.headers, ...set };
    for (const name of remove) delete next[name];
    return { ...reply, headers: next };
  };
}

function errorBody(edit: (body: Record<string, unknown>, context: ReplyContext) => unknown) {
  return (reply: Reply, context: ReplyContext): Reply =>
    isRecord(reply.body) ? { ...reply, body: edit({ ...reply.body }, context) } : reply;
}

/** Set values at dotted paths of a copy of the 200 body (e.g. `session.devices.0.ip_address`). */
function patch(values: Record<string, unknown>): (body: LoginBody) => unknown {
  return (body) => {
    const copy = structuredClone(body) as unknown;
    for (const [path, value] of Object.entries(values)) setPath(copy, path, value);
    return copy;
  };
}

function omit(field: keyof LoginBody): (body: LoginBody) => unknown {
  return (body) => {
    const { [field]: _dropped, ...rest } = body;
    return rest;
  };
}

/**
 * An account lookup built as SQL text (`... WHERE email = '<identifier>' AND password = '<password>'`): a quote and a
 * comment in the identifier drop the password test, a tautology with a comment selects the first row, and a
 * tautology in the password (`' OR '1'='1`) makes the whole condition true, so the first row again.
 */
function sqlLookup({ identifier, password }: Credentials): string | undefined {
  const tautology = /'\s*or\s+'?(\w+)'?\s*=\s*'?\1\b/i;
  const commented = /^(.*?)'(.*?)(?:--|#)/s.exec(identifier);
  if (commented !== null) return tautology.test(`'${commented[2] ?? ''}`) ? MAIN_ACCOUNT.identifier : commented[1];
  return tautology.test(password) ? MAIN_ACCOUNT.identifier : undefined;
}

/**
 * A MongoDB-style lookup fed the body's values (`find({email: identifier, password})` over plain-text passwords): a
 * query operator as the password matches any password of that account; as the identifier, the first account.
 */
function mongoLookup({ identifier, password }: Credentials): string | undefined {
  const operator = (text: string): boolean => /^\{"\$[a-z]+":/.test(text);
  if (operator(identifier)) return MAIN_ACCOUNT.identifier;
  return operator(password) ? identifier : undefined;
}

const MINUTE_MS = 60_000;
const shiftIso = (iso: string, ms: number): string => new Date(Date.parse(iso) + ms).toISOString();
const OTHER_ACCOUNT = 'someone.else@reference.test';

// ---- the catalog ----

export const DEFECTS: readonly Defect[] = [
  // 200 body vs AuthLoginResponse (required, type, format)
  {
    name: 'missing-session-token',
    clauses: ['S200-SCHEMA'],
    description: '200 body lacks the required sessionToken',
    login: omit('sessionToken'),
  },
  {
    name: 'session-token-not-string',
    clauses: ['S200-SCHEMA'],
    description: '200 sessionToken is a number, not a string',
    login: (body) => patch({ sessionToken: randomInt(2 ** 47) })(body),
  },
  {
    name: 'devices-not-array',
    clauses: ['S200-SCHEMA'],
    description: 'session.devices is an object, not an array',
    login: (body) => patch({ 'session.devices': { ...body.session.devices[0] } })(body),
  },
  {
    name: 'device-ip-not-string',
    clauses: ['S200-SCHEMA'],
    description: 'session.devices[0].ip_address is a number (2130706433), not a string',
    login: patch({ 'session.devices.0.ip_address': 2130706433 }),
  },
  {
    name: 'authenticated-at-rfc1123',
    clauses: ['S200-SCHEMA'],
    description: 'session.authenticated_at is an RFC 1123 date, not RFC 3339 date-time',
    login: (body) => patch({ 'session.authenticated_at': new Date(body.session.authenticated_at).toUTCString() })(body),
  },
  {
    name: 'expires-at-no-offset',
    clauses: ['S200-SCHEMA'],
    description: 'session.expires_at has no time-zone offset (not RFC 3339 date-time)',
    login: (body) => patch({ 'session.expires_at': body.session.expires_at.replace(/\.\d+Z$|Z$/, '') })(body),
  },

  // AuthError bodies ($ref'd AuthError: required, type, format int32)
  {
    name: 'error-missing-message',
    clauses: ['ERROR-SCHEMA'],
    description: '400 and 401 AuthError bodies lack the required message',
    reply: on(
      CLIENT_ERRORS,
      errorBody(({ message: _m, ...rest }) => rest),
    ),
  },
  {
    name: 'error-code-not-string',
    clauses: ['ERROR-SCHEMA'],
    description: '400 AuthError.error is a number, not a string',
    reply: on(
      'bad-request',
      errorBody((body) => ({ ...body, error: body.status })),
    ),
  },
  {
    name: 'error-message-null',
    clauses: ['ERROR-SCHEMA'],
    description: '401 AuthError.message is null',
    reply: on(
      'bad-credentials',
      errorBody((body) => ({ ...body, message: null })),
    ),
  },
  {
    name: 'error-status-int32-overflow',
    clauses: ['ERROR-SCHEMA', 'ERROR-STATUS-MATCH'],
    description: '401 AuthError.status is 401 + 2^32 (outside int32)',
    reply: on(
      'bad-credentials',
      errorBody((body) => ({ ...body, status: Number(body.status) + 2 ** 32 })),
    ),
  },
  {
    name: 'error-body-not-object',
    clauses: ['ERROR-SCHEMA'],
    description: '400 body is a bare JSON string instead of an AuthError object',
    reply: on('bad-request', (reply) => ({ ...reply, body: 'bad request' })),
  },
  {
    name: 'error-status-mismatch',
    clauses: ['ERROR-STATUS-MATCH'],
    description: '401 AuthError says status 400',
    reply: on(
      'bad-credentials',
      errorBody((body) => ({ ...body, status: 400 })),
    ),
  },
  {
    name: 'stack-trace-in-400',
    clauses: ['ERROR-NO-INTERNALS'],
    description: '400 bodies carry the parser stack trace in a detail field',
    reply: on(
      'bad-request',
      errorBody((body, context) => ({ ...body, detail: (context.cause ?? new Error(String(body.message))).stack })),
    ),
  },

  // documented statuses
  {
    name: 'login-201',
    clauses: ['STATUS-DOCUMENTED'],
    description: 'a successful login answers 201 Created instead of 200',
    reply: on('login', status(201)),
  },
  {
    name: 'wrong-credentials-403',
    clauses: ['AUTH-REJECTS-BAD-CREDENTIALS', 'STATUS-DOCUMENTED'],
    description: 'bad credentials answer 403 (status 403 in the body too) instead of 401',
    reply: on('bad-credentials', status(403)),
  },

  // request validation (400 for everything malformed)
  {
    name: 'extra-property-accepted',
    clauses: ['REQUEST-VALIDATION'],
    description: 'an extra request property is ignored (additionalProperties: false not enforced)',
    lenient: ['extra-property'],
  },
  {
    name: 'wrong-type-coerced',
    clauses: ['REQUEST-VALIDATION'],
    description: 'non-string identifier/password are coerced with String() instead of rejected',
    lenient: ['wrong-type'],
  },
  {
    name: 'content-type-ignored',
    clauses: ['REQUEST-VALIDATION'],
    description: 'a JSON body is accepted under any or no Content-Type',
    lenient: ['content-type'],
  },
  {
    name: 'duplicate-keys-last-value',
    clauses: ['DUPLICATE-KEYS'],
    description: 'a body that repeats a property is accepted with the last value (as most JSON parsers do)',
    lenient: ['duplicate-key'],
  },
  {
    name: 'malformed-json-500',
    clauses: ['REQUEST-VALIDATION', 'STATUS-DOCUMENTED'],
    description: 'malformed JSON answers 500',
    reply: on('bad-request', status(500), 'malformed-json'),
  },
  {
    name: 'missing-field-422',
    clauses: ['REQUEST-VALIDATION', 'STATUS-DOCUMENTED'],
    description: 'a missing identifier or password answers 422',
    reply: on('bad-request', status(422), 'missing-field'),
  },
  {
    name: 'wrong-content-type-415',
    clauses: ['REQUEST-VALIDATION', 'STATUS-DOCUMENTED'],
    description: 'a wrong or missing Content-Type answers 415',
    reply: on('bad-request', status(415), 'content-type'),
  },
  {
    name: 'oversized-body-413',
    clauses: ['REQUEST-VALIDATION', 'STATUS-DOCUMENTED'],
    description: 'a body over the size limit answers 413',
    reply: on('bad-request', status(413), 'too-large'),
  },
  {
    name: 'empty-password-400',
    clauses: ['AUTH-REJECTS-BAD-CREDENTIALS'],
    description: 'an empty password (a valid string) answers 400 instead of 401',
    reply: on('bad-credentials', (reply, context) =>
      context.credentials?.password === ''
        ? { ...reply, status: 400, body: { ...(reply.body as object), status: 400 } }
        : reply,
    ),
  },

  // headers
  {
    name: 'no-cache-control',
    clauses: ['SEC-NO-STORE'],
    description: '200 has no Cache-Control header',
    reply: on('login', headers({}, ['cache-control'])),
  },
  {
    name: 'cache-control-public',
    clauses: ['SEC-NO-STORE'],
    description: '200 says Cache-Control: public, max-age=300',
    reply: on('login', headers({ 'cache-control': 'public, max-age=300' })),
  },
  {
    name: 'login-content-type-text-plain',
    clauses: ['CONTENT-TYPE'],
    description: '200 is served as text/plain',
    reply: on('login', headers({ 'content-type': 'text/plain; charset=utf-8' })),
  },
  {
    name: 'login-no-content-type',
    clauses: ['CONTENT-TYPE'],
    description: '200 has no Content-Type header',
    reply: on('login', headers({}, ['content-type'])),
  },
  {
    name: 'error-content-type-html',
    clauses: ['CONTENT-TYPE'],
    description: '400 and 401 AuthError bodies are served as text/html',
    reply: on(CLIENT_ERRORS, headers({ 'content-type': 'text/html; charset=utf-8' })),
  },

  // the token
  {
    name: 'jwt-alg-none',
    clauses: ['TOKEN-JWS'],
    description: 'jwt is an unsecured JWT (alg none, empty signature)',
    jwt: 'none',
  },
  {
    name: 'jwt-opaque',
    clauses: ['TOKEN-JWS'],
    description: 'jwt is an opaque string, not a compact JWS',
    jwt: 'opaque',
  },
  {
    name: 'jwt-differs-from-session',
    clauses: ['TOKEN-CONSISTENT'],
    description: 'session.tokenized is another JWT (signed with iat - 1) than jwt',
    login: async (body, context) => {
      const other = await context.sign({ ...context.claims, iat: context.claims.iat - 1 });
      const session = { ...body.session, tokenized: other };
      return { ...body, session, tokenizedSession: session };
    },
  },
  {
    name: 'tokenized-session-differs',
    clauses: ['TOKEN-CONSISTENT'],
    description: 'tokenizedSession.tokenized is another JWT than jwt and session.tokenized',
    login: async (body, context) => {
      const other = await context.sign({ ...context.claims, iat: context.claims.iat - 1 });
      return { ...body, tokenizedSession: { ...body.session, tokenized: other } };
    },
  },
  {
    name: 'jwt-exp-beyond-session',
    clauses: ['TOKEN-EXP-MATCHES-SESSION'],
    description: 'JWT exp is one hour after session.expires_at',
    claims: (claims) => ({ ...claims, exp: claims.exp + 3600 }),
  },
  {
    name: 'jwt-sub-other-identity',
    clauses: ['SESSION-IDENTITY'],
    description: 'JWT sub is another identity than identity.id',
    claims: (claims) => ({ ...claims, sub: identityIdFor(OTHER_ACCOUNT) }),
  },
  {
    name: 'jwt-iat-future',
    clauses: ['TOKEN-CLAIMS'],
    description: 'JWT iat is 10 minutes in the future',
    claims: (claims) => ({ ...claims, iat: claims.iat + 600 }),
  },
  {
    name: 'jwt-nbf-future',
    clauses: ['TOKEN-CLAIMS'],
    description: 'JWT nbf is 10 minutes after iat: the token is not valid yet when it is issued',
    claims: (claims) => ({ ...claims, nbf: claims.iat + 600 }),
  },
  {
    name: 'jwt-no-sub',
    clauses: ['TOKEN-CLAIMS'],
    description: 'JWT has no sub claim',
    claims: ({ sub: _sub, ...rest }) => rest,
  },
  {
    name: 'jwt-signed-by-unpublished-key',
    clauses: ['TOKEN-SIGNATURE'],
    description: 'jwt is signed with a key pair the JWKS does not publish',
    jwt: 'unpublished-key',
  },

  // the session
  {
    name: 'authenticated-at-future',
    clauses: ['SESSION-TIMES', 'TOKEN-CLAIMS'],
    description: 'session.authenticated_at (and JWT iat with it) is 10 minutes in the future',
    session: (draft) => ({ ...draft, authenticatedAt: shiftIso(draft.authenticatedAt, 10 * MINUTE_MS) }),
  },
  {
    name: 'expires-at-past',
    clauses: ['SESSION-TIMES', 'TOKEN-CLAIMS'],
    description: 'session.expires_at (and JWT exp with it, before its iat) is 1 minute in the past',
    session: (draft) => ({
      ...draft,
      expiresAt: shiftIso(new Date().toISOString().replace(/\.\d+Z$/, 'Z'), -MINUTE_MS),
    }),
  },
  {
    name: 'session-inactive',
    clauses: ['SESSION-ACTIVE'],
    description: 'a new session says active: false',
    session: (draft) => ({ ...draft, active: false }),
  },
  {
    name: 'wrong-email-in-traits',
    clauses: ['SESSION-IDENTITY'],
    description: "identity.traits.email is another account's email",
    session: (draft) => ({ ...draft, identity: { ...draft.identity, traits: { email: OTHER_ACCOUNT } } }),
  },
  {
    name: 'session-reused',
    clauses: ['SESSION-UNIQUE'],
    description: "every login of an identity returns that identity's first session (same id, token, jwt)",
    login: (body, context) => {
      const key = `first-session:${body.identity.id}`;
      if (!context.memo.has(key)) context.memo.set(key, body);
      return context.memo.get(key);
    },
  },

  // security
  {
    name: 'password-in-traits',
    clauses: ['SEC-NO-SECRET-ECHO'],
    description: 'the submitted password is echoed in identity.traits.password',
    login: (body, context) => patch({ 'identity.traits.password': context.credentials?.password })(body),
  },
  {
    name: 'password-echoed-in-400',
    clauses: ['SEC-NO-SECRET-ECHO'],
    description: '400 messages quote the whole request body, password included',
    reply: on(
      'bad-request',
      errorBody((body, context) => ({ ...body, message: `${String(body.message)} Received: ${context.rawBody}` })),
    ),
  },
  {
    name: 'enumeration-401-message',
    clauses: ['SEC-NO-ENUMERATION-BODY'],
    description: '401 message says whether the account exists',
    reply: on(
      'bad-credentials',
      errorBody((body, context) => ({
        ...body,
        message: context.reason === 'unknown-identifier' ? 'No account with this identifier.' : 'Wrong password.',
      })),
    ),
  },
  {
    name: 'enumeration-401-error-code',
    clauses: ['SEC-NO-ENUMERATION-BODY'],
    description: '401 error code is unknown_identity for unknown identifiers',
    reply: on(
      'bad-credentials',
      errorBody((body, context) =>
        context.reason === 'unknown-identifier' ? { ...body, error: 'unknown_identity' } : body,
      ),
    ),
  },
  {
    name: 'enumeration-timing',
    clauses: ['SEC-NO-ENUMERATION-TIMING'],
    description: 'unknown identifiers skip the dummy argon2id verification (answer faster)',
    identity: { skipDummyVerify: true },
  },
  {
    name: 'accepts-any-password',
    clauses: [
      'AUTH-REJECTS-BAD-CREDENTIALS',
      'SEC-NO-ENUMERATION-BODY',
      'PASSWORD-EXACT',
      'PASSWORD-VERBATIM',
      'INJECTION',
    ],
    description: 'a known identifier logs in with any password',
    identity: { acceptAnyPassword: true },
  },

  // credentials only through the documented channel (the JSON body of a POST)
  {
    name: 'credentials-in-query',
    clauses: ['CREDENTIALS-CHANNEL'],
    description: 'identifier and password in the query string log in, on POST and on GET',
    channels: ['query'],
  },
  {
    name: 'form-body-accepted',
    clauses: ['CREDENTIALS-CHANNEL', 'REQUEST-VALIDATION'],
    description: 'a form-encoded body (application/x-www-form-urlencoded) is read like the JSON one',
    channels: ['form'],
  },
  {
    name: 'basic-auth-accepted',
    clauses: ['CREDENTIALS-CHANNEL'],
    description: 'an Authorization: Basic header logs in',
    channels: ['basic'],
  },
  {
    name: 'method-override-honoured',
    clauses: ['CREDENTIALS-CHANNEL'],
    description: 'X-HTTP-Method-Override, X-HTTP-Method or X-Method-Override: POST turns a GET into the login',
    channels: ['method-override'],
  },

  // injection
  {
    name: 'sql-injection',
    clauses: ['INJECTION'],
    description:
      "the account lookup is SQL text: an identifier then '-- needs no password; ' OR '1'='1 logs in as the first",
    identity: { bypass: sqlLookup },
  },
  {
    name: 'nosql-operator-injection',
    clauses: ['INJECTION'],
    description: 'a query operator as the password ({"$ne": null}) is passed to a MongoDB-style lookup and matches',
    lenient: ['query-operator'],
    identity: { bypass: mongoLookup },
  },

  // password comparison
  {
    name: 'password-nul-truncated',
    clauses: ['PASSWORD-EXACT'],
    description: 'the password is cut at its first NUL (a C string), so whatever follows is ignored',
    credentials: (c) => ({ ...c, password: c.password.split('\u0000')[0] ?? '' }),
  },
  {
    name: 'password-case-insensitive',
    clauses: ['PASSWORD-EXACT'],
    description: 'passwords are lower-cased before hashing, so any case logs in',
    identity: { passwordKey: (password) => password.toLowerCase() },
  },
  {
    name: 'password-truncated-8',
    clauses: ['PASSWORD-EXACT', 'PASSWORD-VERBATIM'],
    description: 'only the first 8 characters of a password count (as DES crypt)',
    identity: { passwordKey: (password) => password.slice(0, 8) },
  },
  {
    name: 'password-trimmed',
    clauses: ['PASSWORD-VERBATIM'],
    description: 'surrounding whitespace is trimmed from the password before it is checked',
    credentials: (c) => ({ ...c, password: c.password.trim() }),
  },
  {
    name: 'password-unicode-normalised',
    clauses: ['PASSWORD-VERBATIM'],
    description: 'the password is NFKC-normalised before it is checked, so another normalisation of it logs in',
    credentials: (c) => ({ ...c, password: c.password.normalize('NFKC') }),
  },

  // size and cost
  {
    name: 'long-identifier-500',
    clauses: ['INPUT-SIZE', 'STATUS-DOCUMENTED'],
    description: 'an identifier of 1 KiB or more answers 500 (a column-size overflow left uncaught)',
    reply: on('bad-credentials', (reply, context) =>
      (context.credentials?.identifier.length ?? 0) >= 1024 ? status(500)(reply) : reply,
    ),
  },
  {
    name: 'long-password-slow',
    clauses: ['LONG-PASSWORD-COST'],
    description: 'a password costs time in proportion to its length (1 ms per 16 bytes, about 1 s at 16 KiB)',
    credentials: async (c, { sleep }) => {
      await sleep(Math.floor(Buffer.byteLength(c.password) / 16));
      return c;
    },
  },

  // CORS and response headers
  {
    name: 'cors-reflects-origin',
    clauses: ['CORS-CREDENTIALS'],
    description: 'any Origin is reflected with Access-Control-Allow-Credentials: true, preflights included',
    reply: (reply, context) => {
      const origin = context.headers.origin;
      if (origin === undefined) return reply;
      const cors = {
        'access-control-allow-origin': origin,
        'access-control-allow-credentials': 'true',
        vary: 'Origin',
      };
      if (context.kind === 'method-not-allowed' && context.method === 'OPTIONS') {
        const requested = context.headers['access-control-request-headers'] ?? 'content-type';
        const preflight = { 'access-control-allow-methods': 'POST', 'access-control-allow-headers': requested };
        return { status: 204, headers: { ...cors, ...preflight }, body: undefined };
      }
      return { ...reply, headers: { ...reply.headers, ...cors } };
    },
  },
  {
    name: 'no-nosniff',
    clauses: ['RESPONSE-HEADERS'],
    description: 'no response carries X-Content-Type-Options: nosniff',
    reply: headers({}, ['x-content-type-options']),
  },
  {
    name: 'server-version-banner',
    clauses: ['RESPONSE-HEADERS'],
    description: 'responses carry Server: nginx/1.18.0 and X-Powered-By: Express/4.17.1',
    reply: headers({ server: 'nginx/1.18.0', 'x-powered-by': 'Express/4.17.1' }),
  },

  // upstream failure (502)
  {
    name: 'upstream-500',
    clauses: ['UPSTREAM-502', 'STATUS-DOCUMENTED'],
    description: 'an identity backend failure answers 500',
    reply: on('upstream-failure', status(500)),
  },
  {
    name: 'upstream-504',
    clauses: ['UPSTREAM-502', 'STATUS-DOCUMENTED'],
    description: 'an identity backend failure answers 504',
    reply: on('upstream-failure', status(504)),
  },
  {
    name: 'upstream-body-not-autherror',
    clauses: ['UPSTREAM-502', 'ERROR-SCHEMA'],
    description: '502 body is {"message": ...} without error and status',
    reply: on('upstream-failure', (reply) => ({ ...reply, body: { message: 'Bad Gateway' } })),
  },
  {
    name: 'upstream-html-page',
    clauses: ['UPSTREAM-502', 'ERROR-SCHEMA', 'CONTENT-TYPE'],
    description: '502 is a proxy-style HTML page',
    reply: on('upstream-failure', (reply) => ({
      ...reply,
      headers: { ...reply.headers, 'content-type': 'text/html' },
      raw: '<html><body><h1>502 Bad Gateway</h1></body></html>',
    })),
  },

  // other methods
  {
    name: 'get-200',
    clauses: ['METHODS'],
    description: 'GET on the login path answers 200',
    reply: (reply, context) =>
      context.kind === 'method-not-allowed' && context.method === 'GET'
        ? { status: 200, headers: { 'content-type': 'application/json' }, body: { message: 'Use POST to log in.' } }
        : reply,
  },
  {
    name: 'delete-204',
    clauses: ['METHODS'],
    description: 'DELETE on the login path answers 204 (as a logout would)',
    reply: (reply, context) =>
      context.kind === 'method-not-allowed' && context.method === 'DELETE'
        ? { status: 204, headers: {}, body: undefined }
        : reply,
  },
];

/** Every defect `--defect` accepts: the catalog's, and the intermittent ones only a load run meets. */
export const defectByName: ReadonlyMap<string, Defect> = new Map(
  [...DEFECTS, ...INTERMITTENT_DEFECTS].map((d) => [d.name, d]),
);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function setPath(target: unknown, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) node = (node as Record<string, unknown>)[key];
  (node as Record<string, unknown>)[keys[keys.length - 1]!] = value;
}
