import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { metricValue, runFixture, startServer, type TestServer } from './helpers.ts';

let server: TestServer;
before(async () => (server = await startServer()));
after(() => server.close());

function failedChecks(summary: NonNullable<Awaited<ReturnType<typeof runFixture>>['summary']>): string[] {
  return summary.root_group.checks.filter((c) => c.fails > 0).map((c) => c.name);
}

test('k6/http: every request form, Response field, error code and response callback behaves as in k6', async () => {
  const run = await runFixture('http-api.ts', { env: { BASE: server.base } });
  assert.equal(run.error, '');
  assert.ok(run.summary);
  assert.deepEqual(failedChecks(run.summary), [], run.stderr);
  assert.ok(run.summary.root_group.checks.length >= 20, 'all checks ran');
  const m = run.summary.metrics;
  // get + 2 posts + put + del + patch + 3 batch + 404 + 401 + timeout + refused + url + 500 + 503 = 16
  assert.equal(metricValue(run.summary, 'http_reqs', 'count'), 16);
  // Failed (unexpected) responses: 404, timeout (status 0) and refused (status 0); 401 was declared expected,
  // 500 expected through setResponseCallback, and 503 was sent with no callback at all (no http_req_failed sample).
  assert.equal(m['http_req_failed']?.values['passes'], 3);
  assert.equal(m['http_req_failed']?.values['fails'], 12);
  for (const phase of ['blocked', 'connecting', 'tls_handshaking', 'sending', 'waiting', 'receiving']) {
    assert.ok(m[`http_req_${phase}`], `http_req_${phase} is recorded`);
  }
  assert.ok((metricValue(run.summary, 'data_sent', 'count') ?? 0) > 500);
  assert.ok((metricValue(run.summary, 'data_received', 'count') ?? 0) > 1000);
});

test('the checks in that fixture can fail: against a server answering 500 they do', async () => {
  const run = await runFixture('http-api.ts', { env: { BASE: `${server.base}/status/500?` } });
  assert.ok(run.summary);
  assert.ok(failedChecks(run.summary).includes('get: status 200'));
});

test('sandbox: process, require, Buffer and the engine bridge are unreachable, even through constructors', async () => {
  const run = await runFixture('sandbox.ts');
  assert.ok(run.summary);
  assert.deepEqual(failedChecks(run.summary), []);
  assert.equal(run.summary.root_group.checks.length, 7);
});
