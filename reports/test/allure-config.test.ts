// The one Allure config (root allurerc.ts) is what both `npm run report:allure` and a bare `npx allure generate`
// read: its categories are contract/allure-categories.ts, its folders follow REPORTS_DIR.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import allureConfig, { reportName } from '../../allurerc.ts';
import { allureCategories } from '../../contract/allure-categories.ts';
import { repoRoot } from '../../config/index.ts';
import { outputPaths, type OutputPaths } from '../../core/layout.ts';
import { allureConfigFile, buildAllureReport } from '../allure/build.ts';
import { tempPaths } from './helpers.ts';

const allureCli = join(dirname(createRequire(import.meta.url).resolve('allure')), '..', 'cli.js');

function writeResult(paths: OutputPaths, id: string, status: 'passed' | 'failed', message?: string): void {
  mkdirSync(paths.allureResults, { recursive: true });
  const now = Date.now();
  const result = {
    uuid: `00000000-0000-4000-8000-${id.padStart(12, '0')}`,
    name: `test ${id}`,
    fullName: `config.test#${id}`,
    historyId: `history-${id}`,
    testCaseId: `case-${id}`,
    status,
    statusDetails: message === undefined ? {} : { message },
    stage: 'finished',
    start: now - 10,
    stop: now,
    labels: [],
    links: [],
    parameters: [],
    steps: [],
    attachments: [],
  };
  writeFileSync(join(paths.allureResults, `${result.uuid}-result.json`), JSON.stringify(result));
}

/** A widget embedded (base64) in the single-file report. */
function widget(indexHtml: string, name: string): unknown {
  const m = new RegExp(`d\\("widgets/${name}","([A-Za-z0-9+/=]*)"`).exec(readFileSync(indexHtml, 'utf8'));
  assert.ok(m?.[1] !== undefined, `widgets/${name} not in ${indexHtml}`);
  return JSON.parse(Buffer.from(m[1], 'base64').toString('utf8')) as unknown;
}

test('allurerc.ts: categories from contract/allure-categories.ts, folders from the output layout', () => {
  const paths = outputPaths();
  assert.deepEqual(allureConfig.categories, [...allureCategories]);
  assert.equal(allureConfig.resultsDir, paths.allureResults);
  assert.equal(allureConfig.output, paths.allureReport);
  assert.equal(allureConfig.historyPath, paths.allureHistory);
  assert.equal(allureConfig.historyLimit, 50);
  assert.deepEqual(allureConfig.plugins?.['awesome']?.options, { singleFile: true, reportLanguage: 'en', reportName });
  assert.equal(allureConfigFile, join(repoRoot, 'allurerc.ts'));
});

test('report:allure and a bare `allure generate` both read allurerc.ts (categories, history, output)', async () => {
  const paths = tempPaths('allure-config-');
  writeResult(paths, '1', 'passed');
  writeResult(paths, '2', 'failed', '[SEC-NO-STORE] the response may be stored');

  const built = await buildAllureReport({ paths, runDir: null });
  assert.equal(built.results, 2);
  assert.ok(existsSync(paths.allureHistory), 'history written where allurerc.ts says, under this REPORTS_DIR');
  const summary = JSON.parse(readFileSync(join(paths.allureReport, 'summary.json'), 'utf8')) as { name: string };
  assert.equal(summary.name, reportName);
  const categories = widget(built.indexHtml, 'categories.json') as { nodes: Record<string, { name?: string }> };
  const names = Object.values(categories.nodes).map((n) => n.name);
  assert.ok(names.includes('Security findings'), `categories: ${names.join(', ')}`);

  // What a user types at the root: no results folder, no --config; REPORTS_DIR as for every other command.
  const bare = spawnSync(process.execPath, [allureCli, 'generate'], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, REPORTS_DIR: paths.root, NO_COLOR: '1' },
    timeout: 120_000,
  });
  assert.equal(bare.status, 0, bare.stderr);
  const again = JSON.parse(readFileSync(join(paths.allureReport, 'summary.json'), 'utf8')) as {
    name: string;
    stats: { total: number };
  };
  assert.equal(again.name, reportName);
  assert.equal(again.stats.total, 2);
  assert.equal(readFileSync(paths.allureHistory, 'utf8').trim().split('\n').length, 2, 'one history entry per build');
});
