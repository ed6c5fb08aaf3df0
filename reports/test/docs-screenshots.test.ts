// npm run docs:screenshots: shoots a run's load report sections with chromium, and refuses a page that shows a
// password (the guard runs before any image is written).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../config/index.ts';
import { runDocsScreenshots } from '../docs-screenshots.ts';
import { buildLoadReport } from '../load-report/build.ts';
import { makeRun, tempPaths } from './helpers.ts';

const skip = existsSync('/usr/bin/chromium') ? false : '/usr/bin/chromium is not installed';

test('a real run: the summary, charts and breakdown sections become small PNGs', { skip }, async () => {
  const dir = makeRun(tempPaths(), 'shots', { wrongShare: 0.2 });
  await buildLoadReport([dir]);
  const out = mkdtempSync(join(tmpdir(), 'shots-'));
  assert.equal(await runDocsScreenshots(['--run', dir, '--out', out]), 0);
  const files = readdirSync(out).sort();
  assert.deepEqual(files, ['load-report-breakdown.png', 'load-report-charts.png', 'load-report-summary.png']);
  for (const f of files) {
    const png = readFileSync(join(out, f));
    assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from('PNG')], `${f} is a PNG`);
    assert.ok(png.length < 300_000, `${f}: ${png.length} bytes`);
  }
});

test('a page holding the login password is refused, nothing is written', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'leak-'));
  writeFileSync(join(dir, 'report.html'), `<section id="global">${loadConfig().login.password}</section>`);
  const out = join(dir, 'out');
  mkdirSync(out);
  await assert.rejects(runDocsScreenshots(['--run', dir, '--out', out]), /holds a test password: not shooting it/);
  assert.deepEqual(readdirSync(out), []);
});
