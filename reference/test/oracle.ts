// A small, independent judge of the contract clauses, used to prove that the healthy app breaks none and that each
// defect breaks exactly the clauses it declares. It runs a fixed set of scenarios through `app.handle` (no port) and
// checks each clause in a few lines; checks that need a well-formed input skip when another clause already failed,
// so one break is reported once. (The contract suite is the real judge; this keeps the catalog honest in unit tests.)
import { verify } from 'node:crypto';
import type { ClauseId } from '../../contract/clauses.ts';
import { MAIN_ACCOUNT, PROBE_ACCOUNT } from '../accounts.ts';
import { LOGIN_PATH } from '../app.ts';
import { METHOD_OVERRIDE_HEADERS } from '../channels.ts';
import type { Defect } from '../defects.ts';
import type { AppResponse } from '../reply.ts';
import { failingBackend, testApp } from './support.ts';

const DOCUMENTED = new Set([200, 400, 401, 502]);
const ALG_ALLOW_LIST = new Set([
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'ES256',
  'ES384',
  'ES512',
  'PS256',
  'PS384',
  'PS512',
  'EdDSA',
]);
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i;
const WRONG_PASSWORD = 'Oracle-Wrong-Passw0rd!';
const valid = { identifier: MAIN_ACCOUNT.identifier, password: MAIN_ACCOUNT.password };
const probe = { identifier: PROBE_ACCOUNT.identifier, password: PROBE_ACCOUNT.password };
const SKEW_S = 10;
const FOREIGN_ORIGIN = 'https://attacker.example';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const parse = (r: AppResponse): unknown => {
  try {
    return JSON.parse(r.body) as unknown;
  } catch {
    return undefined;
  }
};
const mediaType = (r: AppResponse): string | undefined =>
  r.headers['content-type']?.split(';')[0]?.trim().toLowerCase();

interface Sent {
  readonly response: AppResponse;
  readonly password?: string;
}

export async function clauseViolations(defect?: Defect): Promise<Set<ClauseId>> {
  const t = await testApp(defect ? { defect } : {});
  const broken = new Set<ClauseId>();
  const fail = (clause: ClauseId, when: boolean): void => {
    if (when) broken.add(clause);
  };

  const post = async (body: string | object, contentType?: string | null, tooLarge = false): Promise<Sent> => {
    const password = isObj(body) && typeof body.password === 'string' ? body.password : undefined;
    const response = await t.post(body, contentType, { tooLarge });
    return password === undefined ? { response } : { response, password };
  };
  const verificationsDuring = async (body: object): Promise<[Sent, number]> => {
    const before = t.identity.verifications();
    const sent = await post(body);
    return [sent, t.identity.verifications() - before];
  };

  const ok1 = await post(valid);
  const ok2 = await post(valid);
  const [wrong, wrongWork] = await verificationsDuring({ identifier: valid.identifier, password: WRONG_PASSWORD });
  const [unknown, unknownWork] = await verificationsDuring({
    identifier: 'nobody@reference.test',
    password: WRONG_PASSWORD,
  });
  const empty = await post({ identifier: valid.identifier, password: '' });
  const malformed = {
    json: await post('{"identifier":'),
    notObject: await post('[]'),
    missing: await post({ identifier: valid.identifier }),
    wrongType: await post({ identifier: valid.identifier, password: 12345 }),
    extra: await post({ ...valid, remember: true }),
    textPlain: await post(valid, 'text/plain'),
    noContentType: await post(valid, null),
    tooLarge: await post('', 'application/json', true),
  };
  const formEncoded = await post(
    new URLSearchParams({ identifier: 'nobody@reference.test', password: WRONG_PASSWORD }).toString(),
    'application/x-www-form-urlencoded',
  );
  // Judged apart from REQUEST-VALIDATION: the document is silent on repeated keys (a hardening clause).
  const duplicate = await post('{"identifier":"a","password":"b","password":"c"}');

  // Attack classes (contract/specs/70-attacks.spec.ts): channels, injection, password variants, sizes, CORS.
  const sent = (response: AppResponse): Sent => ({ response });
  const query = `${LOGIN_PATH}?${new URLSearchParams(valid).toString()}`;
  const channelPosts = [
    sent(await t.call({ url: query })),
    sent(await t.post(new URLSearchParams(valid).toString(), 'application/x-www-form-urlencoded')),
    sent(
      await t.call({
        headers: { authorization: `Basic ${Buffer.from(`${valid.identifier}:${valid.password}`).toString('base64')}` },
      }),
    ),
  ];
  const channelOthers = [
    await t.call({ method: 'GET', url: query }),
    ...(await Promise.all(
      METHOD_OVERRIDE_HEADERS.map((name) =>
        t.call({ method: 'GET', body: Buffer.from(JSON.stringify(valid)), headers: { [name]: 'POST' } }),
      ),
    )),
  ];
  const injections = await Promise.all(
    [
      { identifier: "' OR '1'='1'--", password: WRONG_PASSWORD },
      { identifier: `${probe.identifier}'--`, password: WRONG_PASSWORD },
      { identifier: probe.identifier, password: "' OR '1'='1" },
      { identifier: probe.identifier, password: { $ne: null } },
      { identifier: { $gt: '' }, password: { $gt: '' } },
      { identifier: '*)(uid=*))(|(uid=*', password: WRONG_PASSWORD },
      { identifier: probe.identifier, password: '*' },
    ].map(async (body) => sent(await t.post(body))),
  );
  const variants = async (passwords: string[]): Promise<Sent[]> =>
    Promise.all(passwords.map(async (password) => sent(await t.post({ identifier: probe.identifier, password }))));
  const exact = await variants([`${probe.password}\u0000junk`, probe.password.slice(0, -1), swapCase(probe.password)]);
  const verbatim = await variants([` ${probe.password}`, `${probe.password} `, probe.password.normalize('NFD')]);
  const sizes: Sent[] = [];
  for (const bytes of [1024, 8192, 16_000]) {
    sizes.push(sent(await t.post({ identifier: `${'x'.repeat(bytes)}@reference.test`, password: WRONG_PASSWORD })));
    sizes.push(sent(await t.post({ identifier: 'nobody@reference.test', password: 'x'.repeat(bytes) })));
  }
  const timed = async (password: string): Promise<number> => {
    const started = performance.now();
    await t.post({ identifier: 'nobody@reference.test', password });
    return performance.now() - started;
  };
  const normalMs = await timed(WRONG_PASSWORD);
  const longMs = await timed('x'.repeat(16_000));
  const cors = [
    await t.call({
      method: 'OPTIONS',
      headers: { origin: FOREIGN_ORIGIN, 'access-control-request-method': 'POST' },
    }),
    await t.post({ identifier: 'nobody@reference.test', password: WRONG_PASSWORD }, 'application/json', {
      headers: { origin: FOREIGN_ORIGIN },
    }),
  ];
  const upstreamApp = await testApp({ upstream: failingBackend, ...(defect ? { defect } : {}) });
  const upstream = { response: await upstreamApp.post(valid), password: valid.password };
  const methods = await Promise.all(['GET', 'PUT', 'PATCH', 'DELETE'].map((method) => t.call({ method })));

  const posts: Sent[] = [
    ...[ok1, ok2, wrong, unknown, empty, ...Object.values(malformed), formEncoded, duplicate, upstream],
    ...[...channelPosts, ...injections, ...exact, ...verbatim, ...sizes],
  ];
  const errors = posts.map((s) => s.response).filter((r) => r.status >= 400);

  // Documented statuses and media type (POST only: other methods have no documented operation).
  fail(
    'STATUS-DOCUMENTED',
    posts.some((s) => !DOCUMENTED.has(s.response.status)),
  );
  fail(
    'CONTENT-TYPE',
    posts.some((s) => mediaType(s.response) !== 'application/json'),
  );

  // Error bodies.
  for (const r of errors) {
    const b = parse(r);
    const shapeOk =
      isObj(b) &&
      typeof b.error === 'string' &&
      typeof b.message === 'string' &&
      Number.isInteger(b.status) &&
      Math.abs(b.status as number) <= 2 ** 31 - 1;
    fail('ERROR-SCHEMA', !shapeOk);
    fail('ERROR-STATUS-MATCH', isObj(b) && typeof b.status === 'number' && b.status !== r.status);
    fail('ERROR-NO-INTERNALS', /\bat [\w.<>]+ \(|node:internal|\.[cm]?[jt]s:\d+/.test(r.body));
  }

  // The 200.
  for (const { response } of [ok1, ok2]) {
    if (response.status < 200 || response.status > 299) {
      broken.add('S200-SCHEMA');
      continue;
    }
    fail('SEC-NO-STORE', !(response.headers['cache-control'] ?? '').includes('no-store'));
    const b = parse(response);
    fail('S200-SCHEMA', !isLoginResponse(b));
    if (!isObj(b)) continue;
    const session = isObj(b.session) ? b.session : {};
    const tokenized = isObj(b.tokenizedSession) ? b.tokenizedSession : {};
    const identity = isObj(b.identity) ? b.identity : {};
    const claims = typeof b.jwt === 'string' ? decodeJws(b.jwt) : undefined;
    fail(
      'TOKEN-JWS',
      claims === undefined || !ALG_ALLOW_LIST.has(String(claims.header.alg)) || !b.jwt!.toString().split('.')[2],
    );
    fail('TOKEN-CONSISTENT', b.jwt !== session.tokenized || b.jwt !== tokenized.tokenized);
    const expiresAt = Date.parse(String(session.expires_at));
    const authenticatedAt = Date.parse(String(session.authenticated_at));
    if (claims && typeof claims.payload.exp === 'number' && !Number.isNaN(expiresAt)) {
      fail('TOKEN-EXP-MATCHES-SESSION', Math.abs(claims.payload.exp * 1000 - expiresAt) > 1000);
    }
    if (!Number.isNaN(expiresAt) && !Number.isNaN(authenticatedAt)) {
      const now = Date.now();
      fail('SESSION-TIMES', authenticatedAt > now + 2000 || expiresAt <= now);
    }
    fail('SESSION-ACTIVE', session.active !== true || tokenized.active !== true);
    const traits = isObj(identity.traits) ? identity.traits : {};
    const sessionIdentity = isObj(session.identity) ? session.identity : {};
    fail(
      'SESSION-IDENTITY',
      traits.email !== valid.identifier ||
        sessionIdentity.id !== identity.id ||
        (claims !== undefined && claims.payload.sub !== undefined && claims.payload.sub !== identity.id),
    );
    if (claims !== undefined) {
      const { iat, nbf, exp, sub } = claims.payload;
      const nowS = Date.now() / 1000;
      fail(
        'TOKEN-CLAIMS',
        typeof iat !== 'number' ||
          iat > nowS + SKEW_S ||
          (nbf !== undefined && (typeof nbf !== 'number' || nbf > nowS + SKEW_S)) ||
          typeof exp !== 'number' ||
          exp <= iat ||
          exp <= nowS - SKEW_S ||
          typeof sub !== 'string' ||
          sub === '',
      );
      // Only a signed, allow-listed JWS is verified (TOKEN-JWS judges the rest).
      const [head = '', body = '', signature = ''] = String(b.jwt).split('.');
      if (ALG_ALLOW_LIST.has(String(claims.header.alg)) && signature !== '') {
        const ok = verify(
          null,
          Buffer.from(`${head}.${body}`),
          t.signer.publicKey,
          Buffer.from(signature, 'base64url'),
        );
        fail('TOKEN-SIGNATURE', !ok);
      }
    }
  }
  const [b1, b2] = [parse(ok1.response), parse(ok2.response)];
  if (isObj(b1) && isObj(b2)) {
    const same = (a: unknown, b: unknown): boolean => typeof a === 'string' && a === b;
    const s1 = isObj(b1.session) ? b1.session : {};
    const s2 = isObj(b2.session) ? b2.session : {};
    fail('SESSION-UNIQUE', same(s1.id, s2.id) || same(b1.sessionToken, b2.sessionToken) || same(b1.jwt, b2.jwt));
  }

  // Secrets, request validation, credentials, enumeration.
  fail(
    'SEC-NO-SECRET-ECHO',
    posts.some(
      (s) =>
        s.password && (s.response.body.includes(s.password) || JSON.stringify(s.response.headers).includes(s.password)),
    ),
  );
  fail(
    'REQUEST-VALIDATION',
    [...Object.values(malformed), formEncoded].some((s) => s.response.status !== 400),
  );
  fail('DUPLICATE-KEYS', duplicate.response.status !== 400);
  fail(
    'AUTH-REJECTS-BAD-CREDENTIALS',
    [wrong, unknown, empty].some((s) => s.response.status !== 401),
  );
  fail(
    'SEC-NO-ENUMERATION-BODY',
    wrong.response.status !== unknown.response.status || wrong.response.body !== unknown.response.body,
  );
  fail('SEC-NO-ENUMERATION-TIMING', wrongWork !== unknownWork);

  // Upstream failure and methods.
  const u = parse(upstream.response);
  fail(
    'UPSTREAM-502',
    upstream.response.status !== 502 ||
      !isObj(u) ||
      typeof u.error !== 'string' ||
      typeof u.message !== 'string' ||
      u.status !== 502,
  );
  fail(
    'METHODS',
    methods.some((r) => r.status >= 200 && r.status < 300),
  );

  // Attack classes: nothing logs in, nothing answers 5xx; the cost of a long password; CORS; response headers.
  fail('CREDENTIALS-CHANNEL', [...channelPosts.map((s) => s.response), ...channelOthers].some(loggedIn));
  fail(
    'INJECTION',
    injections.some((s) => loggedIn(s.response) || s.response.status >= 500),
  );
  fail(
    'PASSWORD-EXACT',
    exact.some((s) => loggedIn(s.response)),
  );
  fail(
    'PASSWORD-VERBATIM',
    verbatim.some((s) => loggedIn(s.response)),
  );
  fail(
    'INPUT-SIZE',
    sizes.some((s) => loggedIn(s.response) || s.response.status >= 500),
  );
  fail('LONG-PASSWORD-COST', longMs - normalMs > 300);
  fail(
    'CORS-CREDENTIALS',
    cors.some(
      (r) =>
        r.headers['access-control-allow-origin'] === FOREIGN_ORIGIN &&
        r.headers['access-control-allow-credentials'] === 'true',
    ),
  );
  fail(
    'RESPONSE-HEADERS',
    [ok1.response, unknown.response, malformed.json.response].some(
      (r) =>
        r.headers['x-content-type-options'] !== 'nosniff' ||
        /\d+\.\d+/.test(`${r.headers.server ?? ''} ${r.headers['x-powered-by'] ?? ''}`),
    ),
  );
  return broken;
}

/** A 2xx that hands out a token. */
function loggedIn(r: AppResponse): boolean {
  const b = parse(r);
  return r.status >= 200 && r.status < 300 && isObj(b) && (b.jwt !== undefined || b.sessionToken !== undefined);
}

function swapCase(text: string): string {
  return [...text].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('');
}

function decodeJws(token: string): { header: Obj; payload: Obj } | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const [header, payload] = parts
      .slice(0, 2)
      .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as unknown);
    return isObj(header) && isObj(payload) ? { header, payload } : undefined;
  } catch {
    return undefined;
  }
}

function isLoginResponse(b: unknown): boolean {
  return (
    isObj(b) &&
    typeof b.sessionToken === 'string' &&
    typeof b.jwt === 'string' &&
    isSession(b.session) &&
    isSession(b.tokenizedSession) &&
    (b.identity === undefined || isIdentity(b.identity))
  );
}

function isSession(s: unknown): boolean {
  if (!isObj(s)) return false;
  const optional = (key: string, check: (v: unknown) => boolean): boolean => s[key] === undefined || check(s[key]);
  const str = (v: unknown): boolean => typeof v === 'string';
  const dateTime = (v: unknown): boolean => typeof v === 'string' && RFC3339.test(v);
  const device = (d: unknown): boolean =>
    isObj(d) && ['ip_address', 'location', 'user_agent'].every((k) => d[k] === undefined || typeof d[k] === 'string');
  return (
    optional('id', str) &&
    optional('active', (v) => typeof v === 'boolean') &&
    optional('authenticated_at', dateTime) &&
    optional('expires_at', dateTime) &&
    optional('devices', (v) => Array.isArray(v) && v.every(device)) &&
    optional('identity', isIdentity) &&
    optional('tokenized', str)
  );
}

function isIdentity(i: unknown): boolean {
  return isObj(i) && (i.id === undefined || typeof i.id === 'string') && (i.traits === undefined || isObj(i.traits));
}
