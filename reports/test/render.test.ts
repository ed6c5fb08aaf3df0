// Rendering test: Debian's chromium (driven by playwright-core) opens the index, the load report, the review and —
// when one has been built — the Allure report; key figures must be visible and the console free of errors.
// Screenshots are kept under reports/output/screenshots.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { evaluateGate, writeGate } from '../gate/gate.ts';
import { buildIndex } from '../index/build.ts';
import { latestLoadRun, outputPaths } from '../../core/layout.ts';
import { buildLoadReport } from '../load-report/build.ts';
import { appendHistory, recordFromRun } from '../review/history.ts';
import { reviewRun, writeReview } from '../review/review.ts';
import { makeRun, putContract, tempPaths } from './helpers.ts';

const executablePath = '/usr/bin/chromium';
const real = outputPaths();
const shots = real.screenshots;
let browser: Browser | undefined;

before(async () => {
  if (!existsSync(executablePath)) return;
  mkdirSync(shots, { recursive: true });
  browser = await chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

after(async () => {
  await browser?.close();
});

/** Opens a file, failing on any console error, page error or request leaving the machine. */
async function open(file: string): Promise<{ page: Page; problems: string[] }> {
  assert.ok(browser, 'chromium not started');
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text().slice(0, 200)}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url().slice(0, 120)}`));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, problems };
}

const skip = existsSync(executablePath) ? false : `${executablePath} is not installed (apt-get install -y chromium)`;

test(
  'the generated index, load report and review render with their key figures and no console error',
  { skip },
  async () => {
    const paths = tempPaths('render-');
    putContract(paths, 'pass', 'full');
    const base = makeRun(paths, 'nightly-1', { seed: 5, startMs: Date.UTC(2026, 10, 26, 2) });
    await buildLoadReport([base]);
    appendHistory(await recordFromRun(base), paths.loadHistory);
    const run = makeRun(paths, 'nightly-2', { seed: 6, startMs: Date.UTC(2026, 10, 27, 2) });
    const { htmlPath, analysis } = await buildLoadReport([run]);
    writeReview(await reviewRun({ runDir: run, historyFile: paths.loadHistory }), paths.review);
    writeGate(await evaluateGate({ paths, runDir: run }), paths);
    buildIndex(paths);

    const index = await open(paths.index);
    assert.equal((await index.page.locator('#verdict').textContent())?.trim(), 'PASS');
    assert.ok(await index.page.getByRole('link', { name: 'Load report (latest run)' }).isVisible());
    assert.ok(await index.page.getByRole('link', { name: 'Performance review', exact: true }).isVisible());
    assert.ok(await index.page.getByText('baseline comparison').isVisible());
    await index.page.screenshot({ path: join(shots, 'fixture-index.png'), fullPage: true });
    assert.deepEqual(index.problems, []);

    const report = await open(htmlPath);
    assert.equal((await report.page.locator('#verdict').textContent())?.trim(), 'PASSED');
    const requests = analysis.global.count.toLocaleString('en-US');
    assert.ok(
      await report.page.locator('.kpi', { hasText: 'Requests' }).getByText(requests, { exact: true }).isVisible(),
    );
    assert.equal(await report.page.locator('#thresholds tbody tr').count(), analysis.thresholds.length);
    assert.ok(await report.page.getByText('p(95)<500').first().isVisible());
    // distribution, percentiles, requests, statuses, VUs, error share, dropped iterations, latency vs throughput
    assert.equal(await report.page.locator('svg.chart').count(), 8);
    // The fixture's latencies stay far below the 500 ms SLO: the axis follows the data and the SLO is named above it.
    assert.ok(await report.page.locator('svg.chart text.off-chart').first().isVisible());
    await report.page.screenshot({ path: join(shots, 'fixture-load-report.png'), fullPage: true });
    assert.deepEqual(report.problems, []);

    const review = await open(join(paths.review, 'review.html'));
    assert.match((await review.page.locator('#verdict').textContent()) ?? '', /PASS|WARN/);
    assert.ok(await review.page.getByText('p95 latency').isVisible());
    await review.page.screenshot({ path: join(shots, 'fixture-review.png'), fullPage: true });
    assert.deepEqual(review.problems, []);
  },
);

test('a failing gate shows FAIL on the index', { skip }, async () => {
  const paths = tempPaths('render-');
  putContract(paths, 'fail', 'full');
  writeGate(await evaluateGate({ paths }), paths);
  buildIndex(paths);
  const index = await open(paths.index);
  assert.equal((await index.page.locator('#verdict').textContent())?.trim(), 'FAIL');
  assert.ok(await index.page.getByText(/LOGIN-400-BODY/).isVisible());
  assert.deepEqual(index.problems, []);
});

test('the suite outputs in reports/output render: index, latest load report and Allure report', { skip }, async (t) => {
  if (!existsSync(real.index)) {
    t.skip('no reports/output/index.html yet (npm run suite builds it)');
    return;
  }
  const index = await open(real.index);
  assert.match((await index.page.locator('#verdict').textContent()) ?? '', /PASS|FAIL|NO VERDICT/);
  await index.page.screenshot({ path: join(shots, 'index.png'), fullPage: true });
  assert.deepEqual(index.problems, []);
  const latest = latestLoadRun(real.root);
  if (latest !== undefined && existsSync(join(latest, 'report.html'))) {
    const report = await open(join(latest, 'report.html'));
    assert.match((await report.page.locator('#verdict').textContent()) ?? '', /PASSED|FAILED/);
    assert.ok(await report.page.locator('.kpi', { hasText: 'Requests' }).isVisible());
    assert.ok((await report.page.locator('#thresholds tbody tr').count()) > 0);
    await report.page.screenshot({ path: join(shots, 'load-report.png'), fullPage: true });
    assert.deepEqual(report.problems, []);
  }
  const allure = join(real.allureReport, 'index.html');
  if (!existsSync(allure)) {
    t.diagnostic('no Allure report built yet (npm run report:allure)');
    return;
  }
  const page = await open(allure);
  await page.page.getByText('Total', { exact: true }).first().waitFor({ timeout: 20_000 });
  const results = existsSync(real.allureResults) ? readdirSync(real.allureResults) : [];
  if (results.some((f) => f.startsWith('load-'))) {
    // The load run's thresholds sit in the same report as the contract tests.
    assert.ok(await page.page.getByText('Load', { exact: true }).first().isVisible());
  }
  await page.page.screenshot({ path: join(shots, 'allure.png'), fullPage: true });
  assert.deepEqual(page.problems, []);
});
