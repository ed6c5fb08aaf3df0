// k6/timers, the event loop an iteration waits for, concurrent http.asyncRequest and the WebCrypto globals, on the
// default design; K6_ENGINE_DESIGN=qjs runs the same file on the second design.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { metricValue, runFixture, startServer, type TestServer } from './helpers.ts';

let server: TestServer;
before(async () => (server = await startServer()));
after(() => server.close());

test('timers fire before the iteration ends, async requests run together, a blocking call works after await', async () => {
  const run = await runFixture('timers-async.ts', { env: { BASE: server.base } });
  assert.equal(run.error, '');
  assert.ok(run.summary, run.stderr);
  const failed = run.summary.root_group.checks.filter((c) => c.fails > 0 || c.passes !== 2).map((c) => c.name);
  assert.deepEqual(failed, [], run.stderr);
  assert.equal(run.summary.root_group.checks.length, 6);
  assert.equal(metricValue(run.summary, 'timer_fired', 'count'), 2 + 2 * 3, 'one timeout and three ticks each');
  assert.equal(metricValue(run.summary, 'http_reqs', 'count'), 10);
  assert.equal(metricValue(run.summary, 'iterations', 'count'), 2);
});

test('a throwing timer callback, a non-function, a float array and too many bytes: one line each', async () => {
  const run = await runFixture('timers-errors.ts');
  assert.equal(metricValue(run.summary, 'iterations', 'count'), 7, run.stderr);
  assert.match(run.stderr, /thrown with a request queued/);
  assert.equal(metricValue(run.summary, 'http_reqs', 'count'), undefined, 'the queued request was dropped');
  assert.match(run.stderr, /Error: boom in a timer/);
  assert.match(run.stderr, /setTimeout: the first argument must be a function/);
  assert.match(run.stderr, /crypto\.getRandomValues: the argument must be an integer typed array \(got Float64Array\)/);
  assert.match(run.stderr, /QuotaExceededError: crypto\.getRandomValues: 65537 bytes requested, at most 65536/);
  // The fifth iteration ends without error once its timeout cleared the interval.
  assert.equal((run.stderr.match(/^.*(Error|TypeError)/gm) ?? []).length >= 4, true);
});
