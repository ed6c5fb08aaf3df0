// k6/http's cookies end to end on the engine: fixtures/cookies.ts names each behaviour as a check, against the
// loopback session server; these tests expect all of them to run and pass.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runFixture } from './helpers.ts';
import { startSessionServer, type SessionServer } from './session-server.ts';

let server: SessionServer;
before(async () => (server = await startSessionServer()));
after(() => server.close());

async function checksOf(env: Record<string, string>) {
  const run = await runFixture('cookies.ts', { env: { BASE: server.base, ...env } });
  assert.equal(run.error, '');
  assert.ok(run.summary, run.stderr);
  const checks = run.summary.root_group.checks;
  return {
    names: checks.map((c) => c.name),
    failed: checks.filter((c) => c.fails > 0 || c.passes === 0).map((c) => c.name),
    stderr: run.stderr,
  };
}

test('cookies: jar, Set-Cookie attributes, res.cookies, params.cookies/jar, and the jar reset per iteration', async () => {
  const r = await checksOf({});
  assert.deepEqual(r.failed, [], r.stderr);
  assert.equal(r.names.length, 21, r.names.join('\n'));
  assert.ok(r.names.includes('reset: a new iteration starts with an empty jar'));
});

test('cookies: options.noCookiesReset keeps the VU jar across iterations', async () => {
  const r = await checksOf({ KEEP_COOKIES: '1' });
  assert.deepEqual(r.failed, [], r.stderr);
  assert.ok(r.names.includes('noCookiesReset: the jar survives the iteration'));
});

test('cookies: a bad options.noCookiesReset is exit 104 naming it', async () => {
  const run = await runFixture('cookies.ts', { env: { BASE: server.base, KEEP_COOKIES: 'yes' } });
  assert.equal(run.exitCode, 104);
  assert.equal(run.error, 'options.noCookiesReset must be true or false, got "yes"');
});

test('cookies: the checks can fail — against a server that sets no cookies they do', async () => {
  // /redirect answers every path with a 302 and no Set-Cookie: nothing is stored, nothing comes back.
  const r = await checksOf({ BASE: `${server.base}/redirect?to=/status` });
  assert.ok(r.failed.includes('stored cookies are sent back (Expires with a comma kept apart)'), r.failed.join('\n'));
});
