// 200: what a successful login must return — the documented body, a signed token that agrees with its session,
// a fresh active session of the identity that logged in, no password, and no caching.
import { clauseTag } from '../clauses.ts';
import type { ClauseId } from '../clauses.ts';
import { statusIs } from '../checks/errors.ts';
import { parseJson } from '../checks/result.ts';
import { responseHasNoPassword, responseIsNotStored } from '../checks/security.ts';
import {
  defaultSkewMs,
  sessionBelongsToIdentity,
  sessionIsActive,
  sessionsAreFresh,
  sessionTimesArePlausible,
} from '../checks/session.ts';
import { createPublicKey } from 'node:crypto';
import type { APIRequestContext } from '@playwright/test';
import type { JSONWebKeySet } from 'jose';
import { responseHeadersAreHardened } from '../checks/headers.ts';
import { result } from '../checks/result.ts';
import {
  jwtClaimsArePlausible,
  jwtExpMatchesSession,
  jwtIsAllowListedJws,
  jwtSignatureVerifies,
  tokensAreConsistent,
} from '../checks/token.ts';
import type { VerificationKey } from '../checks/token.ts';
import { unknownIdentifier, wrongPassword } from '../support/credentials.ts';
import type { SuiteContext } from '../support/context.ts';
import type { Exchange } from '../support/http.ts';
import { expect, test } from '../support/test.ts';
import type { LoginApi } from '../support/test.ts';

/** A valid login that conforms to the spec and answered 200; the status failure is charged to the test's clause. */
async function successfulLogin(
  api: LoginApi,
  clause: ClauseId,
  description?: string,
): Promise<{ exchange: Exchange; body: unknown }> {
  const exchange = await api.validLogin(description);
  await expect(exchange).toMatchDocumentedResponse();
  expect(
    statusIs(clause, 200, exchange.response.status, 'valid credentials (check LOGIN_IDENTIFIER / LOGIN_PASSWORD)'),
  ).toHold();
  return { exchange, body: parseJson(exchange.response.text) };
}

test.describe('200 — a valid login', () => {
  test(
    `${clauseTag('S200-SCHEMA')} answers 200 with a body conforming to AuthLoginResponse`,
    { tag: '@smoke' },
    async ({ api }) => {
      await successfulLogin(api, 'S200-SCHEMA');
    },
  );

  test(`${clauseTag('S200-SCHEMA')} accepts application/json with a charset parameter`, async ({ api }) => {
    const exchange = await api.call('valid credentials, Content-Type with charset', {
      body: { identifier: api.identifier, password: api.password },
      contentType: 'application/json; charset=utf-8',
    });
    await expect(exchange).toMatchDocumentedResponse();
    expect(statusIs('S200-SCHEMA', 200, exchange.response.status, 'valid credentials with charset=utf-8')).toHold();
  });

  test(`${clauseTag('CONTENT-TYPE')} 200 and 401 carry a documented media type`, async ({ api }) => {
    const ok = await api.validLogin();
    await expect(ok).toMatchDocumentedResponse();
    const rejected = await api.failedLogin('wrong password', wrongPassword(api));
    await expect(rejected).toMatchDocumentedResponse();
  });

  test(
    `${clauseTag('TOKEN-JWS')} jwt is a compact JWS with an allow-listed alg, never none`,
    { tag: '@smoke' },
    async ({ api, suite }) => {
      const { body } = await successfulLogin(api, 'TOKEN-JWS');
      await test.step(`alg in ${suite.config.jwtAlgAllowList.join(',')}`, () => {
        expect(jwtIsAllowListedJws(body, suite.config.jwtAlgAllowList)).toHold();
      });
    },
  );

  test(`${clauseTag('TOKEN-CONSISTENT')} jwt = session.tokenized = tokenizedSession.tokenized`, async ({ api }) => {
    const { body } = await successfulLogin(api, 'TOKEN-CONSISTENT');
    expect(tokensAreConsistent(body)).toHold();
  });

  test(`${clauseTag('TOKEN-EXP-MATCHES-SESSION')} JWT exp equals session.expires_at within 1 s`, async ({ api }) => {
    const { body } = await successfulLogin(api, 'TOKEN-EXP-MATCHES-SESSION');
    expect(jwtExpMatchesSession(body)).toHold();
  });

  test(`${clauseTag('SESSION-TIMES')} authenticated_at is now and expires_at is later`, async ({ api }) => {
    const { exchange, body } = await successfulLogin(api, 'SESSION-TIMES');
    expect(
      sessionTimesArePlausible(body, {
        sentAt: exchange.sentAt,
        receivedAt: exchange.receivedAt,
        skewMs: defaultSkewMs,
      }),
    ).toHold();
  });

  test(`${clauseTag('SESSION-ACTIVE')} the new session is active`, async ({ api }) => {
    const { body } = await successfulLogin(api, 'SESSION-ACTIVE');
    expect(sessionIsActive(body)).toHold();
  });

  test(`${clauseTag('SESSION-IDENTITY')} the session belongs to the identity that logged in`, async ({ api }) => {
    const { body } = await successfulLogin(api, 'SESSION-IDENTITY');
    expect(sessionBelongsToIdentity(body, api.identifier)).toHold();
  });

  test(`${clauseTag('SESSION-UNIQUE')} each login issues a fresh session id, sessionToken and jwt`, async ({ api }) => {
    const bodies: unknown[] = [];
    for (const n of [1, 2, 3])
      bodies.push((await successfulLogin(api, 'SESSION-UNIQUE', `valid credentials, login ${n} of 3`)).body);
    expect(sessionsAreFresh(bodies)).toHold();
  });

  test(`${clauseTag('SEC-NO-SECRET-ECHO')} the 200 contains the password nowhere (body, JWT, headers)`, async ({
    api,
  }) => {
    const { exchange } = await successfulLogin(api, 'SEC-NO-SECRET-ECHO');
    expect(responseHasNoPassword(exchange.response, api.password)).toHold();
  });

  test(`${clauseTag('SEC-NO-STORE')} the 200 carries Cache-Control: no-store`, { tag: '@smoke' }, async ({ api }) => {
    const { exchange } = await successfulLogin(api, 'SEC-NO-STORE');
    expect(responseIsNotStored(exchange.response.headers)).toHold();
  });

  test(`${clauseTag('TOKEN-CLAIMS')} JWT iat and nbf not in the future, exp after iat and now, sub present`, async ({
    api,
  }) => {
    const { exchange, body } = await successfulLogin(api, 'TOKEN-CLAIMS');
    const clock = { sentAt: exchange.sentAt, receivedAt: exchange.receivedAt, skewMs: defaultSkewMs };
    expect(jwtClaimsArePlausible(body, clock)).toHold();
  });

  test(`${clauseTag('TOKEN-SIGNATURE')} the jwt signature verifies with the published key`, async ({
    api,
    suite,
    request,
  }) => {
    test.skip(
      suite.jwtKey === undefined,
      'no key to verify with on this target: set JWT_JWKS_URL (or JWT_PUBLIC_KEY) for this environment',
    );
    const key = await verificationKey(suite, request);
    const { body } = await successfulLogin(api, 'TOKEN-SIGNATURE');
    expect(await jwtSignatureVerifies(body, key, suite.config.jwtAlgAllowList)).toHold();
  });

  // Hardening, advisory by default: the document is silent about these headers.
  test(`${clauseTag('RESPONSE-HEADERS')} answers say nosniff, carry HSTS on https, and name no server version`, async ({
    api,
    suite,
  }) => {
    const answers = [
      { scenario: '200', exchange: await api.validLogin() },
      {
        scenario: '401',
        exchange: await api.call('unknown identifier', {
          body: { identifier: unknownIdentifier(api), password: wrongPassword(api) },
        }),
      },
      { scenario: '400', exchange: await api.call('malformed JSON', { body: '{"identifier":' }) },
    ];
    const https = new URL(suite.baseUrl).protocol === 'https:';
    const responses = answers.map(({ scenario, exchange }) => ({ scenario, response: exchange.response }));
    expect(responseHeadersAreHardened(responses, https)).toHold();
  });
});

/** The key of the environment (JWT_PUBLIC_KEY), or the JWKS at its URL, fetched through the run's pacing. */
async function verificationKey(suite: SuiteContext, request: APIRequestContext): Promise<VerificationKey> {
  const source = suite.jwtKey!;
  if (source.kind === 'public-key')
    return { kind: 'public-key', key: createPublicKey(source.pem), source: source.source };
  await suite.coordination.slot();
  const response = await request.get(source.url, { failOnStatusCode: false, maxRedirects: 0, timeout: 10_000 });
  const text = await response.text();
  let jwks: unknown;
  try {
    jwks = JSON.parse(text);
  } catch {
    jwks = undefined;
  }
  const keys = (jwks as { keys?: unknown } | undefined)?.keys;
  if (response.status() !== 200 || !Array.isArray(keys)) {
    const why = response.status() !== 200 ? `answered ${response.status()}` : 'is not a JWKS ({"keys": [...]})';
    expect(result('TOKEN-SIGNATURE', 'jwksIsReadable', [`${source.source} ${why}`])).toHold();
  }
  return { kind: 'jwks', jwks: jwks as JSONWebKeySet, source: source.source };
}
