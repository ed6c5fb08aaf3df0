// The attack-class checks (checks/attacks.ts, checks/headers.ts, the JWT claims and signature of checks/token.ts) pass
// on healthy input and fail, with their clause, on broken input; the named inputs of attacks.ts are what they say.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import { calculateJwkThumbprint, SignJWT } from 'jose';
import {
  corsProbeOrigins,
  exactVariants,
  injectionPayloads,
  otherNormalisation,
  payloadValue,
  swapCase,
  verbatimVariants,
} from '../attacks.ts';
import {
  didNotLogIn,
  longPasswordCostIsBounded,
  median,
  rejectedWithout5xx,
  statusIsOneOf,
} from '../checks/attacks.ts';
import { corsDoesNotReflectWithCredentials, responseHeadersAreHardened } from '../checks/headers.ts';
import { decodeCompactJws, jwtClaimsArePlausible, jwtSignatureVerifies } from '../checks/token.ts';
import { redactedRequest } from '../support/redaction.ts';
import { MASK, redactText } from '../../core/redact.ts';
import { fails, passes } from './check-assertions.ts';

const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const jws = (payload: object, header: object = { alg: 'EdDSA' }, signature = 'c2ln'): string =>
  `${b64(header)}.${b64(payload)}.${signature}`;
const now = Date.parse('2026-11-27T18:00:00Z');
const iat = now / 1000;
const clock = { sentAt: now - 50, receivedAt: now + 50, skewMs: 10_000 };
const claims = { sub: 'id-1', sid: 'ses-1', iat, exp: iat + 3600 };
const login = (payload: object) => ({ jwt: jws(payload) });

describe('TOKEN-CLAIMS', () => {
  test('holds for a token issued now, valid for an hour, naming its subject (nbf now is fine)', () => {
    passes(jwtClaimsArePlausible(login(claims), clock));
    passes(jwtClaimsArePlausible(login({ ...claims, nbf: iat, iat: iat + 5 }), clock));
  });
  test('fails on iat or nbf in the future, exp not after iat or past, no sub, non-numeric dates', () => {
    fails(
      jwtClaimsArePlausible(login({ ...claims, iat: iat + 600 }), clock),
      'TOKEN-CLAIMS',
      /iat .* is in the future/,
    );
    fails(jwtClaimsArePlausible(login({ ...claims, nbf: iat + 600 }), clock), 'TOKEN-CLAIMS', /nbf .* not valid yet/);
    fails(jwtClaimsArePlausible(login({ ...claims, exp: iat }), clock), 'TOKEN-CLAIMS', /exp .* is not after its iat/);
    fails(
      jwtClaimsArePlausible(login({ ...claims, iat: iat - 7200, exp: iat - 60 }), clock),
      'TOKEN-CLAIMS',
      /already past/,
    );
    const { sub: _sub, ...noSub } = claims;
    fails(jwtClaimsArePlausible(login(noSub), clock), 'TOKEN-CLAIMS', /no sub claim/);
    fails(jwtClaimsArePlausible(login({ ...claims, sub: '' }), clock), 'TOKEN-CLAIMS', /sub is ""/);
    fails(jwtClaimsArePlausible(login({ ...claims, iat: '2026' }), clock), 'TOKEN-CLAIMS', /iat claim is "2026"/);
    const { iat: _iat, exp: _exp, ...noTimes } = claims;
    fails(jwtClaimsArePlausible(login(noTimes), clock), 'TOKEN-CLAIMS', /no iat claim.*no exp claim/);
  });
  test('a token that is not a decodable JWS is left to TOKEN-JWS', () => {
    passes(jwtClaimsArePlausible({ jwt: 'opaque-token' }, clock));
    passes(jwtClaimsArePlausible({}, clock));
    assert.equal(decodeCompactJws(`${b64({ alg: 'EdDSA' })}.bm90IGpzb24.c2ln`)?.payload, undefined);
    assert.equal(decodeCompactJws('a.b'), undefined);
  });
});

describe('TOKEN-SIGNATURE', () => {
  const pair = generateKeyPairSync('ed25519');
  const other = generateKeyPairSync('ed25519');
  const sign = (key = pair.privateKey, kid?: string): Promise<string> =>
    new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', ...(kid ? { kid } : {}) }).sign(key);
  const algs = ['EdDSA', 'ES256'];

  test('verifies with the public key and with a JWKS (kid lookup); fails with another key', async () => {
    const jwk = { ...pair.publicKey.export({ format: 'jwk' }), alg: 'EdDSA', use: 'sig' };
    const kid = await calculateJwkThumbprint(jwk as never);
    const publicKey = { kind: 'public-key' as const, key: pair.publicKey, source: 'JWT_PUBLIC_KEY' };
    const jwks = { kind: 'jwks' as const, jwks: { keys: [{ ...jwk, kid }] } as never, source: 'the JWKS' };
    passes(await jwtSignatureVerifies({ jwt: await sign() }, publicKey, algs));
    passes(await jwtSignatureVerifies({ jwt: await sign(pair.privateKey, kid) }, jwks, algs));
    const forged = await sign(other.privateKey, 'another-kid');
    const broken = await jwtSignatureVerifies({ jwt: forged }, jwks, algs);
    fails(broken, 'TOKEN-SIGNATURE', /does not verify with the JWKS: no applicable key found/);
    assert.ok(!broken.problems.join(' ').includes(forged), 'a problem never quotes the token');
    fails(
      await jwtSignatureVerifies({ jwt: await sign(other.privateKey) }, publicKey, algs),
      'TOKEN-SIGNATURE',
      /signature verification failed/,
    );
  });
  test('an unsigned, opaque or non-allow-listed token is left to TOKEN-JWS', async () => {
    const key = { kind: 'public-key' as const, key: pair.publicKey, source: 'JWT_PUBLIC_KEY' };
    passes(await jwtSignatureVerifies({ jwt: jws(claims, { alg: 'none' }, '') }, key, algs));
    passes(await jwtSignatureVerifies({ jwt: 'opaque' }, key, algs));
    passes(await jwtSignatureVerifies({ jwt: jws(claims, { alg: 'HS256' }) }, key, algs));
  });
});

describe('attack checks', () => {
  const answer = (status: number, body: object = { error: 'e', message: 'm', status }) => ({
    status,
    headers: {},
    text: JSON.stringify(body),
  });
  test('didNotLogIn: a 2xx with a token is a login; a refusal or a 2xx page without one is not', () => {
    passes(didNotLogIn('CREDENTIALS-CHANNEL', 'GET ?query', answer(401)));
    passes(didNotLogIn('CREDENTIALS-CHANNEL', 'GET ?query', { status: 200, headers: {}, text: '<html></html>' }));
    fails(
      didNotLogIn('CREDENTIALS-CHANNEL', 'Basic auth', answer(200, { jwt: 'x', sessionToken: 'y' })),
      'CREDENTIALS-CHANNEL',
      /Basic auth: logged in \(200 with jwt, sessionToken\)/,
    );
  });
  test('rejectedWithout5xx and statusIsOneOf', () => {
    passes(rejectedWithout5xx('INJECTION', 'p', answer(400)));
    fails(rejectedWithout5xx('INJECTION', 'p', answer(500)), 'INJECTION', /answered 500, a server error/);
    fails(rejectedWithout5xx('INPUT-SIZE', 'p', answer(201, { session: {} })), 'INPUT-SIZE', /logged in/);
    passes(statusIsOneOf('AUTH-REJECTS-BAD-CREDENTIALS', [400, 401], 400, 'p'));
    fails(statusIsOneOf('REQUEST-VALIDATION', [400], 401, 'p'), 'REQUEST-VALIDATION', /expected 400, got 401/);
  });
  test('longPasswordCostIsBounded: median within factor x normal + slack', () => {
    const bound = { longPasswordTimeFactor: 4, longPasswordSlackMs: 250 };
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 2, 3]), 2.5);
    passes(longPasswordCostIsBounded([40, 50, 45], [60, 300, 55], bound));
    fails(longPasswordCostIsBounded([40, 50, 45], [1100, 1000, 1050], bound), 'LONG-PASSWORD-COST', /took 1050 ms/);
    fails(longPasswordCostIsBounded([], [], bound), 'LONG-PASSWORD-COST', /no timing samples/);
  });
});

describe('header checks', () => {
  const origin = 'https://cors-probe.invalid';
  const cors = (headers: Record<string, string>) => ({ headers });
  test('CORS-CREDENTIALS: a reflected foreign origin with credentials fails; without, or allow-listed, holds', () => {
    const reflected = { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true' };
    fails(corsDoesNotReflectWithCredentials('POST', origin, cors(reflected), []), 'CORS-CREDENTIALS', /reflected/);
    passes(corsDoesNotReflectWithCredentials('POST', origin, cors({ 'access-control-allow-origin': origin }), []));
    passes(corsDoesNotReflectWithCredentials('POST', origin, cors(reflected), [origin]));
    passes(corsDoesNotReflectWithCredentials('POST', origin, cors({}), []));
    const star = { 'access-control-allow-origin': '*', 'access-control-allow-credentials': 'true' };
    passes(corsDoesNotReflectWithCredentials('POST', origin, cors(star), []));
  });
  test('RESPONSE-HEADERS: nosniff, HSTS on https, no version banner', () => {
    const good = { 'x-content-type-options': 'nosniff', server: 'nginx' };
    passes(responseHeadersAreHardened([{ scenario: '200', response: { headers: good } }], false));
    const hsts = { ...good, 'strict-transport-security': 'max-age=31536000; includeSubDomains' };
    passes(responseHeadersAreHardened([{ scenario: '200', response: { headers: hsts } }], true));
    const check = (headers: Record<string, string>, https = false) =>
      responseHeadersAreHardened([{ scenario: '401', response: { headers } }], https);
    fails(check({}), 'RESPONSE-HEADERS', /401: X-Content-Type-Options is missing/);
    fails(check(good, true), 'RESPONSE-HEADERS', /no Strict-Transport-Security/);
    fails(check({ ...good, 'strict-transport-security': 'max-age=0' }, true), 'RESPONSE-HEADERS', /Strict-Transport/);
    fails(check({ ...good, server: 'nginx/1.18.0' }), 'RESPONSE-HEADERS', /server "nginx\/1.18.0" names a version/);
    fails(check({ ...good, 'x-powered-by': 'PHP/8.1.2' }), 'RESPONSE-HEADERS', /x-powered-by/);
    fails(check({ ...good, 'x-aspnet-version': '4.0.30319' }), 'RESPONSE-HEADERS', /x-aspnet-version/);
  });
});

describe('the named inputs', () => {
  test('injection payloads: unique names, documented statuses, probe payloads built from the probe identifier', () => {
    assert.equal(new Set(injectionPayloads.map((p) => p.name)).size, injectionPayloads.length);
    for (const family of ['SQL', 'NoSQL', 'LDAP', 'wildcard']) {
      assert.ok(
        injectionPayloads.some((p) => p.family === family),
        family,
      );
    }
    for (const p of injectionPayloads) {
      assert.ok(p.expected.length > 0 && p.expected.every((s) => s === 400 || s === 401), p.name);
      const value = payloadValue(p, 'qa.probe@example.test');
      assert.equal(typeof value === 'string', !p.expected.every((s) => s === 400), `${p.name}: objects get 400`);
      if (p.target === 'identifier-of-probe') assert.match(String(value), /^qa\.probe@example\./);
    }
  });
  test('password variants differ from the password; another normalisation only when one exists', () => {
    const ascii = 'Reference-Only-Passw0rd!';
    for (const v of [...exactVariants(ascii), ...verbatimVariants(ascii)]) assert.notEqual(v.password, ascii, v.name);
    assert.equal(exactVariants(ascii).length, 3);
    assert.equal(verbatimVariants(ascii).length, 2);
    assert.equal(otherNormalisation(ascii), undefined);
    const composed = 'P\u00e4ss';
    assert.deepEqual(otherNormalisation(composed), { form: 'NFD', from: 'NFC', password: 'Pa\u0308ss' });
    assert.deepEqual(otherNormalisation('Pa\u0308ss'), { form: 'NFC', from: 'NFD', password: composed });
    assert.equal(verbatimVariants(composed).length, 3);
    assert.equal(swapCase('aB1'), 'Ab1');
    assert.ok(exactVariants(ascii)[0]?.password.includes('\u0000'));
  });
  test('CORS probe origins: a foreign one, null, and each allowed origin with a foreign suffix (two at most)', () => {
    assert.deepEqual(corsProbeOrigins([]), ['https://cors-probe.invalid', 'null']);
    assert.deepEqual(corsProbeOrigins(['https://a.test', 'https://b.test', 'https://c.test']).slice(2), [
      'https://a.test.cors-probe.invalid',
      'https://b.test.cors-probe.invalid',
    ]);
  });
});

describe('redaction of the undocumented channels', () => {
  const secret = 'Probe-Only-P\u00e4ssw0rd!';
  test('a password in a query string or a form body is masked, encoded or by name', () => {
    const query = new URLSearchParams({ identifier: 'qa@x.test', password: secret }).toString();
    assert.equal(redactText(query, [secret]), `identifier=qa%40x.test&password=${MASK}`);
    assert.equal(redactText(`x=${encodeURIComponent(secret)}`, [secret]), `x=${MASK}`);
    assert.equal(redactText('a=1&password=hunter2', []), `a=1&password=${MASK}`);
    const rendered = JSON.stringify(
      redactedRequest(
        {
          request: {
            method: 'GET',
            url: `http://127.0.0.1:1/api/auth/login?${query}`,
            headers: { authorization: `Basic ${Buffer.from(`qa@x.test:${secret}`).toString('base64')}` },
            body: query,
          },
          response: { status: 405, headers: {}, text: '' },
          sentAt: 0,
          receivedAt: 0,
          durationMs: 0,
        },
        [secret],
      ),
    );
    assert.ok(!rendered.includes(encodeURIComponent(secret)) && !rendered.includes(secret), rendered);
    assert.ok(!rendered.includes('Basic '), 'the Authorization header is masked');
  });
});
