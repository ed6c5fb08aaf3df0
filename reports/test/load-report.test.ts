import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeSyntheticRun } from './synthetic-run.ts';
import { analysisSchema, loadAnalysis, readFreshAnalysis } from '../load-report/analysis.ts';
import { analyzeRun } from '../load-report/analyze.ts';
import { buildLoadReport } from '../load-report/build.ts';
import { makeRun, tempPaths } from './helpers.ts';

test('the HTML report carries the global statistics, every threshold and the run metadata', async () => {
  const paths = tempPaths();
  const dir = makeRun(paths, 'run-ok');
  const { htmlPath, analysis } = await buildLoadReport([dir]);
  const html = readFileSync(htmlPath, 'utf8');
  assert.equal(analysis.global.count, 380);
  assert.match(html, /id="verdict">PASSED</);
  assert.match(html, />380</);
  for (const t of analysis.thresholds)
    assert.ok(html.includes(t.expression.replace(/</g, '&lt;').replace(/>/g, '&gt;')), t.expression);
  assert.equal(analysis.thresholds.length, 9);
  assert.ok(analysis.thresholds.every((t) => t.judgedBy === 'k6 summary'));
  assert.match(html, /127\.0\.0\.1:39871/);
  assert.match(html, /Response time percentiles over time/);
  assert.match(html, /Active virtual users/);
  assert.doesNotMatch(html, /<script|https?:\/\/(?!127\.0\.0\.1)/, 'self-contained: no script, no external URL');
});

test('a breached threshold turns the report red and names the value', async () => {
  const paths = tempPaths();
  const dir = makeRun(paths, 'run-slow', { medianMs: 400 });
  const { htmlPath, analysis } = await buildLoadReport([dir]);
  const failed = analysis.thresholds.filter((t) => !t.ok).map((t) => `${t.metric} ${t.expression}`);
  assert.ok(failed.includes('http_req_duration{name:login} p(95)<500'), failed.join(', '));
  assert.match(readFileSync(htmlPath, 'utf8'), /id="verdict">FAILED</);
});

test('several instances merge into global percentiles and thresholds are judged globally', async () => {
  const paths = tempPaths();
  const thresholds = { 'http_req_duration{name:login}': ['p(95)<500'], 'http_reqs{name:login}': ['count>=300'] };
  const merged = join(paths.loadRuns, 'dist');
  writeSyntheticRun(merged, { durationSec: 20, rps: 20, instances: 2, layout: 'dirs', thresholds, runId: 'dist' });
  const single = join(paths.loadRuns, 'single');
  writeSyntheticRun(single, { durationSec: 20, rps: 20, thresholds, runId: 'single' });
  const a = await analyzeRun([merged], { objectives: null });
  const b = await analyzeRun([single], { objectives: null });
  assert.equal(a.merged, true);
  assert.equal(a.instanceCount, 2);
  assert.equal(a.global.count, b.global.count);
  assert.equal(a.global.p95, b.global.p95, 'same samples, same global percentile');
  const count = a.thresholds.find((t) => t.expression === 'count>=300');
  assert.ok(count);
  // Each runner alone saw ~190 requests and failed; the test as a whole made 380 and passes.
  assert.deepEqual(
    count.perInstance.map((p) => p.ok),
    [false, false],
  );
  assert.equal(count.ok, true);
  assert.equal(count.judgedBy, 'merged stream');
  assert.equal(count.value, 380);
});

test('instances side by side in one directory (metrics-<n>.ndjson) merge the same way', async () => {
  const paths = tempPaths();
  const dir = join(paths.loadRuns, 'files');
  writeSyntheticRun(dir, { durationSec: 10, rps: 30, instances: 3, layout: 'files', runId: 'files' });
  const a = await analyzeRun([dir], { objectives: null });
  assert.equal(a.instanceCount, 3);
  assert.equal(
    a.byInstance.reduce((n, r) => n + r.count, 0),
    a.global.count,
  );
});

test('malformed lines are skipped and counted, not fatal', async () => {
  const paths = tempPaths();
  const dir = makeRun(paths, 'run-bad-lines');
  appendFileSync(join(dir, 'metrics.ndjson'), '{"type":"Point","metric":"http_req_duration","data":{"time":\n');
  const a = await analyzeRun([dir], { objectives: null });
  assert.equal(a.stream.badLines, 1);
  assert.equal(a.global.count, 380);
});

test('a missing run directory is one clear error', async () => {
  await assert.rejects(buildLoadReport(['/nonexistent/run']), /load run directory \/nonexistent\/run does not exist/);
});

test('an SLO of config/slo.json the run never declared is reported as failed', async () => {
  const paths = tempPaths();
  const dir = makeRun(paths, 'run-partial', { thresholds: { 'http_req_duration{name:login}': ['p(95)<500'] } });
  const a = await analyzeRun([dir]); // profile smoke: objectives from config/slo.json
  const missing = a.thresholds.filter((t) => t.note.includes('was not declared'));
  assert.ok(missing.length >= 3, missing.map((t) => t.metric).join(', '));
  assert.equal(a.thresholdsOk, false);
});

test('a stream of garbage without a summary is refused, no report written', async () => {
  const paths = tempPaths();
  const dir = join(paths.loadRuns, 'garbage');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'metrics.ndjson'),
    '{"type":"Point","metric":"http_req_duration","data": garbage\nnot json\n',
  );
  await assert.rejects(buildLoadReport([dir]), /no valid k6 metric line \(1 malformed of 2\) and no summary\.json/);
  assert.equal(existsSync(join(dir, 'report.html')), false);
});

/** The figure of a KPI tile and of a threshold row's "Observed" cell, as the page shows them. */
function tile(html: string, label: string): string | undefined {
  return new RegExp(`<div class="label">${label.replace(/[()]/g, '\\$&')}</div><div class="value">([^<]+)</div>`).exec(
    html,
  )?.[1];
}
function thresholdObserved(html: string, stat: string): string | undefined {
  return new RegExp(`>${stat.replace(/[()]/g, '\\$&')}=([^<]+)</strong>`).exec(html)?.[1];
}

test('the tiles and the threshold rows show the same p95 and p99 for the same run', async () => {
  const paths = tempPaths();
  // A setup probe (name "readiness") besides the logins, as the real script sends: the tiles must still show the
  // login requests the thresholds judge, with k6's percentile, not a different figure over all requests.
  const dir = makeRun(paths, 'run-agree', { durationSec: 10, rps: 9 });
  appendFileSync(
    join(dir, 'metrics.ndjson'),
    `${JSON.stringify({ metric: 'http_req_duration', type: 'Point', data: { time: '2026-11-27T02:00:00.5Z', value: 950, tags: { name: 'readiness', status: '400', expected_response: 'true' } } })}\n`,
  );
  const { htmlPath, analysis } = await buildLoadReport([dir]);
  const html = readFileSync(htmlPath, 'utf8');
  for (const stat of ['p(95)', 'p(99)']) {
    const row = analysis.thresholds.find(
      (t) => t.metric === 'http_req_duration{name:login}' && t.expression.startsWith(stat),
    );
    assert.ok(row, stat);
    assert.equal(row.judgedBy, 'k6 summary');
    const key = stat === 'p(95)' ? 'p95' : 'p99';
    assert.ok(
      Math.abs(analysis.headline[key] - row.value) <= 1e-9 * row.value,
      `${stat}: ${analysis.headline[key]} vs ${row.value}`,
    );
    const shown = tile(html, key);
    assert.ok(shown !== undefined, `tile ${key}`);
    assert.equal(shown, thresholdObserved(html, stat), `${stat}: tile and threshold row differ`);
  }
  assert.equal(analysis.headline.name, 'http_req_duration{name:login}');
  assert.equal(analysis.global.count, analysis.headline.count + 1, 'the probe is in the statistics, not the tiles');
  assert.equal(analysis.percentiles, 'exact');
});

test('analysis.json is written once and read back; a newer metrics file or another schema recomputes it', async () => {
  const paths = tempPaths();
  const dir = makeRun(paths, 'run-cache');
  const first = await loadAnalysis(dir);
  const path = join(dir, 'analysis.json');
  assert.ok(existsSync(path));
  const fresh = readFreshAnalysis(dir);
  assert.ok(typeof fresh !== 'string', String(fresh));
  assert.deepEqual(fresh.headline, first.headline);
  assert.ok(Number.isNaN(fresh.global.stddev) || Number.isFinite(fresh.global.stddev));
  // Stale: the metrics file changed after the analysis.
  const earlier = new Date(Date.now() - 60_000);
  utimesSync(path, earlier, earlier);
  assert.match(String(readFreshAnalysis(dir)), /analysis\.json is older than /);
  await loadAnalysis(dir);
  assert.equal(typeof readFreshAnalysis(dir), 'object');
  // Another schema version.
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  writeFileSync(path, JSON.stringify({ ...raw, schema: analysisSchema + 1 }));
  utimesSync(path, new Date(Date.now() + 10_000), new Date(Date.now() + 10_000));
  assert.match(String(readFreshAnalysis(dir)), /has schema/);
});

test('a gzip-compressed stream (metrics.ndjson.gz, what npm run load writes) gives the same analysis as plain', async () => {
  const paths = tempPaths();
  const plain = join(paths.loadRuns, 'plain');
  const gz = join(paths.loadRuns, 'gz');
  const p = writeSyntheticRun(plain, { durationSec: 30, rps: 20, runId: 'same' });
  const g = writeSyntheticRun(gz, { durationSec: 30, rps: 20, runId: 'same', gzip: true });
  assert.ok(existsSync(join(gz, 'metrics.ndjson.gz')) && !existsSync(join(gz, 'metrics.ndjson')));
  assert.ok(g.fileBytes < p.fileBytes / 4, `compressed ${g.fileBytes} B vs ${p.fileBytes} B`);
  const [a, b] = [await analyzeRun([plain]), await analyzeRun([gz])];
  assert.equal(b.stream.lines, a.stream.lines);
  assert.ok(b.global.count > 0);
  assert.deepEqual({ ...b, sources: [] }, { ...a, sources: [] }, 'every figure equal; only the file names differ');
});
