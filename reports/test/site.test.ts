// The one Pages site for every environment: each deploy restores the published site, replaces its own environment's
// folder and keeps the others, with each environment's history; the top index lists the latest verdicts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { UserError } from '../../core/errors.ts';
import type { OutputPaths } from '../../core/layout.ts';
import {
  addEnvironment,
  buildSiteIndex,
  checkEnvironmentName,
  parseManifest,
  restoreSite,
  runSiteCommand,
  safeSitePath,
  siteFiles,
  type SiteManifest,
} from '../index/site.ts';
import { makeRun, tempPaths } from './helpers.ts';

/** A run's reports/output as a nightly job leaves it: gate, review, one load run, history, raw Allure results. */
function nightRun(verdict: 'pass' | 'fail', review: string, night: number): OutputPaths {
  const paths = tempPaths('site-run-');
  writeFileSync(
    paths.gateJson,
    JSON.stringify({ verdict, generatedAt: `2026-12-0${night}T02:40:00.000Z`, checks: [] }),
  );
  writeFileSync(paths.gateMd, `## Release gate: ${verdict.toUpperCase()}\n`);
  writeFileSync(paths.index, `<html>night ${night}</html>`);
  mkdirSync(paths.review, { recursive: true });
  writeFileSync(join(paths.review, 'review.json'), JSON.stringify({ verdict: review }));
  makeRun(paths, `night-${night}`, { profile: 'average-load' });
  mkdirSync(join(paths.root, 'history'), { recursive: true });
  writeFileSync(paths.loadHistory, Array.from({ length: night }, (_, i) => `{"runId":"night-${i + 1}"}`).join('\n'));
  writeFileSync(paths.allureHistory, '{}\n');
  mkdirSync(paths.allureResults, { recursive: true });
  writeFileSync(join(paths.allureResults, 'x-result.json'), '{}');
  mkdirSync(join(paths.contract, 'artifacts', 't1'), { recursive: true });
  writeFileSync(join(paths.contract, 'artifacts', 't1', 'trace.txt'), 'raw');
  writeFileSync(join(paths.contract, 'junit.xml'), '<testsuites tests="1"/>');
  return paths;
}

function tarList(file: string): string[] {
  const r = spawnSync('tar', ['-tzf', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean);
}

/** Serves a folder over loopback like Pages (GET only, 404 when absent); `fail` makes one path answer 500. */
async function serve(dir: string, fail?: string): Promise<{ url: string; server: Server; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    // A project site lives under /<repository>/, as GitHub Pages serves it.
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/login-suite\//, '');
    hits.push(req.url ?? '');
    const file = join(dir, ...path.split('/'));
    if (path === fail) res.writeHead(500).end('boom');
    else if (existsSync(file)) res.writeHead(200).end(readFileSync(file));
    else res.writeHead(404).end('not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/login-suite/`, server, hits };
}

test('environment names are safe folder names, never a reserved site file', () => {
  assert.equal(checkEnvironmentName('staging'), 'staging');
  assert.equal(checkEnvironmentName('pre-prod_2.eu'), 'pre-prod_2.eu');
  for (const bad of ['history', 'index.html', '../x', 'a b', '', '.hidden', 'a/b']) {
    assert.throws(() => checkEnvironmentName(bad), UserError, bad);
  }
});

test('two environments share one site; a new run replaces only its own folder; history kept per environment', () => {
  const site = mkdtempSync(join(tmpdir(), 'site-'));
  addEnvironment({ site, env: 'staging', from: nightRun('pass', 'pass', 1).root });
  const r = addEnvironment({ site, env: 'preprod', from: nightRun('fail', 'fail', 1).root });
  assert.deepEqual(
    r.environments.map((e) => [e.name, e.verdict, e.review, e.run?.runId, e.run?.profile, e.history]),
    [
      ['preprod', 'fail', 'fail', 'night-1', 'average-load', 'history/preprod.tar.gz'],
      ['staging', 'pass', 'pass', 'night-1', 'average-load', 'history/staging.tar.gz'],
    ],
  );
  // Night 2 of staging: staging's folder is the new run, preprod's is untouched.
  addEnvironment({ site, env: 'staging', from: nightRun('fail', 'warn', 2).root });
  assert.equal(readFileSync(join(site, 'staging', 'index.html'), 'utf8'), '<html>night 2</html>');
  assert.ok(!existsSync(join(site, 'staging', 'load', 'night-1')), 'the previous run of staging is replaced');
  assert.ok(existsSync(join(site, 'preprod', 'load', 'night-1', 'summary.json')));
  assert.ok(tarList(join(site, 'history', 'staging.tar.gz')).some((f) => f.endsWith('load.jsonl')));
  // Raw inputs stay in the artifact; the rendered reports are published.
  assert.ok(!existsSync(join(site, 'staging', 'allure-results')));
  assert.ok(!existsSync(join(site, 'staging', 'contract', 'artifacts')));
  assert.ok(existsSync(join(site, 'staging', 'contract', 'junit.xml')));

  const index = readFileSync(join(site, siteFiles.index), 'utf8');
  assert.match(index, /href="preprod\/index\.html"[\s\S]*href="staging\/index\.html"/);
  assert.match(index, /2 environment\(s\), 2 not passing/);
  const envs = JSON.parse(readFileSync(join(site, siteFiles.environments), 'utf8')) as {
    name: string;
    verdict: string;
  }[];
  assert.deepEqual(
    envs.map((e) => [e.name, e.verdict]),
    [
      ['preprod', 'fail'],
      ['staging', 'fail'],
    ],
  );
  const manifest = parseManifest(JSON.parse(readFileSync(join(site, siteFiles.manifest), 'utf8')), 'manifest');
  const listed = manifest.files.map((f) => f.path);
  assert.ok(
    listed.includes('index.html') && listed.includes('environments.json') && listed.includes('history/staging.tar.gz'),
  );
  assert.ok(!listed.includes('manifest.json'));
  assert.equal(manifest.files.find((f) => f.path === 'staging/index.html')?.bytes, '<html>night 2</html>'.length);
});

test('a deploy restores the published site, adds its run and keeps every other environment', async () => {
  const published = mkdtempSync(join(tmpdir(), 'site-published-'));
  addEnvironment({ site: published, env: 'staging', from: nightRun('pass', 'pass', 1).root });
  addEnvironment({ site: published, env: 'preprod', from: nightRun('pass', 'no-baseline', 1).root });
  const { url, server, hits } = await serve(published);
  try {
    const site = mkdtempSync(join(tmpdir(), 'site-next-'));
    const restored = await restoreSite(url, site, { concurrency: 3 });
    const manifest = JSON.parse(readFileSync(join(published, siteFiles.manifest), 'utf8')) as SiteManifest;
    assert.deepEqual(restored, {
      found: true,
      files: manifest.files.length,
      bytes: manifest.files.reduce((s, f) => s + f.bytes, 0),
    });
    for (const f of manifest.files)
      assert.deepEqual(readFileSync(join(site, f.path)), readFileSync(join(published, f.path)), f.path);
    assert.ok(
      hits.every((h) => /\?v=\d+$/.test(h)),
      'every request bypasses the CDN cache',
    );

    const next = addEnvironment({ site, env: 'staging', from: nightRun('fail', 'fail', 2).root });
    assert.deepEqual(
      next.environments.map((e) => [e.name, e.verdict, e.review]),
      [
        ['preprod', 'pass', 'no-baseline'],
        ['staging', 'fail', 'fail'],
      ],
    );
    const history = mkdtempSync(join(tmpdir(), 'site-history-'));
    assert.equal(spawnSync('tar', ['-xzf', join(site, 'history', 'staging.tar.gz'), '-C', history]).status, 0);
    assert.equal(readFileSync(join(history, 'load.jsonl'), 'utf8').split('\n').length, 2, 'night 2 history: 2 runs');
  } finally {
    server.close();
  }
});

test('restore: no manifest is a new site; any other failure stops the deploy', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'site-empty-'));
  const a = await serve(empty);
  try {
    assert.deepEqual(await restoreSite(a.url, join(empty, 'out')), { found: false, files: 0, bytes: 0 });
  } finally {
    a.server.close();
  }
  const published = mkdtempSync(join(tmpdir(), 'site-bad-'));
  addEnvironment({ site: published, env: 'staging', from: nightRun('pass', 'pass', 1).root });
  const down = await serve(published, 'manifest.json');
  try {
    await assert.rejects(restoreSite(down.url, join(published, 'o1')), /manifest\.json: HTTP 500/);
  } finally {
    down.server.close();
  }
  const partial = await serve(published, 'staging/index.html');
  try {
    await assert.rejects(restoreSite(partial.url, join(published, 'o2')), /staging\/index\.html: HTTP 500/);
  } finally {
    partial.server.close();
  }
  writeFileSync(
    join(published, siteFiles.manifest),
    JSON.stringify({ version: 1, files: [{ path: 'staging/index.html', bytes: 1 }] }),
  );
  const wrongSize = await serve(published);
  try {
    await assert.rejects(restoreSite(wrongSize.url, join(published, 'o3')), /the manifest says 1/);
  } finally {
    wrongSize.server.close();
  }
  for (const bad of ['../etc/passwd', '/abs', 'a//b', 'a/./b', 'a\\b', '']) assert.equal(safeSitePath(bad), false, bad);
  assert.throws(() => parseManifest({ version: 1, files: [{ path: '../x', bytes: 1 }] }, 'm'), /invalid entry/);
  assert.throws(() => parseManifest({ files: [] }, 'm'), /not a site manifest/);
});

test('an empty site still gets an index', () => {
  const site = mkdtempSync(join(tmpdir(), 'site-none-'));
  assert.deepEqual(buildSiteIndex(site), []);
  assert.match(readFileSync(join(site, siteFiles.index), 'utf8'), /No environment has published a run yet/);
});

test('report:site: one-line errors for a missing command, option or a bad environment', async () => {
  await assert.rejects(runSiteCommand([]), /no command; usage: npm run report:site/);
  await assert.rejects(runSiteCommand(['publish']), /unknown command "publish"/);
  await assert.rejects(runSiteCommand(['add', '--into', 'x', '--from', 'y']), /add needs --env/);
  await assert.rejects(
    runSiteCommand(['add', '--env', 'history', '--into', 'x', '--from', 'y']),
    /cannot be a site folder/,
  );
  const site = mkdtempSync(join(tmpdir(), 'site-cli-'));
  assert.equal(await runSiteCommand(['index', '--into', site]), 'site: index of 0 environment(s)');
});
