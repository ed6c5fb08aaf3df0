// The login checks run under load: each predicate holds on a good response and fails on a broken one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasTokens, isRejection, isUndocumentedStatus, jwtMatchesSession } from '../../load/lib/login-checks.ts';

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
