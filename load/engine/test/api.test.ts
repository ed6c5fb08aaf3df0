import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { metricValue, runFixture } from './helpers.ts';

test('k6: check, nested group, sleep, fail() and the four custom metric types with tags', async () => {
  const run = await runFixture('k6-core.ts');
  const s = run.summary;
  assert.ok(s, run.error);
  assert.equal(run.exitCode, 0, run.stdout);
  // root_group: a root check, group "outer" with a failing check and group "inner" inside it
  const root = s.root_group;
  assert.equal(root.checks[0]?.name, 'root check passes');
  assert.equal(root.checks[0]?.passes, 4);
  const outer = root.groups.find((g) => g.name === 'outer');
  assert.equal(outer?.path, '::outer');
  assert.equal(outer?.checks[0]?.fails, 4);
  assert.equal(outer?.groups[0]?.path, '::outer::inner');
  assert.equal(outer?.groups[0]?.checks[0]?.passes, 4);
  assert.equal(metricValue(s, 'checks', 'passes'), 8);
  assert.equal(metricValue(s, 'checks', 'fails'), 4);
  assert.ok((metricValue(s, 'group_duration', 'max') ?? 0) >= 0);
  // custom metrics: types, contains, tag-filtered sub-metric
  assert.equal(s.metrics['custom_wait']?.contains, 'time');
  assert.equal(s.metrics['custom_plain']?.contains, 'default');
  assert.equal(metricValue(s, 'custom_events', 'count'), 8);
  assert.equal(metricValue(s, 'custom_events{kind:a}', 'count'), 4);
  assert.equal(metricValue(s, 'custom_level', 'value'), 3);
  assert.equal(metricValue(s, 'custom_ok', 'rate'), 0.5);
  assert.ok((metricValue(s, 'custom_wait', 'min') ?? 0) >= 19, 'sleep(0.02) slept');
  // fail() ended one iteration with an error that names the fixture line
  assert.match(run.stderr, /deliberate failure on the second iteration of VU 1/);
  assert.match(run.stderr, /k6-core\.ts:\d+/);
  assert.equal(metricValue(s, 'iterations', 'count'), 4);
  for (const th of Object.values(s.metrics).flatMap((m) => Object.values(m.thresholds ?? {}))) assert.ok(th.ok);
});

test('k6/data, k6/execution, k6/encoding, k6/crypto, open() and relative imports', async () => {
  const run = await runFixture('data-exec.ts', { env: { FROM_CLI: 'yes' } });
  assert.ok(run.summary, run.error);
  const failed = run.summary.root_group.checks.filter((c) => c.fails > 0).map((c) => c.name);
  assert.deepEqual(failed, [], run.stderr);
  assert.equal(run.summary.root_group.checks.length, 16);
});

test('scenario env and tags: a check fails when the env var the script expects is missing', async () => {
  const run = await runFixture('data-exec.ts', { env: {} });
  const failed = run.summary?.root_group.checks.filter((c) => c.fails > 0).map((c) => c.name);
  assert.deepEqual(failed, ['scenario env reaches __ENV']);
});

test('lifecycle: setup data reaches iterations and teardown; handleSummary replaces the text summary', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'engine-lifecycle-'));
  const file = join(dir, 'nested', 'summary.json');
  const run = await runFixture('lifecycle.ts', { env: { SUMMARY_FILE: file } });
  assert.equal(run.exitCode, 0, run.stderr);
  assert.equal(run.stdout, 'custom summary: 4 iterations\n');
  assert.match(run.stderr, /teardown saw from-setup/);
  assert.ok(existsSync(file));
  const written = JSON.parse(readFileSync(file, 'utf8')) as { metrics: Record<string, unknown>; state: unknown };
  assert.ok(written.metrics['iterations']);
  assert.ok(written.state);
});
