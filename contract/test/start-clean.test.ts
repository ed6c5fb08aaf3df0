import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { previousResults, startClean } from '../support/start-clean.ts';

test('a contract run starts clean: Allure results and Playwright JSON/JUnit go, the history stays', () => {
  const root = mkdtempSync(join(tmpdir(), 'start-clean-'));
  try {
    const results = join(root, 'allure-results');
    const history = join(root, 'history');
    mkdirSync(results, { recursive: true });
    mkdirSync(join(root, 'contract'), { recursive: true });
    mkdirSync(history, { recursive: true });
    for (const f of ['a-result.json', 'load-b-result.json', 'categories.json']) writeFileSync(join(results, f), '{}');
    for (const f of ['results.json', 'junit.xml', 'coverage.json']) writeFileSync(join(root, 'contract', f), '');
    writeFileSync(join(history, 'allure-history.jsonl'), '{}\n');
    writeFileSync(join(history, 'load.jsonl'), '{}\n');
    const config = {
      reporter: [
        ['list', undefined],
        ['json', { outputFile: join(root, 'contract', 'results.json') }],
        ['junit', { outputFile: join(root, 'contract', 'junit.xml') }],
        ['allure-playwright', { resultsDir: results, detail: false }],
        ['./support/contract-reporter.ts', undefined],
      ] as [string, unknown][],
    };
    const coverage = join(root, 'contract', 'coverage.json');
    assert.deepEqual(
      previousResults(config, [coverage]).sort(),
      [results, coverage, join(root, 'contract', 'junit.xml'), join(root, 'contract', 'results.json')].sort(),
    );
    startClean(config, [coverage]);
    assert.equal(existsSync(results), false);
    for (const f of ['results.json', 'junit.xml', 'coverage.json'])
      assert.equal(existsSync(join(root, 'contract', f)), false);
    assert.ok(existsSync(join(history, 'allure-history.jsonl')));
    assert.ok(existsSync(join(history, 'load.jsonl')));
    // Nothing to remove is fine (the first run).
    startClean(config, [coverage]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
