// The self-test's multiplexing reference: routing by prefix, the identity plan, every target answering exactly as the
// stand-alone reference with that defect, and the real process (identity-side defects included).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, test } from 'node:test';
import { MAIN_ACCOUNT } from '../accounts.ts';
import type { App, AppRequest } from '../app.ts';
import { LOGIN_PATH } from '../app.ts';
import { DEFECTS } from '../defects.ts';
import {
  createMultiplexApp,
  faultBaseUrl,
  HEALTHY,
  multiplexPlan,
  routeOf,
  startMultiplexReference,
  targetBaseUrl,
} from '../multiplex.ts';
import type { TargetApps } from '../multiplex.ts';
import type { AppResponse } from '../reply.ts';
import { REPO_ROOT } from '../spawn.ts';
import { failingBackend, testApp } from './support.ts';

const request = (url: string, body: string, method = 'POST'): AppRequest => ({
  method,
  url,
  contentType: 'application/json',
  userAgent: 'multiplex-test',
  body: Buffer.from(body),
  tooLarge: false,
  remoteAddress: '127.0.0.1',
});

/** What a client can compare between two answers whose tokens and times differ: status, headers, body keys. */
function shape(r: AppResponse): unknown {
  let keys: unknown;
  try {
    const body = JSON.parse(r.body) as unknown;
    keys = typeof body === 'object' && body !== null ? Object.keys(body).sort() : body;
  } catch {
    keys = r.body;
  }
  return { status: r.status, headers: Object.keys(r.headers).sort(), contentType: r.headers['content-type'], keys };
}

const REQUESTS: readonly [string, string, string?][] = [
  ['valid login', JSON.stringify(MAIN_ACCOUNT)],
  ['wrong password', JSON.stringify({ ...MAIN_ACCOUNT, password: 'Wrong-Passw0rd!' })],
  ['unknown identifier', JSON.stringify({ identifier: 'nobody@reference.test', password: 'x' })],
  ['empty password', JSON.stringify({ ...MAIN_ACCOUNT, password: '' })],
  ['malformed JSON', '{"identifier": "a",}'],
  ['extra property', JSON.stringify({ ...MAIN_ACCOUNT, extra: 1 })],
  ['GET', '', 'GET'],
  ['DELETE', '', 'DELETE'],
];

describe('multiplexing reference', () => {
  test('routes /__defect/<name>[/fault]<rest> and nothing else', () => {
    assert.deepEqual(routeOf('/__defect/login-201/api/auth/login'), {
      name: 'login-201',
      fault: false,
      rest: '/api/auth/login',
    });
    assert.deepEqual(routeOf('/__defect/healthy/fault/api/auth/login?x=1'), {
      name: 'healthy',
      fault: true,
      rest: '/api/auth/login?x=1',
    });
    assert.deepEqual(routeOf('/__defect/healthy/faulty'), { name: 'healthy', fault: false, rest: '/faulty' });
    assert.deepEqual(routeOf('/__defect/healthy'), { name: 'healthy', fault: false, rest: '/' });
    assert.equal(routeOf('/api/auth/login'), undefined);
    assert.equal(routeOf('/__defect//api/auth/login'), undefined);
    assert.equal(targetBaseUrl('http://127.0.0.1:1/', 'x'), 'http://127.0.0.1:1/__defect/x');
    assert.equal(faultBaseUrl('http://127.0.0.1:1', 'x'), 'http://127.0.0.1:1/__defect/x/fault');
  });

  test('plan: every defect plus healthy; identity-side defects get their own identity service', () => {
    const plan = multiplexPlan(DEFECTS);
    assert.deepEqual(
      plan.targets.map((t) => t.name),
      [HEALTHY, ...DEFECTS.map((d) => d.name)],
    );
    const withFaults = DEFECTS.filter((d) => d.identity !== undefined).map((d) => d.name);
    assert.ok(withFaults.includes('enumeration-timing') && withFaults.includes('accepts-any-password'));
    assert.deepEqual(plan.identities, [HEALTHY, ...withFaults]);
    for (const t of plan.targets) {
      assert.equal(t.identity, t.defect?.identity ? t.name : HEALTHY, t.name);
      assert.equal(t.defect?.name, t.name === HEALTHY ? undefined : t.name);
    }
  });

  test('every target (and its dead-upstream twin) answers as the stand-alone reference with that defect', async () => {
    const standAlone = new Map<string, TargetApps>();
    const routed = new Map<string, TargetApps>();
    for (const t of multiplexPlan(DEFECTS).targets) {
      const options = t.defect ? { defect: t.defect } : {};
      // Separate instances, so per-app state (e.g. session-reused's memo) cannot leak from one side to the other.
      standAlone.set(t.name, {
        main: (await testApp(options)).app,
        fault: (await testApp({ ...options, upstream: failingBackend })).app,
      });
      routed.set(t.name, {
        main: (await testApp(options)).app,
        fault: (await testApp({ ...options, upstream: failingBackend })).app,
      });
    }
    const mux = createMultiplexApp(routed);
    for (const [name, apps] of standAlone) {
      for (const [variant, app, prefix] of [
        ['main', apps.main, `/__defect/${name}`],
        ['fault', apps.fault, `/__defect/${name}/fault`],
      ] as [string, App, string][]) {
        for (const [what, body, method] of REQUESTS) {
          const direct = await app.handle(request(LOGIN_PATH, body, method));
          const viaMux = await mux.handle(request(`${prefix}${LOGIN_PATH}`, body, method));
          assert.deepEqual(shape(viaMux), shape(direct), `${name} (${variant}): ${what}`);
        }
      }
    }
  });

  test('a path outside every target is a 404, so a client that forgot the prefix fails loudly', async () => {
    const mux = createMultiplexApp(new Map([[HEALTHY, { main: (await testApp()).app, fault: (await testApp()).app }]]));
    for (const url of [LOGIN_PATH, `/__defect/no-such-defect${LOGIN_PATH}`]) {
      const answer = await mux.handle(request(url, JSON.stringify(MAIN_ACCOUNT)));
      assert.equal(answer.status, 404, url);
      assert.match(answer.body, /No such target/);
    }
  });

  test('process: identity-side defects reach their own identity service; stop() ends the whole group', async () => {
    const ref = await startMultiplexReference({ hashCost: 'fast', loadAccounts: 0 });
    const post = (base: string, body: object): Promise<Response> =>
      fetch(`${base}${LOGIN_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const wrong = { ...MAIN_ACCOUNT, password: 'Wrong-Passw0rd!' };
    try {
      const at = (name: string): string => targetBaseUrl(ref.origin, name);
      assert.equal((await post(at(HEALTHY), MAIN_ACCOUNT)).status, 200);
      assert.equal((await post(at(HEALTHY), wrong)).status, 401);
      assert.equal((await post(at('accepts-any-password'), wrong)).status, 200, 'identity fault applied');
      assert.equal((await post(at('enumeration-timing'), wrong)).status, 401, 'other identity faults only');
      assert.equal((await post(at('login-201'), MAIN_ACCOUNT)).status, 201);
      assert.equal((await post(faultBaseUrl(ref.origin, HEALTHY), MAIN_ACCOUNT)).status, 502);
      assert.equal((await post(faultBaseUrl(ref.origin, 'upstream-504'), MAIN_ACCOUNT)).status, 504);
      assert.equal((await post(ref.origin, MAIN_ACCOUNT)).status, 404);
    } finally {
      await ref.stop();
    }
    assert.throws(() => process.kill(-ref.pid, 0), /ESRCH/, 'no process of the group is left');
  });

  test('per-target knobs and deployment policies are refused with one line', async () => {
    const refused = (args: string[], message: RegExp): Promise<void> =>
      assert.rejects(
        promisify(execFile)(
          process.execPath,
          ['--import', './cli/ts-register.js', 'reference/multiplex-server.ts', ...args],
          { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 },
        ),
        (error: { code?: number; stderr?: string }) => {
          assert.equal(error.code, 2);
          assert.match(error.stderr ?? '', message);
          return true;
        },
      );
    await Promise.all([
      refused(
        ['--defect', 'login-201'],
        /^reference: the multiplexing reference serves every defect itself: drop --defect/,
      ),
      refused(
        ['--rate-limit', '5'],
        /^reference: the multiplexing reference serves the catalog with no deployment policy: drop/,
      ),
    ]);
  });
});
