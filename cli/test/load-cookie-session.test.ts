// The login scenario's cookie-session variant (LOAD_SESSION=cookie): its settings parse to one clear line each, and
// on the local engine against the reference started with --session-cookie the session cookie is in each VU's jar
// and opens GET /api/auth/session; with the wrong cookie name the check fails; by default the variant is off.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runTest } from '../../load/engine/src/run.ts';
import {
  cookieCheckNames,
  defaultSessionCookie,
  defaultSessionPath,
  sessionModeFrom,
} from '../../load/lib/session-mode.ts';
import { startReference, type RunningReference } from '../../reference/launch.ts';

describe('LOAD_SESSION parsing', () => {
  it('token by default; cookie with its name and path (defaults, or as given)', () => {
    assert.deepEqual(sessionModeFrom({}), { kind: 'token' });
    assert.deepEqual(sessionModeFrom({ LOAD_SESSION: 'token' }), { kind: 'token' });
    assert.deepEqual(sessionModeFrom({ LOAD_SESSION: 'cookie' }), {
      kind: 'cookie',
      cookieName: defaultSessionCookie,
      checkPath: defaultSessionPath,
    });
    assert.deepEqual(
      sessionModeFrom({ LOAD_SESSION: 'cookie', LOAD_SESSION_COOKIE: 'ory_kratos_session', LOAD_SESSION_PATH: '/me' }),
      { kind: 'cookie', cookieName: 'ory_kratos_session', checkPath: '/me' },
    );
  });

  for (const [env, message] of [
    [{ LOAD_SESSION: 'jwt' }, /LOAD_SESSION="jwt" must be token \(the default\) or cookie/],
    [{ LOAD_SESSION: 'cookie', LOAD_SESSION_COOKIE: 'a b' }, /LOAD_SESSION_COOKIE="a b" is not a cookie name/],
    [{ LOAD_SESSION: 'cookie', LOAD_SESSION_PATH: 'me' }, /LOAD_SESSION_PATH="me" must be a path under the base URL/],
  ] as const) {
    it(`${JSON.stringify(env)}: one clear line`, () => {
      assert.throws(
        () => sessionModeFrom(env),
        (e: unknown) => e instanceof Error && message.test(e.message) && !e.message.includes('\n'),
      );
    });
  }
});

describe('login scenario, cookie-session variant, on the local engine against the reference', () => {
  let reference: RunningReference;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'load-cookie-session-'));
    reference = await startReference({
      hashCost: 'fast',
      loadAccounts: 2,
      accountsOut: join(dir, 'accounts.json'),
      sessionCookie: 'oms_session',
    });
  });
  after(async () => {
    await reference?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A 2 s, 2-VU run of load/scenarios/login.ts; the checks' passes and fails by name. */
  async function run(env: Record<string, string>): Promise<Map<string, { passes: number; fails: number }>> {
    const result = await runTest({
      script: 'load/scenarios/login.ts',
      env: {
        AUTH_BASE_URL: reference.baseUrl,
        LOAD_ACCOUNTS_FILE: join(dir, 'accounts.json'),
        LOAD_PROFILE: 'smoke',
        LOAD_STAGES: '2s:3',
        LOAD_MAX_VUS: '2',
        LOAD_PRE_ALLOCATED_VUS: '2',
        LOAD_OUTPUT_DIR: join(dir, 'out'),
        ...env,
      },
      cli: {},
      quiet: true,
      tags: {},
      stdout: () => {},
      stderr: () => {},
    });
    assert.ok(result.summary);
    return new Map(result.summary.root_group.checks.map((c) => [c.name, { passes: c.passes, fails: c.fails }]));
  }

  it('the session cookie is in the VU`s jar and alone opens the session', async () => {
    const checks = await run({ LOAD_SESSION: 'cookie', LOAD_SESSION_COOKIE: 'oms_session' });
    for (const name of Object.values(cookieCheckNames)) {
      const c = checks.get(name);
      assert.ok(c && c.passes > 0 && c.fails === 0, `${name}: ${JSON.stringify(c)}`);
    }
  });

  it('a cookie name the deployment does not set fails the check', async () => {
    const checks = await run({ LOAD_SESSION: 'cookie', LOAD_SESSION_COOKIE: 'other' });
    const c = checks.get(cookieCheckNames.inJar);
    assert.ok(c && c.fails > 0 && c.passes === 0, JSON.stringify(c));
    assert.equal(checks.get(cookieCheckNames.accepted), undefined);
  });

  it('off by default: no session checks', async () => {
    const checks = await run({});
    assert.ok((checks.get('login: status is 200')?.passes ?? 0) > 0);
    assert.equal(checks.get(cookieCheckNames.inJar), undefined);
  });
});
