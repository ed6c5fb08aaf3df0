// What k6 counts (issue 19): a request whose URL cannot be built is no sample at all, and the `vus` gauge ends at the
// last count of active VUs rather than 0.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { metricValue, runFixture, startServer, type TestServer } from './helpers.ts';

let server: TestServer;
before(async () => (server = await startServer()));
after(() => server.close());

test('http.get(false) and other unbuildable URLs: no http_reqs / http_req_failed sample, "Request Failed" logged', async () => {
  const run = await runFixture('invalid-url.ts', { env: { BASE: server.base } });
  assert.ok(run.summary, run.error);
  assert.deepEqual(
    run.summary.root_group.checks.filter((c) => c.fails > 0).map((c) => c.name),
    [],
    run.stderr,
  );
  assert.equal(metricValue(run.summary, 'http_reqs', 'count'), 1, 'only the valid request is counted');
  assert.equal(metricValue(run.summary, 'http_req_failed', 'passes'), 0);
  assert.equal(run.stderr.match(/WARN\[\d+\] Request Failed error="invalid URL/g)?.length, 3, run.stderr);
});

test('the vus gauge keeps its last value when the test ends: vus value>2 passes with 3 VUs', async () => {
  const run = await runFixture('vus-gauge.ts');
  assert.equal(run.exitCode, 0, run.stderr);
  assert.equal(metricValue(run.summary, 'vus', 'value'), 3);
  assert.equal(metricValue(run.summary, 'vus', 'min'), 3, 'no 0 recorded at the end');
});
