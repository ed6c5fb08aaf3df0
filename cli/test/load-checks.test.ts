// The login checks run under load: each predicate holds on a good response and fails on a broken one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasTokens, isRejection, isUndocumentedStatus, jwtMatchesSession } from '../../load/lib/login-checks.ts';
import { contractProblems, identityCheck } from '../../load/lib/login-contract.ts';

const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';
const good = JSON.stringify({
  jwt,
  sessionToken: 'st',
  session: { tokenized: jwt },
  tokenizedSession: { tokenized: jwt },
});

describe('login checks', () => {
  it('pass on a well-formed 200 body', () => {
    assert.equal(hasTokens(good), true);
    assert.equal(jwtMatchesSession(good), true);
  });

  it('fail on broken bodies', () => {
    for (const body of [null, '', '<html>', '[]', JSON.stringify({ jwt, sessionToken: '' }), JSON.stringify({ jwt })]) {
      assert.equal(hasTokens(body), false, String(body));
    }
    assert.equal(jwtMatchesSession(JSON.stringify({ jwt, session: { tokenized: `${jwt}x` } })), false);
    assert.equal(jwtMatchesSession(JSON.stringify({ jwt, session: null })), false);
    assert.equal(jwtMatchesSession(JSON.stringify({ jwt: '', session: { tokenized: '' } })), false);
  });

  it('recognise a 401 AuthError and nothing else as a rejection', () => {
    const body = JSON.stringify({ error: 'invalid_credentials', message: 'no', status: 401 });
    assert.equal(isRejection(401, body), true);
    assert.equal(isRejection(400, body), false);
    assert.equal(isRejection(401, JSON.stringify({ error: 'x', message: 'y', status: 400 })), false);
    assert.equal(isRejection(401, 'Unauthorized'), false);
  });

  it('flag every status the contract does not document', () => {
    assert.deepEqual([200, 400, 401, 502].map(isUndocumentedStatus), [false, false, false, false]);
    assert.deepEqual([201, 403, 404, 429, 500, 503, 504].map(isUndocumentedStatus), Array(7).fill(true));
    assert.equal(isUndocumentedStatus(0), false, 'no response is an error (http_req_failed), not a status');
  });
});

describe('contract under load (load/lib/login-contract.ts)', () => {
  const decode = (s: string): string => Buffer.from(s, 'base64url').toString('utf8');
  const token = (sub: string): string =>
    `eyJhbGciOiJFUzI1NiJ9.${Buffer.from(JSON.stringify({ sub })).toString('base64url')}.c2ln`;
  const who = (id: string, email: string) => ({ id, traits: { email } });
  const body200 = (id = 'id-1', email = 'a@reference.test', sub = id) => {
    const jwt = token(sub);
    const session = {
      id: 's-1',
      active: true,
      authenticated_at: '2026-12-04T08:00:00.000Z',
      expires_at: '2026-12-04T09:00:00.000Z',
      devices: [],
      identity: who(id, email),
      tokenized: jwt,
    };
    return { sessionToken: 'st', jwt, session, identity: who(id, email), tokenizedSession: session };
  };
  const json = 'application/json; charset=utf-8';

  it('passes a conforming 200 and AuthError, and does not judge a missing response', () => {
    assert.deepEqual(contractProblems(200, json, JSON.stringify(body200())), []);
    assert.deepEqual(contractProblems(401, json, JSON.stringify({ error: 'e', message: 'm', status: 401 })), []);
    assert.equal(contractProblems(0, '', null), undefined);
  });

  it('names what breaks the contract, with paths as the contract suite prints them', () => {
    const broken = body200();
    const noOffset = { ...broken, session: { ...broken.session, expires_at: '2026-12-04T09:00:00' } };
    assert.deepEqual(contractProblems(200, json, JSON.stringify(noOffset)), [
      '$.session.expires_at: must match format "date-time"',
    ]);
    const { sessionToken: _dropped, ...missing } = broken;
    assert.deepEqual(contractProblems(200, json, JSON.stringify(missing)), ['$.sessionToken: is required but missing']);
    assert.match(contractProblems(201, json, '{}')?.[0] ?? '', /status 201 is not documented \(200, 400, 401, 502\)/);
    assert.match(contractProblems(200, 'text/html', '<p>')?.[0] ?? '', /Content-Type "text\/html" is not documented/);
    assert.deepEqual(contractProblems(502, json, 'Bad Gateway'), ['the 502 body is not JSON']);
    const overflow = JSON.stringify({ error: 'e', message: 'm', status: 401 + 2 ** 32 });
    assert.deepEqual(contractProblems(401, json, overflow), ['$.status: must match format "int32"']);
  });

  it("passes the account's own identity and names each sign of another's", () => {
    const own = identityCheck(JSON.stringify(body200()), 'A@reference.test', undefined, decode);
    assert.deepEqual(own, { id: 'id-1', problems: [] });
    const cases: [string, unknown, string | undefined, RegExp][] = [
      ['another email', body200('id-1', 'b@reference.test'), undefined, /identity.traits.email is another account's/],
      ['JWT for someone else', body200('id-1', 'a@reference.test', 'id-2'), undefined, /JWT sub is another identity/],
      ['id changed since the first login', body200('id-2'), 'id-1', /not the one this account had before/],
      [
        'nested identities disagree',
        { ...body200(), identity: who('id-9', 'a@reference.test') },
        undefined,
        /session.identity.id differs from identity.id/,
      ],
      ['jwt is not session.tokenized', { ...body200(), jwt: token('id-1') + 'x' }, undefined, /jwt is not session/],
      [
        'another subject, no identity',
        { jwt: token('id-2'), session: { tokenized: token('id-2') } },
        'id-1',
        /JWT sub is not the one this account had before/,
      ],
      ['not JSON', '<html>', undefined, /not a JSON object/],
    ];
    for (const [name, body, known, expected] of cases) {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      const { problems } = identityCheck(text, 'a@reference.test', known, decode);
      assert.match(problems.join('; '), expected, name);
    }
  });

  it('judges no more than the spec requires: no identity, no id, no subject are not failures', () => {
    const bare = { jwt: 'opaque', sessionToken: 'st', session: { tokenized: 'opaque' }, tokenizedSession: {} };
    assert.deepEqual(identityCheck(JSON.stringify(bare), 'a@reference.test', undefined, decode), {
      id: undefined,
      problems: [],
    });
    const subjectOnly = { ...bare, jwt: token('id-1'), session: { tokenized: token('id-1') } };
    assert.deepEqual(identityCheck(JSON.stringify(subjectOnly), 'a@reference.test', 'id-1', decode), {
      id: 'id-1',
      problems: [],
    });
    const noId = { ...body200(), identity: { traits: { email: 'a@reference.test' } } };
    assert.deepEqual(identityCheck(JSON.stringify(noId), 'a@reference.test', undefined, decode).problems, []);
  });

  it('accepts a service that returns no email (real deployments need not)', () => {
    const body = body200();
    const session = { ...body.session, identity: { id: 'id-1' } };
    const noEmail = { ...body, identity: { id: 'id-1' }, session, tokenizedSession: session };
    assert.deepEqual(identityCheck(JSON.stringify(noEmail), 'a@reference.test', 'id-1', decode).problems, []);
  });
});
