// Every clause check passes on a healthy body and fails — with its clause — on a broken one.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  errorIsExplained,
  errorStatusMatches,
  methodDoesNotSucceed,
  rejectionCarriesNoSession,
  statusIs,
} from '../checks/errors.ts';
import { responseIsDocumented } from '../checks/documented.ts';
import {
  compareTimings,
  mannWhitneyP,
  rejectionTimingsAreIndistinguishable,
  timingDecision,
} from '../checks/timing.ts';
import { loadSpec } from '../validator/spec.ts';
import { ResponseValidator } from '../validator/validator.ts';
import {
  errorRevealsNoInternals,
  rejectionsAreIdentical,
  responseHasNoPassword,
  responseIsNotStored,
} from '../checks/security.ts';
import {
  sessionBelongsToIdentity,
  sessionIsActive,
  sessionsAreFresh,
  sessionTimesArePlausible,
} from '../checks/session.ts';
import { jwtExpMatchesSession, jwtIsAllowListedJws, tokensAreConsistent } from '../checks/token.ts';
import { fails, passes } from './check-assertions.ts';

const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = Date.parse('2026-11-27T18:00:00Z');
const exp = now / 1000 + 3600;
const jws = (header: object, payload: object, signature = 'c2lnbmF0dXJl'): string =>
  `${b64(header)}.${b64(payload)}.${signature}`;
const jwt = jws({ alg: 'ES256', typ: 'JWT' }, { sub: 'id-1', exp });
const identity = { id: 'id-1', traits: { email: 'qa@example.test' } };
const session = {
  id: 'ses-1',
  active: true,
  authenticated_at: new Date(now).toISOString(),
  expires_at: new Date(exp * 1000).toISOString(),
  identity,
  tokenized: jwt,
};
const healthy = { sessionToken: 'tok-1', jwt, session, tokenizedSession: session, identity };
const clock = { sentAt: now - 50, receivedAt: now + 50, skewMs: 10_000 };
const algs = ['ES256', 'RS256'];

describe('token checks', () => {
  test('TOKEN-JWS', () => {
    passes(jwtIsAllowListedJws(healthy, algs));
    fails(jwtIsAllowListedJws({ ...healthy, jwt: jws({ alg: 'none' }, { exp }, '') }, algs), 'TOKEN-JWS', /none/);
    fails(
      jwtIsAllowListedJws({ ...healthy, jwt: jws({ alg: 'HS256' }, { exp }) }, algs),
      'TOKEN-JWS',
      /not allow-listed/,
    );
    fails(jwtIsAllowListedJws({ ...healthy, jwt: 'opaque-token' }, algs), 'TOKEN-JWS', /compact JWS/);
    fails(
      jwtIsAllowListedJws({ ...healthy, jwt: jws({ alg: 'ES256' }, { exp }, '') }, algs),
      'TOKEN-JWS',
      /empty signature/,
    );
  });
  test('TOKEN-CONSISTENT', () => {
    passes(tokensAreConsistent(healthy));
    const other = jws({ alg: 'ES256' }, { exp: exp - 1 });
    fails(
      tokensAreConsistent({ ...healthy, tokenizedSession: { ...session, tokenized: other } }),
      'TOKEN-CONSISTENT',
      /tokenizedSession/,
    );
    const problems = tokensAreConsistent({ ...healthy, session: { ...session, tokenized: other } }).problems.join(' ');
    assert.ok(!problems.includes(other) && !problems.includes(jwt), 'a problem must never quote a token');
  });
  test('TOKEN-EXP-MATCHES-SESSION', () => {
    passes(jwtExpMatchesSession(healthy));
    fails(
      jwtExpMatchesSession({ ...healthy, jwt: jws({ alg: 'ES256' }, { exp: exp + 3600 }) }),
      'TOKEN-EXP-MATCHES-SESSION',
      /3600 s apart/,
    );
    fails(
      jwtExpMatchesSession({ ...healthy, jwt: jws({ alg: 'ES256' }, {}) }),
      'TOKEN-EXP-MATCHES-SESSION',
      /no numeric exp/,
    );
  });
});

describe('session checks', () => {
  test('SESSION-TIMES', () => {
    passes(sessionTimesArePlausible(healthy, clock));
    const future = { ...session, authenticated_at: new Date(now + 600_000).toISOString() };
    fails(sessionTimesArePlausible({ ...healthy, session: future }, clock), 'SESSION-TIMES', /in the future/);
    const expired = { ...session, expires_at: new Date(now - 60_000).toISOString() };
    fails(sessionTimesArePlausible({ ...healthy, session: expired }, clock), 'SESSION-TIMES', /already past/);
    const old = { ...session, authenticated_at: new Date(now - 3_600_000).toISOString() };
    fails(sessionTimesArePlausible({ ...healthy, session: old }, clock), 'SESSION-TIMES', /predates/);
  });
  test('SESSION-ACTIVE', () => {
    passes(sessionIsActive(healthy));
    fails(sessionIsActive({ ...healthy, session: { ...session, active: false } }), 'SESSION-ACTIVE', /false/);
  });
  test('SESSION-IDENTITY', () => {
    passes(sessionBelongsToIdentity(healthy, 'QA@example.test'));
    fails(sessionBelongsToIdentity(healthy, 'other@example.test'), 'SESSION-IDENTITY', /expected "other@example.test"/);
    const otherSub = { ...healthy, jwt: jws({ alg: 'ES256' }, { sub: 'id-2', exp }) };
    fails(sessionBelongsToIdentity(otherSub, 'qa@example.test'), 'SESSION-IDENTITY', /JWT sub/);
  });
  test('SESSION-UNIQUE', () => {
    const second = {
      ...healthy,
      sessionToken: 'tok-2',
      jwt: jws({ alg: 'ES256' }, { n: 2 }),
      session: { ...session, id: 'ses-2' },
    };
    passes(sessionsAreFresh([healthy, second]));
    fails(sessionsAreFresh([healthy, healthy]), 'SESSION-UNIQUE', /2 logins gave 1 distinct/);
  });
});

describe('security checks', () => {
  const ok = (text: string, headers: Record<string, string> = {}) => ({ status: 200, headers, text });
  test('SEC-NO-SECRET-ECHO: raw, escaped, inside a JWT, in a header', () => {
    const password = 'S3cret-Pass!';
    passes(responseHasNoPassword(ok(JSON.stringify(healthy)), password));
    fails(
      responseHasNoPassword(ok(JSON.stringify({ traits: { password } })), password),
      'SEC-NO-SECRET-ECHO',
      /contains the password/,
    );
    fails(responseHasNoPassword(ok('{"m":"S3cret\\u002dPass!"}'), password), 'SEC-NO-SECRET-ECHO', /\$\.m contains/);
    fails(
      responseHasNoPassword(ok(JSON.stringify({ jwt: jws({ alg: 'ES256' }, { pw: password }) })), password),
      'SEC-NO-SECRET-ECHO',
      /JWT/,
    );
    fails(responseHasNoPassword(ok('{}', { 'x-debug': password }), password), 'SEC-NO-SECRET-ECHO', /header x-debug/);
  });
  test('SEC-NO-STORE', () => {
    passes(responseIsNotStored({ 'cache-control': 'no-cache, No-Store' }));
    fails(responseIsNotStored({ 'cache-control': 'public, max-age=300' }), 'SEC-NO-STORE', /without no-store/);
    fails(responseIsNotStored({}), 'SEC-NO-STORE', /missing/);
  });
  test('ERROR-NO-INTERNALS', () => {
    passes(
      errorRevealsNoInternals(ok('{"error":"bad_request","message":"Request body is not valid JSON.","status":400}')),
    );
    const stack =
      'SyntaxError: Unexpected token\n    at JSON.parse (<anonymous>)\n    at parse (/app/src/request.ts:42:17)';
    fails(
      errorRevealsNoInternals(ok(JSON.stringify({ error: 'x', message: 'y', status: 400, detail: stack }))),
      'ERROR-NO-INTERNALS',
      /stack frame/,
    );
    fails(
      errorRevealsNoInternals(ok('{"message":"connect ECONNREFUSED 127.0.0.1:4000"}')),
      'ERROR-NO-INTERNALS',
      /network error/,
    );
  });
  test('SEC-NO-ENUMERATION-BODY', () => {
    const a = {
      status: 401,
      headers: { 'content-type': 'application/json' },
      text: '{"error":"unauthorized","message":"bad","status":401,"request_id":"1"}',
    };
    const b = { ...a, text: '{"status":401,"message":"bad","error":"unauthorized","request_id":"2"}' };
    passes(rejectionsAreIdentical(a, b));
    fails(
      rejectionsAreIdentical(a, { ...b, text: b.text.replace('bad', 'Wrong password.') }),
      'SEC-NO-ENUMERATION-BODY',
      /bodies differ/,
    );
  });
  test('SEC-NO-ENUMERATION-TIMING: a rank test for "any difference" and a shift for "how large", both needed', () => {
    // Deterministic "jitter": a spread of 0..40 ms in a fixed shuffled order.
    const jitter = (n: number, offset: number): number[] =>
      Array.from({ length: n }, (_, i) => offset + ((i * 17) % 41));
    const healthy = jitter(24, 30);
    passes(rejectionTimingsAreIndistinguishable(jitter(24, 30).reverse(), healthy));
    // A skipped hash: unknown identifiers answer 25 ms sooner under the same jitter.
    fails(
      rejectionTimingsAreIndistinguishable(jitter(24, 5), healthy),
      'SEC-NO-ENUMERATION-TIMING',
      /unknown identifier answers faster by 2\d\.\d ms .*Mann–Whitney p = .* < 0\.001/,
    );
    // Significant but small (4 ms: e.g. a failed-attempt counter written for known accounts) is not a finding.
    const tight = (offset: number): number[] => Array.from({ length: 24 }, (_, i) => offset + (i % 3) * 0.5);
    passes(rejectionTimingsAreIndistinguishable(tight(20), tight(24)));
    // Large but within the noise (one outlier) is not a finding either.
    passes(
      rejectionTimingsAreIndistinguishable(
        [2, 3, 2, 2, 90, 3, 2, 2, 60, 3, 70, 2],
        [50, 2, 48, 3, 49, 300, 2, 47, 3, 2, 51, 2],
      ),
    );
    fails(rejectionTimingsAreIndistinguishable([1, 2], [1, 2]), 'SEC-NO-ENUMERATION-TIMING', /too few samples/);
  });
  test('timing decision: stop early when clear, take another batch when not', () => {
    const base = { samples: 12, medianUnknownMs: 20, medianWrongPasswordMs: 40 };
    const wide = [-15, 25] as const;
    assert.equal(timingDecision({ ...base, shiftMs: 20, p: 0.0001, shiftIntervalMs: [12, 28] }), 'distinguishable');
    assert.equal(timingDecision({ ...base, shiftMs: 20, p: 0.01, shiftIntervalMs: [5, 35] }), 'inconclusive');
    assert.equal(timingDecision({ ...base, shiftMs: 4, p: 0.0001, shiftIntervalMs: [2, 11] }), 'inconclusive');
    // Noisy: no evidence yet, but the interval is too wide to rule a 10 ms shift out: sample more.
    assert.equal(timingDecision({ ...base, shiftMs: 5.8, p: 0.31, shiftIntervalMs: wide }), 'inconclusive');
    assert.equal(timingDecision({ ...base, shiftMs: 1, p: 0.5, shiftIntervalMs: [-4, 4] }), 'indistinguishable');
    assert.equal(timingDecision({ ...base, shiftMs: 1, p: 0.5, shiftIntervalMs: [-4, 6] }), 'inconclusive');
    const quiet = compareTimings(
      [20, 21, 20.5, 22, 21.5, 20.2, 21.1, 20.8],
      [20.4, 21.3, 20.1, 21.8, 21.2, 20.9, 20.6, 21],
    );
    assert.ok(quiet.shiftIntervalMs[0] > -2 && quiet.shiftIntervalMs[1] < 2, JSON.stringify(quiet));
    assert.equal(timingDecision(quiet), 'indistinguishable');
    // The p-value itself: identical samples give 1, fully separated 12 vs 12 give ~3e-5 (exact: 2.7e-7 one-sided).
    assert.equal(mannWhitneyP([1, 2, 3], [1, 2, 3]) > 0.9, true);
    const p = mannWhitneyP(
      Array.from({ length: 12 }, (_, i) => i),
      Array.from({ length: 12 }, (_, i) => 100 + i),
    );
    assert.ok(p < 1e-4 && p > 1e-6, `p ${p}`);
  });
});

describe('error and method checks', () => {
  test('ERROR-STATUS-MATCH, ERROR-SCHEMA (explained), AUTH (no session), METHODS, status', () => {
    passes(errorStatusMatches(401, '{"status":401}'));
    fails(errorStatusMatches(401, '{"status":400}'), 'ERROR-STATUS-MATCH', /body status is 400/);
    passes(errorIsExplained('{"error":"e","message":"m"}'));
    fails(errorIsExplained('{"error":"e","message":" "}'), 'ERROR-SCHEMA', /message is empty/);
    passes(rejectionCarriesNoSession('{"error":"e"}', {}));
    fails(rejectionCarriesNoSession('{"jwt":"x"}', {}), 'AUTH-REJECTS-BAD-CREDENTIALS', /jwt/);
    passes(methodDoesNotSucceed('GET', 405, '{}'));
    fails(methodDoesNotSucceed('DELETE', 204, ''), 'METHODS', /answered 204/);
    fails(statusIs('UPSTREAM-502', 502, 500, 'backend down'), 'UPSTREAM-502', /expected 502, got 500/);
  });
});

test('a 429 is an undocumented status with its Retry-After and the pacing advice, never silently accepted', () => {
  const validator = new ResponseValidator(loadSpec());
  const response = {
    status: 429,
    headers: { 'content-type': 'application/json', 'retry-after': '2' },
    text: JSON.stringify({ error: 'too_many_requests', message: 'slow down', status: 429 }),
  };
  const documented = responseIsDocumented(validator, response).results.find((r) => r.clause === 'STATUS-DOCUMENTED');
  assert.match(documented?.problems.join(' ') ?? '', /429 Too Many Requests \(Retry-After: 2\).*set CONTRACT_MAX_RPS/);
  assert.match(
    statusIs('AUTH-REJECTS-BAD-CREDENTIALS', 401, 429, 'wrong password').problems[0] ?? '',
    /CONTRACT_MAX_RPS/,
  );
  assert.deepEqual(statusIs('AUTH-REJECTS-BAD-CREDENTIALS', 401, 401, 'wrong password').problems, []);
});
