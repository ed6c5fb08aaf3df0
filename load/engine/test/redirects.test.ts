// k6/http's redirects end to end on the engine: fixtures/redirects.ts names each behaviour as a check; the samples
// (one http_reqs per hop, each tagged with its own URL) are read from --out json.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runFixture } from './helpers.ts';
import { startSessionServer, type SessionServer } from './session-server.ts';

let server: SessionServer;
before(async () => (server = await startSessionServer()));
after(() => server.close());

type Tags = Record<string, string>;

async function run(env: Record<string, string>) {
  const file = join(mkdtempSync(join(tmpdir(), 'engine-redirects-')), 'out.ndjson');
  const r = await runFixture('redirects.ts', { env: { BASE: server.base, ...env }, jsonOut: file });
  assert.equal(r.error, '');
  assert.ok(r.summary, r.stderr);
  const points = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; metric: string; data: { value: number; tags: Tags } })
    .filter((l) => l.type === 'Point');
  const reqs = points.filter((p) => p.metric === 'http_reqs').map((p) => p.data.tags);
  const failed = points.filter((p) => p.metric === 'http_req_failed').map((p) => p.data.value);
  const checks = r.summary.root_group.checks;
  return {
    reqs,
    failed,
    names: checks.map((c) => c.name),
    failedChecks: checks.filter((c) => c.fails > 0 || c.passes === 0).map((c) => c.name),
    stderr: r.stderr,
  };
}

const path = (t: Tags) => t['url']!.replace(server.base, '');

test('redirects: followed by Go`s rules, cookies on hops, limits, cross-host headers; one sample per hop', async () => {
  const r = await run({});
  assert.deepEqual(r.failedChecks, [], r.stderr);
  assert.equal(r.names.length, 17, r.names.join('\n'));
  // The first request: /chain/3 -> /chain/2 -> /chain/1 -> /echo, four samples, each named by its own URL.
  assert.deepEqual(
    r.reqs.slice(0, 4).map((t) => [path(t), t['name'] === t['url'], t['status'], t['method']]),
    [
      ['/chain/3', true, '302', 'GET'],
      ['/chain/2', true, '302', 'GET'],
      ['/chain/1', true, '302', 'GET'],
      ['/echo', true, '200', 'GET'],
    ],
  );
  // A request the script named keeps its name on every hop.
  const named = r.reqs.filter((t) => t['name'] === 'named-chain');
  assert.deepEqual(named.map(path), ['/chain/2', '/chain/1', '/echo']);
  // A POST redirected by 303 is a POST sample, then a GET sample.
  const post303 = r.reqs.findIndex((t) => path(t).startsWith('/redirect?status=303'));
  assert.deepEqual([r.reqs[post303]!['method'], r.reqs[post303 + 1]!['method']], ['POST', 'GET']);
  // Redirect hops are 3xx, expected by k6's default callback (200-399): the one failed request of the whole run is
  // the slow chain's second hop, which ran out of the chain's timeout (two hops of 300 ms, 500 ms in all).
  assert.ok(r.failed.length >= r.reqs.length - 1);
  assert.equal(
    r.failed.reduce((a, b) => a + b, 0),
    1,
  );
  assert.deepEqual(
    r.reqs.filter((t) => t['name'] === 'slow-chain').map((t) => [t['status'], t['error_code']]),
    [
      ['302', undefined],
      ['0', '1050'],
    ],
  );
  // An explicit params.redirects stops silently.
  assert.doesNotMatch(r.stderr, /Stopped after/);
});

test('redirects: options.maxRedirects stops a chain and warns as k6 does; the default limit is 10', async () => {
  const two = await run({ MAX_REDIRECTS: '2', CHAIN: '5' });
  assert.deepEqual(two.failedChecks, [], two.stderr);
  assert.deepEqual(two.reqs.map(path), ['/chain/5', '/chain/4', '/chain/3']);
  assert.match(
    two.stderr,
    /Stopped after 2 redirects and returned the redirection; pass \{ redirects: n \}.*url=.*\/chain\/5/,
  );
  const ten = await run({ CHAIN: '12' });
  assert.deepEqual(ten.failedChecks, [], ten.stderr);
  assert.equal(ten.reqs.length, 11);
  assert.match(ten.stderr, /Stopped after 10 redirects/);
});

test('redirects: a bad options.maxRedirects is a clear error; the checks can fail', async () => {
  // Checked with the other options, before any VU runs: exit 104 (invalid configuration), as k6 does.
  const sent = server.seen.length;
  const bad = await runFixture('redirects.ts', { env: { BASE: server.base, MAX_REDIRECTS: '-2', CHAIN: '1' } });
  assert.equal(bad.exitCode, 104);
  assert.match(bad.error, /^options\.maxRedirects must be a whole number >= 0, got -2$/);
  assert.equal(server.seen.length, sent, 'no request was sent');
  // Without following (maxRedirects 0), the chain's checks fail: they test the redirect, not the server.
  const none = await run({ MAX_REDIRECTS: '0' });
  assert.ok(none.failedChecks.includes('followed to the end; res.url is the final URL'), none.failedChecks.join('\n'));
});
