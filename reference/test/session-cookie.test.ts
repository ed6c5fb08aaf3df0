// --session-cookie NAME: a login also sets the session as an HttpOnly cookie, GET /api/auth/session answers whether
// a cookie names a live session; off by default (the pinned contract is the JSON body alone).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAIN_ACCOUNT } from '../accounts.ts';
import { SESSION_PATH } from '../session-cookie.ts';
import { json, testApp } from './support.ts';

const valid = { identifier: MAIN_ACCOUNT.identifier, password: MAIN_ACCOUNT.password };
const whoami = (cookie?: string) => ({ method: 'GET', url: SESSION_PATH, headers: cookie ? { cookie } : {} });

describe('--session-cookie', () => {
  test('off by default: no Set-Cookie, and the session path is an unknown one (404)', async () => {
    const t = await testApp();
    const login = await t.post(valid);
    assert.equal(login.status, 200);
    assert.equal(login.headers['set-cookie'], undefined);
    assert.equal((await t.call(whoami('session=x'))).status, 404);
  });

  test('a login sets the session token as an HttpOnly cookie that GET /api/auth/session accepts', async () => {
    let now = Date.now();
    const t = await testApp({ sessionCookie: { name: 'oms_session', secure: false }, now: () => now });
    const login = await t.post(valid);
    const body = json(login) as { sessionToken: string; identity: unknown; session: { expires_at: string } };
    const cookie = login.headers['set-cookie'] ?? '';
    assert.match(cookie, /^oms_session=rst_[A-Za-z0-9_-]{43}; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/);
    assert.ok(cookie.startsWith(`oms_session=${body.sessionToken};`), 'the cookie carries the session token');
    const maxAge = Number(/Max-Age=(\d+)/.exec(cookie)?.[1]);
    assert.ok(Math.abs(now + maxAge * 1000 - Date.parse(body.session.expires_at)) < 2000, 'expires with the session');

    const ok = await t.call(whoami(`other=1; oms_session=${body.sessionToken}`));
    assert.equal(ok.status, 200);
    assert.deepEqual(json(ok), { active: true, identity: body.identity });

    for (const bad of [undefined, 'oms_session=rst_forged', `session=${body.sessionToken}`]) {
      const denied = await t.call(whoami(bad));
      assert.equal(denied.status, 401, String(bad));
      assert.equal((json(denied) as { error: string }).error, 'unauthorized');
    }
    now = Date.parse(body.session.expires_at) + 1;
    assert.equal((await t.call(whoami(`oms_session=${body.sessionToken}`))).status, 401, 'expired with the session');
  });

  test('no cookie for a rejected login; Secure over HTTPS', async () => {
    const t = await testApp({ sessionCookie: { name: 'sid', secure: true } });
    const rejected = await t.post({ ...valid, password: 'wrong' });
    assert.equal(rejected.status, 401);
    assert.equal(rejected.headers['set-cookie'], undefined);
    assert.match((await t.post(valid)).headers['set-cookie'] ?? '', /; SameSite=Lax; Secure$/);
  });
});
