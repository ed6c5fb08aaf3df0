// Every response type of the login app, called without a port.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { identityIdFor, MAIN_ACCOUNT } from '../accounts.ts';
import { JWKS_PATH, LOGIN_PATH } from '../app.ts';
import { METHOD_OVERRIDE_HEADERS } from '../channels.ts';
import { defectByName } from '../defects.ts';
import { identityClient, deadUpstreamUrl } from '../identity/client.ts';
import { failingBackend, json, testApp } from './support.ts';

const valid = { identifier: MAIN_ACCOUNT.identifier, password: MAIN_ACCOUNT.password };
const AUTH_ERROR_KEYS = ['error', 'message', 'status'];

function assertAuthError(
  response: { status: number; headers: Readonly<Record<string, string>>; body: string },
  status: number,
): void {
  assert.equal(response.status, status);
  assert.equal(response.headers['content-type'], 'application/json');
  const body = json(response) as Record<string, unknown>;
  assert.deepEqual(Object.keys(body).sort(), AUTH_ERROR_KEYS);
  assert.equal(body.status, status);
  assert.equal(typeof body.error, 'string');
  assert.equal(typeof body.message, 'string');
  assert.doesNotMatch(response.body, /\bat |\.ts:\d|Error:/, 'no stack or internals');
}

describe('200: a valid login', () => {
  test('returns an active session, a matching EdDSA JWT, the identity and no-store', async () => {
    const t = await testApp();
    const before = Date.now();
    const response = await t.post(valid);
    assert.equal(response.status, 200);
    assert.equal(response.headers['content-type'], 'application/json');
    assert.equal(response.headers['cache-control'], 'no-store');
    const body = json(response) as {
      sessionToken: string;
      jwt: string;
      session: Record<string, unknown> & { identity: { id: string }; devices: unknown[] };
      identity: { id: string; traits: { email: string } };
      tokenizedSession: unknown;
    };
    const id = identityIdFor(MAIN_ACCOUNT.identifier);
    assert.deepEqual(body.identity, { id, traits: { email: MAIN_ACCOUNT.identifier } });
    assert.match(body.sessionToken, /^rst_[A-Za-z0-9_-]{43}$/);
    assert.equal(body.session.tokenized, body.jwt);
    assert.deepEqual(body.tokenizedSession, body.session);
    assert.equal(body.session.active, true);
    assert.deepEqual(body.session.identity, body.identity);
    assert.deepEqual(body.session.devices, [
      { ip_address: '127.0.0.1', user_agent: 'reference-test', location: 'loopback' },
    ]);

    assert.equal(decodeProtectedHeader(body.jwt).alg, 'EdDSA');
    const { payload } = await jwtVerify(body.jwt, t.signer.publicKey);
    assert.equal(payload.sub, id);
    assert.equal(payload.sid, body.session.id);
    assert.equal(payload.exp! * 1000, Date.parse(String(body.session.expires_at)));
    const authenticatedAt = Date.parse(String(body.session.authenticated_at));
    assert.ok(authenticatedAt >= before - 1000 && authenticatedAt <= Date.now());
    assert.ok(Date.parse(String(body.session.expires_at)) > Date.now());
    assert.ok(!response.body.includes(MAIN_ACCOUNT.password), 'password never echoed');
  });

  test('each login issues a fresh session id, sessionToken and jwt', async () => {
    const t = await testApp();
    const [a, b] = (await Promise.all([t.post(valid), t.post(valid)])).map(
      (r) => json(r) as Record<string, { id?: string }>,
    );
    assert.notEqual(a!.session!.id, b!.session!.id);
    assert.notEqual(a!.sessionToken, b!.sessionToken);
    assert.notEqual(a!.jwt, b!.jwt);
  });

  test('accepts application/json with a UTF-8 charset', async () => {
    const t = await testApp();
    assert.equal((await t.post(valid, 'application/json; charset=UTF-8')).status, 200);
  });
});

describe('400: every malformed request', () => {
  const cases: [string, string | object, string | null, boolean?][] = [
    ['malformed JSON', '{"identifier":', 'application/json'],
    ['empty body', '', 'application/json'],
    ['JSON array', '[]', 'application/json'],
    ['JSON string', '"x"', 'application/json'],
    ['JSON number', '42', 'application/json'],
    ['JSON null', 'null', 'application/json'],
    ['identifier missing', { password: 'x' }, 'application/json'],
    ['password missing', { identifier: 'x' }, 'application/json'],
    ['both missing', {}, 'application/json'],
    ...(['number', 'boolean', 'null', 'object', 'array'] as const).flatMap((kind): [string, object, string][] => {
      const value = { number: 1, boolean: true, null: null, object: {}, array: [] }[kind];
      return [
        [`identifier as ${kind}`, { identifier: value, password: 'x' }, 'application/json'],
        [`password as ${kind}`, { identifier: 'x', password: value }, 'application/json'],
      ];
    }),
    ['an extra property', { ...valid, extra: 1 }, 'application/json'],
    ['__proto__ property', '{"identifier":"a","password":"b","__proto__":{}}', 'application/json'],
    ['a duplicated key', '{"identifier":"a","password":"b","password":"c"}', 'application/json'],
    ['Content-Type text/plain', valid, 'text/plain'],
    ['Content-Type form-encoded', 'identifier=a&password=b', 'application/x-www-form-urlencoded'],
    ['Content-Type application/json; charset=latin1', valid, 'application/json; charset=latin1'],
    ['no Content-Type', valid, null],
    ['a body over the size limit', '', 'application/json', true],
  ];
  for (const [name, body, contentType, tooLarge] of cases) {
    test(`${name} -> 400 AuthError`, async () => {
      const t = await testApp();
      const response = await t.post(body, contentType, { tooLarge: tooLarge ?? false });
      assertAuthError(response, 400);
      assert.ok(!response.body.includes(MAIN_ACCOUNT.password));
    });
  }

  test('invalid UTF-8 -> 400 AuthError', async () => {
    const t = await testApp();
    assertAuthError(await t.call({ body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }), 400);
  });
});

describe('401: wrong credentials', () => {
  test('unknown identifier, wrong password and empty password answer the identical 401 body', async () => {
    const t = await testApp();
    const wrong = await t.post({ identifier: valid.identifier, password: 'Not-The-Passw0rd!' });
    const unknown = await t.post({ identifier: 'nobody@reference.test', password: 'Not-The-Passw0rd!' });
    const empty = await t.post({ identifier: valid.identifier, password: '' });
    for (const r of [wrong, unknown, empty]) assertAuthError(r, 401);
    assert.equal(unknown.body, wrong.body);
    assert.equal(empty.body, wrong.body);
  });

  test('an unknown identifier costs the same argon2 work as a wrong password (a dummy verification)', async () => {
    const t = await testApp();
    const work = async (identifier: string): Promise<number> => {
      const before = t.identity.verifications();
      await t.post({ identifier, password: 'Not-The-Passw0rd!' });
      return t.identity.verifications() - before;
    };
    assert.equal(await work('nobody@reference.test'), 1);
    assert.equal(await work(valid.identifier), 1);
  });
});

describe('405 / 404', () => {
  for (const method of ['GET', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']) {
    test(`${method} on the login path -> 405 with Allow: POST`, async () => {
      const t = await testApp();
      const response = await t.call({ method });
      assertAuthError(response, 405);
      assert.equal(response.headers.allow, 'POST');
    });
  }
  for (const url of ['/', '/api/auth/login/', '/api/auth/logout', '/API/AUTH/LOGIN']) {
    test(`POST ${url} -> 404 AuthError`, async () => {
      const t = await testApp();
      assertAuthError(await t.call({ url }), 404);
    });
  }
  test('a query string does not change the route', async () => {
    const t = await testApp();
    assert.equal((await t.post(valid, 'application/json', { url: `${LOGIN_PATH}?x=1` })).status, 200);
  });
});

describe('502: identity backend failure', () => {
  test('a throwing backend -> 502 AuthError', async () => {
    const t = await testApp({ upstream: failingBackend });
    assertAuthError(await t.post(valid), 502);
  });

  test('an unreachable HTTP backend (closed loopback port) -> 502 AuthError', async () => {
    const backend = identityClient(await deadUpstreamUrl());
    try {
      const t = await testApp({ upstream: backend });
      assertAuthError(await t.post(valid), 502);
    } finally {
      await backend.close();
    }
  });

  test('--fail-rate answers that share of logins 502 without calling the backend', async () => {
    let calls = 0;
    const counting = { authenticate: () => ((calls += 1), Promise.reject(new Error('must not be called'))) };
    const always = await testApp({ upstream: counting, failRate: 0.5, random: () => 0.1 });
    assertAuthError(await always.post(valid), 502);
    assert.equal(calls, 0);
    const never = await testApp({ failRate: 0.5, random: () => 0.9 });
    assert.equal((await never.post(valid)).status, 200);
  });

  test('malformed requests are still 400 when the backend is down', async () => {
    const t = await testApp({ upstream: failingBackend });
    assertAuthError(await t.post('{'), 400);
  });
});

describe('--added-latency-ms', () => {
  test('delays the answer by at least N ms', async () => {
    const t = await testApp({ addedLatencyMs: 60 });
    const started = performance.now();
    await t.post({ identifier: 'x', password: 'y' });
    assert.ok(performance.now() - started >= 59);
  });
});

describe('--jitter-ms', () => {
  test('each answer waits the added latency plus a uniform 0..N ms drawn from the injected random', async () => {
    const draws = [0, 0.5, 0.999_999, 0.25];
    const delays: number[] = [];
    const t = await testApp({
      addedLatencyMs: 10,
      jitterMs: 50,
      random: () => draws[delays.length]!,
      sleep: async (ms) => void delays.push(ms),
    });
    for (let i = 0; i < draws.length; i++) await t.post({ identifier: 'x', password: 'y' });
    assert.deepEqual(delays, [10, 35, 60, 22]);
    for (const ms of delays) assert.ok(ms >= 10 && ms <= 60);
  });

  test('the delay is real, and every kind of answer gets it', async () => {
    const t = await testApp({ jitterMs: 40, random: () => 0.999 });
    const started = performance.now();
    await t.call({ method: 'GET', url: '/elsewhere' });
    assert.ok(performance.now() - started >= 39);
  });

  test('off by default: no delay is asked for', async () => {
    const delays: number[] = [];
    const t = await testApp({ sleep: async (ms) => void delays.push(ms) });
    await t.post({ identifier: 'x', password: 'y' });
    assert.deepEqual(delays, []);
  });
});

describe('--json-duplicates', () => {
  // The repeated password decides the outcome, so a mode that ignored the last value (or kept the first) fails here.
  const twice = (first: string, last: string): string =>
    `{"identifier":${JSON.stringify(valid.identifier)},"password":${JSON.stringify(first)},"password":${JSON.stringify(last)}}`;

  test('last: a repeated key is accepted with its last value (200 when it is right, 401 when it is wrong)', async () => {
    const t = await testApp({ jsonDuplicates: 'last' });
    assert.equal((await t.post(twice('Not-The-Passw0rd!', valid.password))).status, 200);
    assertAuthError(await t.post(twice(valid.password, 'Not-The-Passw0rd!')), 401);
  });

  test('reject (the default): the same bodies answer 400', async () => {
    for (const t of [await testApp(), await testApp({ jsonDuplicates: 'reject' })]) {
      assertAuthError(await t.post(twice('Not-The-Passw0rd!', valid.password)), 400);
      assertAuthError(await t.post(twice(valid.password, 'Not-The-Passw0rd!')), 400);
    }
  });
});

describe('credentials come only from the JSON body of a POST', () => {
  const query = `${LOGIN_PATH}?${new URLSearchParams(valid).toString()}`;
  const basic = `Basic ${Buffer.from(`${valid.identifier}:${valid.password}`).toString('base64')}`;

  test('a query string, a form body, Basic auth and method-override headers never log in', async () => {
    const t = await testApp();
    assertAuthError(await t.call({ url: query }), 400);
    assertAuthError(await t.call({ method: 'GET', url: query }), 405);
    assertAuthError(await t.post(new URLSearchParams(valid).toString(), 'application/x-www-form-urlencoded'), 400);
    assertAuthError(await t.call({ headers: { authorization: basic } }), 400);
    for (const name of METHOD_OVERRIDE_HEADERS) {
      const overridden = await t.call({
        method: 'GET',
        body: Buffer.from(JSON.stringify(valid)),
        headers: { [name]: 'POST' },
      });
      assertAuthError(overridden, 405);
    }
  });

  test('the defects honour each channel (and nothing else changes)', async () => {
    const login = (r: { status: number; body: string }): boolean => r.status === 200 && r.body.includes('"jwt"');
    const with_ = async (name: string) => testApp({ defect: defectByName.get(name)! });
    assert.ok(login(await (await with_('credentials-in-query')).call({ url: query })));
    assert.ok(login(await (await with_('credentials-in-query')).call({ method: 'GET', url: query })));
    const form = await with_('form-body-accepted');
    assert.ok(login(await form.post(new URLSearchParams(valid).toString(), 'application/x-www-form-urlencoded')));
    assert.ok(login(await (await with_('basic-auth-accepted')).call({ headers: { authorization: basic } })));
    const override = await with_('method-override-honoured');
    for (const name of METHOD_OVERRIDE_HEADERS) {
      const body = Buffer.from(JSON.stringify(valid));
      assert.ok(login(await override.call({ method: 'GET', body, headers: { [name]: 'post' } })), name);
    }
    assertAuthError(await override.call({ method: 'GET' }), 405);
  });
});

describe('GET /.well-known/jwks.json', () => {
  test('publishes the public signing key; the 200 jwt verifies with it (kid in the header)', async () => {
    const t = await testApp();
    const answer = await t.call({ method: 'GET', url: JWKS_PATH });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['content-type'], 'application/json');
    const jwks = json(answer) as { keys: Record<string, unknown>[] };
    assert.deepEqual(Object.keys(jwks.keys[0] ?? {}).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x']);
    assert.ok(!('d' in (jwks.keys[0] ?? {})), 'never the private key');
    const { jwt } = json(await t.post(valid)) as { jwt: string };
    await jwtVerify(jwt, createLocalJWKSet(jwks as never), { algorithms: ['EdDSA'] });
    assertAuthError(await t.call({ method: 'POST', url: JWKS_PATH }), 404);
  });

  test('jwt-signed-by-unpublished-key: the jwt does not verify with the published key', async () => {
    const t = await testApp({ defect: defectByName.get('jwt-signed-by-unpublished-key')! });
    const jwks = json(await t.call({ method: 'GET', url: JWKS_PATH })) as never;
    const { jwt } = json(await t.post(valid)) as { jwt: string };
    await assert.rejects(jwtVerify(jwt, createLocalJWKSet(jwks)), /no applicable key found/);
  });
});

describe('response headers', () => {
  test('every answer says nosniff and names no server or framework version', async () => {
    const t = await testApp();
    for (const answer of [await t.post(valid), await t.post({ identifier: 'x', password: 'y' }), await t.post('{')]) {
      assert.equal(answer.headers['x-content-type-options'], 'nosniff');
      assert.equal(answer.headers.server, undefined);
      assert.equal(answer.headers['x-powered-by'], undefined);
      assert.equal(answer.headers['access-control-allow-origin'], undefined);
    }
  });
});
