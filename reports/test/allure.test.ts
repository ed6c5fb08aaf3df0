import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeOffline } from '../allure/build.ts';
import { writeLoadAllureResults } from '../allure/load-results.ts';
import { analyzeRun } from '../load-report/analyze.ts';
import { makeRun, tempPaths } from './helpers.ts';

interface Result {
  name: string;
  status: string;
  historyId: string;
  statusDetails: { message?: string };
  parameters: { name: string; value: string }[];
}

test('one Allure result per threshold and per check, failing ones with the observed value', async () => {
  const paths = tempPaths();
  const a = await analyzeRun([makeRun(paths, 'slow', { medianMs: 400 })], { objectives: null });
  writeFileSync(join(paths.root, 'keep.txt'), '');
  const n = writeLoadAllureResults(a, paths.allureResults, '../load/slow/report.html');
  assert.equal(n, a.thresholds.length + a.checks.length);
  const results = readdirSync(paths.allureResults).map(
    (f) => JSON.parse(readFileSync(join(paths.allureResults, f), 'utf8')) as Result,
  );
  const p95 = results.find((r) => r.name === 'SLO http_req_duration{name:login} p(95)<500');
  assert.equal(p95?.status, 'failed');
  assert.match(p95?.statusDetails.message ?? '', /p\(95\) = [\d,.]+ ms does not satisfy p\(95\)<500/);
  assert.ok(p95?.parameters.some((p) => p.name === 'observed'));
  assert.equal(results.filter((r) => r.name.startsWith('check: ')).length, 2);
  // Rebuilding replaces, and history ids are stable across runs.
  const again = writeLoadAllureResults(a, paths.allureResults);
  assert.equal(readdirSync(paths.allureResults).length, again);
  const ids = new Set(results.map((r) => r.historyId));
  assert.equal(ids.size, results.length);
});

test('the Allure page is made offline: data object declared first, analytics removed', () => {
  const html = `<html><head><title>x</title></head><body><script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>
    <script>
        window.dataLayer = window.dataLayer || [];
        gtag('config', 'G-1', {});
    </script><script>allureReportData = {}</script></body></html>`;
  const out = makeOffline(html);
  assert.doesNotMatch(out, /googletagmanager|gtag/);
  assert.match(out, /^<html><head><script>window\.allureReportData = window\.allureReportData \|\| \{\};<\/script>/);
  assert.match(out, /allureReportData = \{\}/);
});
