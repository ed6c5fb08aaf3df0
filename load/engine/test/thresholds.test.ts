import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runFixture, startServer, type TestServer } from './helpers.ts';

let server: TestServer;
before(async () => (server = await startServer()));
after(() => server.close());

const run = (set: string) => runFixture('thresholds.ts', { env: { THRESHOLD_SET: set, BASE: server.base } });

test('every aggregation on every metric type, tag-filtered sub-metrics and the object form pass: exit 0', async () => {
  const r = await run('pass');
  assert.equal(r.exitCode, 0, r.stdout + r.error);
  const s = r.summary!;
  assert.deepEqual(Object.keys(s.metrics['th_trend']!.thresholds!), [
    'avg==10',
    'min==10',
    'max==10',
    'med==10',
    'p(95)<=10',
    'p(99.9)>=10',
  ]);
  assert.ok(s.metrics['http_req_duration{name:ok}']!.thresholds!['p(95)<2000']!.ok);
  assert.ok(s.metrics['iterations']!.thresholds!['count==3']!.ok);
  assert.match(r.stdout, /✓ 'p\(95\)<=10'/);
});

test('failing thresholds: exit 99, marked not ok in the summary and ✗ in the text', async () => {
  const r = await run('fail');
  assert.equal(r.exitCode, 99);
  assert.equal(r.summary!.metrics['th_trend']!.thresholds!['avg<5']!.ok, false);
  assert.equal(r.summary!.metrics['th_counter']!.thresholds!['count!=3']!.ok, false);
  assert.match(r.stdout, /✗ 'avg<5' avg=10/);
});

test('abortOnFail stops a 20 s run at the first evaluation: exit 99', async () => {
  const started = Date.now();
  const r = await run('abort');
  assert.equal(r.exitCode, 99);
  assert.ok(Date.now() - started < 8000, 'aborted early');
  assert.match(r.stderr, /ABORTED: thresholds on "th_counter"/);
});

test('a threshold on a metric with no samples is flagged loudly in the summary', async () => {
  const r = await run('empty');
  assert.match(r.stdout, /WARNINGS[\s\S]*th_never_fed[\s\S]*NO SAMPLES/);
  assert.match(r.stderr, /NO SAMPLES/);
});

test('invalid thresholds are exit 104 with a message naming the problem', async () => {
  const unknown = await run('unknown');
  assert.equal(unknown.exitCode, 104);
  assert.match(unknown.error, /unknown metric "not_a_metric"/);
  const expr = await run('bad-expr');
  assert.equal(expr.exitCode, 104);
  assert.match(expr.error, /"p95 < 10" is not/);
  const agg = await run('bad-aggregation');
  assert.equal(agg.exitCode, 104);
  assert.match(agg.error, /"avg" does not apply to a rate metric/);
});
